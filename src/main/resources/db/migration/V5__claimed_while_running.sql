-- An execution carries a claim exactly while it runs: every move away from 'running' clears claimed_by.
-- The updates of held executions test claimed_by alone and rely on this.
update trigger_executions set claimed_by = null, lease_until = null where status <> 'running' and claimed_by is not null;
update trigger_executions set status = 'pending', next_attempt_at = now() where status = 'running' and claimed_by is null;
alter table trigger_executions add constraint trigger_executions_claimed_while_running
    check ((claimed_by is not null) = (status = 'running'));

-- Steps are written only by the checkpoint statement, joined to the executions it just updated (held by
-- the writer), so they always belong to an execution; the foreign key's per-row check cost a quarter of
-- that statement. Whoever deletes executions deletes their steps in the same transaction.
alter table execution_steps drop constraint execution_steps_execution_id_fkey;
