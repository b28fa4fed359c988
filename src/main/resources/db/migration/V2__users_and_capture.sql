-- crm: users and roles (assign_to_user), and the capture function a CRM installs on its tables.

create table users (
    id         text primary key,
    name       text,
    email      text,
    roles      text[]      not null default '{}',
    active     boolean     not null default true,
    created_at timestamptz not null default now()
);
create index users_roles on users using gin (roles);

-- Round-robin position per role ('*' for "auto": every active user).
create table role_cursors (
    role     text primary key,
    position bigint not null default 0
);

-- The capture function: installed on a CRM table by
--   create trigger triggerfish_capture after insert or update or delete on <table>
--     for each row execute function triggerfish_capture('<model type>', '<id column>');
-- Each change writes its old and new row into the events table in the writer's own transaction;
-- NOTIFY (no payload: ids are read from the table) wakes the dispatchers at commit.
create or replace function triggerfish_capture() returns trigger
language plpgsql as $$
declare
    model     text := TG_ARGV[0];
    id_column text := coalesce(TG_ARGV[1], 'id');
    old_row   jsonb;
    new_row   jsonb;
begin
    if TG_OP <> 'INSERT' then
        old_row := to_jsonb(OLD);
    end if;
    if TG_OP <> 'DELETE' then
        new_row := to_jsonb(NEW);
    end if;
    if TG_OP = 'UPDATE' and old_row = new_row then
        return null; -- an update that changed nothing is not an event
    end if;
    insert into ${flyway:defaultSchema}.events (kind, entity_type, entity_id, old_state, new_state, source)
    values (case TG_OP when 'INSERT' then 'created' when 'UPDATE' then 'updated' else 'deleted' end,
            model, coalesce(new_row, old_row) ->> id_column, old_row, new_row, 'capture');
    perform pg_notify('triggerfish_events', '');
    return null;
end
$$;

-- execution: expired claims are found by the claim query itself.
create index trigger_executions_leases on trigger_executions (lease_until) where status = 'running';
create index events_leases on events (lease_until) where status = 'dispatching';
