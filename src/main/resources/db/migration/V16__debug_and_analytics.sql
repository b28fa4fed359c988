-- insight: debug traces and the analytics rollup (issue 12).

-- debug_mode: the condition trace of the execution's event, written once when it first runs.
alter table trigger_executions add column debug jsonb;

-- Analytics are served from a rollup, kept incrementally from the executions that ended since the
-- watermark (found through this index), so that no analytics query scans the history.
create index trigger_executions_completed on trigger_executions (completed_at) where completed_at is not null;

-- One row per trigger, UTC day of the ending and final status: how many ended, the summed duration of
-- those that started (started_at to completed_at) and its histogram (bucket bounds: insight.DurationBuckets).
create table execution_rollup (
    trigger_id       bigint  not null,
    day              date    not null,
    status           text    not null,
    executions       bigint  not null,
    timed            bigint  not null,
    duration_ms_sum  double precision not null,
    duration_buckets bigint[] not null,
    primary key (trigger_id, day, status)
);
create index execution_rollup_by_day on execution_rollup (day);

-- How far the rollup has read trigger_executions.completed_at (one row).
create table analytics_watermark (
    id            boolean primary key default true check (id),
    rolled_up_to  timestamptz not null default '-infinity'
);
insert into analytics_watermark default values;

create or replace function triggerfish_own_tables() returns text[]
language sql immutable as $$
    select array['event_triggers', 'crm_records', 'events', 'trigger_executions', 'execution_steps', 'users',
                 'role_cursors', 'rate_limit_state', 'rate_limit_buckets', 'api_keys', 'audit_log', 'message_templates',
                 'execution_rollup', 'analytics_watermark',
                 '${flyway:table}']::text[]
$$;
