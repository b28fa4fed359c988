-- retention: history is removed by age in small batches (HistoryRetention). An event is removed only once
-- none of its executions is left, which asks "the executions of this event" for every candidate: the unique
-- key of V1 led with trigger_id and could not answer that without a scan. The same key with event_id first
-- answers it, still enforces one execution per (trigger, event) (ON CONFLICT (trigger_id, event_id) infers
-- it: the columns are a set), and appends at the index's right edge as event ids grow.
alter table trigger_executions drop constraint trigger_executions_once;
alter table trigger_executions add constraint trigger_executions_once unique (event_id, trigger_id);

-- Old events are found by age: events are appended in time order, so a BRIN index (a few pages, next to
-- nothing per insert) narrows "created before the cutoff" to the old block ranges instead of a walk of the
-- whole table on every sweep. Old executions are found through V16's index on completed_at.
create index events_created_brin on events using brin (created_at);
