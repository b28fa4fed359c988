-- execution: the work waiting or running is found through a small table of its own, so that the history
-- keeps no index that an execution's progress changes (issue 10, item 13).
--
-- Until now the claim found due executions through partial indexes on trigger_executions (V1's _due, V2's
-- _leases) and the rollup found ended ones through V16's btree on completed_at. Each reads a column (or a
-- predicate on status) that finishing an execution changes, so no finish was a HOT update: every one wrote
-- a new entry into each of the table's indexes. bench/storage measured the difference on this layout.
--
-- execution_queue holds one row per execution that is due (status pending, scheduled or retrying: due_at is
-- its next_attempt_at) or running (due_at is its lease_until: past it, the claim expired). It is derived
-- from trigger_executions alone, by the statement triggers below, in the transaction that changes the
-- executions, whoever writes them (the runner, intake, a replay, an operator's UPDATE): it never holds a row
-- the history contradicts, and a statement that writes executions never has to know it is there. A finish
-- deletes the execution's queue row; the history's own indexes (id, trigger and event, trigger and time,
-- time created, the workflow and cadence keys, and the BRIN index below) read nothing a finish changes,
-- so it is HOT where the page has room (fill factor 70 leaves it).
create table execution_queue (
    execution_id bigint      primary key,
    due_at       timestamptz not null,
    running      boolean     not null
);
-- the claim's two selections and the backlog read these (predicates as constants: see ExecutionStore)
create index execution_queue_due on execution_queue (due_at) where not running;
create index execution_queue_leases on execution_queue (due_at) where running;

-- The statuses below are ExecutionStatus.DUE and RUNNING (ExecutionStateMachineTest compares them).
-- One function for the executions an INSERT or an UPDATE wrote (PostgreSQL allows a transition table only
-- on a trigger of one event: two triggers, one name for their table): the ended ones leave the queue, the
-- due and running ones enter it or move in it.
create function triggerfish_queue_executions() returns trigger
language plpgsql as $$
begin
    -- = any(array(...)): by primary key, whatever the planner guesses of the transition table (a join
    -- walked the whole queue, dead rows included, on every finish)
    delete from ${flyway:defaultSchema}.execution_queue
    where execution_id = any(array(select id from written_executions
                                   where status not in ('pending', 'scheduled', 'retrying', 'running')));
    insert into ${flyway:defaultSchema}.execution_queue as q (execution_id, due_at, running)
    select id, case when status = 'running' then coalesce(lease_until, now()) else next_attempt_at end, status = 'running'
    from written_executions
    where status in ('pending', 'scheduled', 'retrying', 'running')
    on conflict (execution_id) do update set due_at = excluded.due_at, running = excluded.running
        where (q.due_at, q.running) is distinct from (excluded.due_at, excluded.running);
    return null;
end
$$;
create trigger trigger_executions_queue_new after insert on trigger_executions
    referencing new table as written_executions for each statement execute function triggerfish_queue_executions();
create trigger trigger_executions_queue_changed after update on trigger_executions
    referencing new table as written_executions for each statement execute function triggerfish_queue_executions();

create function triggerfish_queue_removed_executions() returns trigger
language plpgsql as $$
begin
    delete from ${flyway:defaultSchema}.execution_queue where execution_id = any(array(select id from removed_executions));
    return null;
end
$$;
create trigger trigger_executions_queue_removed after delete on trigger_executions
    referencing old table as removed_executions for each statement execute function triggerfish_queue_removed_executions();

create function triggerfish_queue_truncated() returns trigger
language plpgsql as $$
begin
    truncate ${flyway:defaultSchema}.execution_queue;
    return null;
end
$$;
create trigger trigger_executions_queue_truncated after truncate on trigger_executions
    for each statement execute function triggerfish_queue_truncated();

insert into execution_queue (execution_id, due_at, running)
select id, case when status = 'running' then coalesce(lease_until, now()) else next_attempt_at end, status = 'running'
from trigger_executions
where status in ('pending', 'scheduled', 'retrying', 'running');

drop index trigger_executions_due;
drop index trigger_executions_leases;
-- Ended executions by the time they ended (the rollup's windows): a BRIN index, which PostgreSQL 16 and
-- later keep on a HOT update (a summarizing index); executions end roughly in the order they were written.
-- Retention finds old executions by the time they were created, which never changes: one ends after it
-- was created, so whatever ended before the cutoff was created before it, and a btree gives them oldest
-- first without sorting them all (a BRIN bitmap would: half a second for each batch of 1,000 out of a
-- million old executions, against 8 ms).
drop index trigger_executions_completed;
create index trigger_executions_completed on trigger_executions using brin (completed_at) with (autosummarize = on);
create index trigger_executions_created on trigger_executions (created_at);
alter table trigger_executions set (fillfactor = 70);

-- The queue is one of the engine's own tables: never captured (see V6, V7).
create or replace function triggerfish_own_tables() returns text[]
language sql immutable as $$
    select array['event_triggers', 'crm_records', 'events', 'trigger_executions', 'execution_steps', 'users',
                 'role_cursors', 'rate_limit_state', 'rate_limit_buckets', 'api_keys', 'audit_log', 'message_templates',
                 'schedule_slots', 'webhook_sources', 'workflows', 'cadences', 'cadence_enrolments', 'execution_rollup',
                 'analytics_watermark', 'alert_episodes', 'execution_queue', '${flyway:table}']::text[]
$$;
