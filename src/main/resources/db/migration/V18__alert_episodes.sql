-- alert: an episode is one stretch of time during which a trigger's failure rate, or the backlog's age,
-- stays past its threshold. One open episode per (kind, subject), enforced here, so that every replica may
-- measure and the notification still goes out once per episode (AlertStore).
create table alert_episodes (
    id                   bigint generated always as identity primary key,
    kind                 text        not null check (kind in ('failure_rate', 'backlog')),
    subject              text        not null,  -- the trigger's id, or 'backlog'
    detail               jsonb       not null,  -- the measure that opened it
    opened_at            timestamptz not null default now(),
    closed_at            timestamptz,
    notified_at          timestamptz,           -- the opening notification was sent (claimed)
    resolved_notified_at timestamptz            -- the closing one
);
create unique index alert_episodes_open on alert_episodes (kind, subject) where closed_at is null;

create or replace function triggerfish_own_tables() returns text[]
language sql immutable as $$
    select array['event_triggers', 'crm_records', 'events', 'trigger_executions', 'execution_steps', 'users',
                 'role_cursors', 'rate_limit_state', 'rate_limit_buckets', 'api_keys', 'audit_log', 'message_templates',
                 'schedule_slots', 'webhook_sources', 'workflows', 'cadences', 'cadence_enrolments', 'execution_rollup', 'analytics_watermark', 'alert_episodes', '${flyway:table}']::text[]
$$;
