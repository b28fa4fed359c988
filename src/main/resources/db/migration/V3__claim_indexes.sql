-- event: new events are claimed in id order through their own partial index; expired claims
-- ('dispatching' past their lease) through events_leases.
drop index if exists events_pending;
create index events_new on events (id) where status = 'new';
