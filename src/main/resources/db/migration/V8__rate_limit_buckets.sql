-- dispatch: rate limits count admissions in small rows of their own instead of counting the trigger's
-- executions over the whole window on every admission (a cost that grew with history).
--
-- A bucket holds how many executions of a rate-limited trigger were created in [bucket_start, bucket_end):
-- period/60 long (1 s for a minute limit, 1 min for an hour, 24 min for a day), aligned on the epoch, so a
-- calendar minute, hour or day is a whole number of buckets. The admission (RateLimiter) sums the buckets
-- that end inside the window, under the trigger's rate_limit_state row lock, and deletes those older than
-- one period.
--
-- The buckets are kept by triggers on trigger_executions, in the transaction that inserts or changes the
-- executions, so they count exactly what the old count read: the executions at their created_at whose
-- status is not rate_limited, skipped or cancelled, whoever creates them (dispatch, a manual run), none
-- that ON CONFLICT DO NOTHING dropped, and following a status change into or out of those three (a replay
-- of a rate-limited execution counts again, a cancelled one no longer does). Deleting executions does not
-- give their admissions back: the limit holds for the window whatever the history keeps.
create table rate_limit_buckets (
    trigger_id   bigint      not null,
    bucket_start timestamptz not null,
    bucket_end   timestamptz not null,
    admitted     integer     not null,
    primary key (trigger_id, bucket_start)
);

-- The bucket length, in seconds, of a trigger definition's rate limit; null without one (as RateLimit.of:
-- a numeric limit; period minute, day, else hour).
create function triggerfish_rate_bucket_seconds(definition jsonb) returns integer
language sql immutable as $$
    select case when jsonb_typeof(definition #> '{rate_limiting,limit}') = 'number'
                then case definition #>> '{rate_limiting,period}' when 'minute' then 1 when 'day' then 1440 else 60 end
           end
$$;

create function triggerfish_rate_bucket_start(at timestamptz, seconds integer) returns timestamptz
language sql immutable as $$
    select to_timestamp(floor(extract(epoch from at) / seconds) * seconds)
$$;

-- New executions: one upsert per statement for all of them (a transition table), for rate-limited triggers only.
create function triggerfish_count_new_executions() returns trigger
language plpgsql as $$
begin
    insert into ${flyway:defaultSchema}.rate_limit_buckets as b (trigger_id, bucket_start, bucket_end, admitted)
    select n.trigger_id, ${flyway:defaultSchema}.triggerfish_rate_bucket_start(n.created_at, s.seconds),
           ${flyway:defaultSchema}.triggerfish_rate_bucket_start(n.created_at, s.seconds) + make_interval(secs => s.seconds), count(*)
    from new_executions n
    join lateral (select ${flyway:defaultSchema}.triggerfish_rate_bucket_seconds(t.definition) as seconds
                  from ${flyway:defaultSchema}.event_triggers t where t.id = n.trigger_id) s on s.seconds is not null
    where n.status not in ('rate_limited', 'skipped', 'cancelled')
    group by 1, 2, 3
    order by 1, 2
    on conflict (trigger_id, bucket_start) do update
        set admitted = b.admitted + excluded.admitted, bucket_end = greatest(b.bucket_end, excluded.bucket_end);
    return null;
end
$$;
create trigger trigger_executions_rate_count after insert on trigger_executions
    referencing new table as new_executions for each statement execute function triggerfish_count_new_executions();

-- An execution that starts or stops counting (fired only then, by the WHEN clause): its bucket gains or loses one.
create function triggerfish_recount_execution() returns trigger
language plpgsql as $$
declare
    seconds integer := (select ${flyway:defaultSchema}.triggerfish_rate_bucket_seconds(t.definition)
                        from ${flyway:defaultSchema}.event_triggers t where t.id = new.trigger_id);
    start   timestamptz;
begin
    if seconds is null or new.created_at <= now() - interval '1 day' then
        return null; -- no limit, or too old to be in any window
    end if;
    start := ${flyway:defaultSchema}.triggerfish_rate_bucket_start(new.created_at, seconds);
    if new.status in ('rate_limited', 'skipped', 'cancelled') then
        update ${flyway:defaultSchema}.rate_limit_buckets set admitted = admitted - 1
        where trigger_id = new.trigger_id and bucket_start = start and admitted > 0;
    else
        insert into ${flyway:defaultSchema}.rate_limit_buckets as b (trigger_id, bucket_start, bucket_end, admitted)
        values (new.trigger_id, start, start + make_interval(secs => seconds), 1)
        on conflict (trigger_id, bucket_start) do update set admitted = b.admitted + 1;
    end if;
    return null;
end
$$;
create trigger trigger_executions_rate_recount after update of status on trigger_executions for each row
    when ((old.status in ('rate_limited', 'skipped', 'cancelled')) <> (new.status in ('rate_limited', 'skipped', 'cancelled')))
    execute function triggerfish_recount_execution();

-- The executions of the last day (the longest period) that the old count would still see, so the windows
-- open at this migration keep their count.
insert into rate_limit_buckets (trigger_id, bucket_start, bucket_end, admitted)
select e.trigger_id, triggerfish_rate_bucket_start(e.created_at, s.seconds),
       triggerfish_rate_bucket_start(e.created_at, s.seconds) + make_interval(secs => s.seconds), count(*)
from trigger_executions e
join lateral (select triggerfish_rate_bucket_seconds(t.definition) as seconds from event_triggers t where t.id = e.trigger_id) s
    on s.seconds is not null
where e.created_at > now() - interval '1 day' and e.status not in ('rate_limited', 'skipped', 'cancelled')
group by 1, 2, 3;

-- The buckets are one of the engine's own tables: never captured (see V6, V7).
create or replace function triggerfish_own_tables() returns text[]
language sql immutable as $$
    select array['event_triggers', 'crm_records', 'events', 'trigger_executions', 'execution_steps', 'users',
                 'role_cursors', 'rate_limit_state', 'rate_limit_buckets', 'api_keys', 'audit_log', '${flyway:table}']::text[]
$$;
