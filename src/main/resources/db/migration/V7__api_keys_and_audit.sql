-- API keys with scopes. Only a SHA-256 of each key is kept: a key is 32 random bytes, so a fast hash
-- cannot be reversed or guessed, and the plain key is shown once, when it is created.
create table api_keys (
    id          bigserial primary key,
    name        text        not null check (length(name) between 1 and 100),
    key_prefix  text        not null,
    key_hash    bytea       not null unique,
    scopes      text[]      not null check (cardinality(scopes) > 0 and scopes <@ array['read', 'write', 'admin']),
    created_at  timestamptz not null default now(),
    created_by  text        not null,
    revoked_at  timestamptz,
    revoked_by  text
);
create unique index api_keys_active_name on api_keys (name) where revoked_at is null;

-- Who changed what: one row per change of a trigger, capture, user or key, written in the change's own transaction.
create table audit_log (
    id          bigserial primary key,
    at          timestamptz not null default now(),
    actor       text        not null,
    action      text        not null,
    entity_type text        not null,
    entity_id   text,
    change      jsonb
);
create index audit_log_entity on audit_log (entity_type, entity_id, id);
create index audit_log_actor on audit_log (actor, id);
create index audit_log_at on audit_log (at, id);

-- The keys and the audit trail are the engine's own tables: never captured (see V6). Every migration that
-- creates a table adds it here (CaptureGuardTest checks the list against the migrations).
create or replace function triggerfish_own_tables() returns text[]
language sql immutable as $$
    select array['event_triggers', 'crm_records', 'events', 'trigger_executions', 'execution_steps', 'users',
                 'role_cursors', 'rate_limit_state', 'api_keys', 'audit_log', '${flyway:table}']::text[]
$$;
