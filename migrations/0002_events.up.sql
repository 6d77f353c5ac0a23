-- The event backbone: transactional outbox, the activity log projection,
-- and the dead letters the service has seen.

-- One row per (event, topic), written in the same transaction as the change
-- that caused it. The relay publishes rows through Dapr and deletes them;
-- rows it could not publish stay, with a back-off. Per (topic, partition_key)
-- only the oldest row is ever published, so one task's events keep their
-- order even with several relays.
CREATE TABLE outbox (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    topic           text        NOT NULL,
    partition_key   text        NOT NULL,
    payload         text        NOT NULL,          -- the event JSON, published as the CloudEvent data
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
    last_error      text,
    UNIQUE (event_id, topic)
);
CREATE INDEX outbox_head_idx ON outbox (topic, partition_key, id);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id);

-- The activity log: one row per task event, unique by event id, so a
-- redelivered event changes nothing.
CREATE TABLE activity_logs (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    user_id      text        NOT NULL,
    task_id      bigint      NOT NULL,
    action       text        NOT NULL CHECK (action IN ('created', 'updated', 'completed', 'reopened', 'deleted')),
    task_version bigint      NOT NULL,
    actor_type   text        NOT NULL CHECK (actor_type IN ('user', 'mcp', 'system')),
    actor_id     text        NOT NULL,
    changes      jsonb       NOT NULL DEFAULT '{}',
    occurred_at  timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX activity_logs_user_idx ON activity_logs (user_id, id DESC);
CREATE INDEX activity_logs_user_task_idx ON activity_logs (user_id, task_id, id DESC);

-- Messages that reached a dead-letter topic (poison events), kept for
-- inspection; unique per (topic, CloudEvent id).
CREATE TABLE dead_letters (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic       text        NOT NULL,
    event_id    text        NOT NULL,
    payload     bytea       NOT NULL,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (topic, event_id)
);
