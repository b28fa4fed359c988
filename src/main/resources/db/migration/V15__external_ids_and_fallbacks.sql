-- sync_to_external: the ids other systems gave a record, by integration ({"salesforce": "003..."}). A column
-- beside the attributes, not an attribute: a client's PUT replaces the attributes and would drop them (the next
-- sync would create a duplicate), and writing them is no change of the record's own state, so it emits no event
-- (a trigger that syncs on every update does not fire again on its own sync).
alter table crm_records add column external_ids jsonb not null default '{}'::jsonb;
