-- sync_to_external: the ids other systems gave a record, by integration ({"salesforce": "003..."}). A column
-- beside the attributes, not an attribute: a client's PUT replaces the attributes and would drop them (the next
-- sync would create a duplicate), and writing them is no change of the record's own state, so it emits no event
-- (a trigger that syncs on every update does not fire again on its own sync).
alter table crm_records add column external_ids jsonb not null default '{}'::jsonb;

-- fallback actions: an action's `fallback: [...]` run in its place once it failed for good. Each is checkpointed
-- as its own step row, at its action's step_index with its number (1..n; 0 is the action itself), so a resumed
-- execution finds which of them already ran and does not run them again.
alter table execution_steps add column fallback integer not null default 0;
alter table execution_steps drop constraint execution_steps_pkey;
alter table execution_steps add primary key (execution_id, step_index, fallback);
