-- inbound: the named senders of POST /api/webhooks/{source}. A source names its secret (a configured
-- triggerfish.secret.<name>), never holds it: no secret is stored in the database.
create table webhook_sources (
    name                 text        primary key,   -- the {source} of the URL
    description          text,
    verification         text        not null default 'signature',
    signing_secret       text        not null,      -- name of the configured secret (Standard Webhooks, or the shared one)
    previous_secret      text,                      -- name of the secret still accepted while the sender rotates
    shared_secret_header text,                      -- the header that carries the shared secret (verification 'shared_secret')
    record               jsonb,                     -- which CRM record a payload concerns, and what to do when none is found
    version              integer     not null default 0,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    constraint webhook_sources_verification_check check (verification in ('signature', 'shared_secret'))
);

create or replace function triggerfish_own_tables() returns text[]
language sql immutable as $$
    select array['event_triggers', 'crm_records', 'events', 'trigger_executions', 'execution_steps', 'users',
                 'role_cursors', 'rate_limit_state', 'rate_limit_buckets', 'api_keys', 'audit_log', 'message_templates',
                 'webhook_sources', '${flyway:table}']::text[]
$$;
