-- dispatch: the burst bucket of each rate-limited trigger; its row lock serialises admissions
-- across replicas (the window itself is counted from trigger_executions).
create table rate_limit_state (
    trigger_id   bigint primary key,
    tokens       double precision not null,
    refreshed_at timestamptz      not null
);
