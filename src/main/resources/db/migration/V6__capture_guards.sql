-- capture: never on Triggerfish's own tables or on system catalogs, and captured changes made by an
-- action carry the action's chain depth, so the chain limit holds for them as for every other event.

-- The tables Triggerfish's migrations create. Capturing one would feed Triggerfish its own writes (on
-- events: every write recurses until the stack depth limit; on trigger_executions: a loop of executions
-- creating events creating executions). A migration that creates a table adds it here.
create or replace function triggerfish_own_tables() returns text[]
language sql immutable as $$
    select array['event_triggers', 'crm_records', 'events', 'trigger_executions', 'execution_steps', 'users',
                 'role_cursors', 'rate_limit_state', '${flyway:table}']::text[]
$$;

-- Why a relation may not be captured, or null when it may. Decided on the resolved relation (its
-- schema and name), however it was spelt: 'events', 'public.events', '"events"' and 'EVENTS' are one table.
create or replace function triggerfish_capture_refusal(rel oid) returns text
language sql stable as $$
    select case
        when n.nspname like 'pg\_%' or n.nspname = 'information_schema'
            then format('%s is a system catalog (schema %s): it cannot be captured', c.oid::regclass, n.nspname)
        when n.nspname = '${flyway:defaultSchema}' and c.relname = any (${flyway:defaultSchema}.triggerfish_own_tables())
            then format('%s is one of Triggerfish''s own tables: capturing it would feed Triggerfish its own writes', c.oid::regclass)
        when c.relkind not in ('r', 'p')
            then format('%s is not a table (only tables can be captured)', c.oid::regclass)
    end
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.oid = rel
$$;

-- The capture function (V2), now
--  * doing nothing on Triggerfish's own tables and system catalogs, should it be installed there by hand;
--  * stamping the event with the chain depth and trigger of the action whose transaction made the change:
--    the runner sets triggerfish.chain_depth and triggerfish.origin_trigger_id (transaction-local) before
--    an action writes, so a change an action causes in a captured table (through a trigger of the CRM's
--    own on crm_records, say) is one level deeper than the event that ran the action. Outside such a
--    transaction both are unset: depth 0, no origin, as before.
create or replace function triggerfish_capture() returns trigger
language plpgsql as $$
declare
    model     text := TG_ARGV[0];
    id_column text := coalesce(TG_ARGV[1], 'id');
    old_row   jsonb;
    new_row   jsonb;
    depth     integer := coalesce(nullif(current_setting('triggerfish.chain_depth', true), '')::integer, 0);
    origin    bigint := nullif(current_setting('triggerfish.origin_trigger_id', true), '')::bigint;
begin
    if TG_TABLE_SCHEMA like 'pg\_%' or TG_TABLE_SCHEMA = 'information_schema'
       or (TG_TABLE_SCHEMA = '${flyway:defaultSchema}' and TG_TABLE_NAME = any (${flyway:defaultSchema}.triggerfish_own_tables())) then
        return null;
    end if;
    if TG_OP <> 'INSERT' then
        old_row := to_jsonb(OLD);
    end if;
    if TG_OP <> 'DELETE' then
        new_row := to_jsonb(NEW);
    end if;
    if TG_OP = 'UPDATE' and old_row = new_row then
        return null; -- an update that changed nothing is not an event
    end if;
    insert into ${flyway:defaultSchema}.events (kind, entity_type, entity_id, old_state, new_state, source, chain_depth, origin_trigger_id)
    values (case TG_OP when 'INSERT' then 'created' when 'UPDATE' then 'updated' else 'deleted' end,
            model, coalesce(new_row, old_row) ->> id_column, old_row, new_row, 'capture', depth, origin);
    perform pg_notify('triggerfish_events', '');
    return null;
end
$$;

-- A capture already installed on one of those tables is removed.
do $$
declare
    installed record;
begin
    for installed in
        select t.tgrelid::regclass as relation from pg_trigger t
        where t.tgname = 'triggerfish_capture' and not t.tgisinternal and ${flyway:defaultSchema}.triggerfish_capture_refusal(t.tgrelid) is not null
    loop
        execute format('drop trigger triggerfish_capture on %s', installed.relation);
    end loop;
end
$$;
