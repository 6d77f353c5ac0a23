-- The real-time change feed: one row per task change and per fired
-- reminder, written in the transaction of the change (beside its outbox
-- row). `cursor` is a per-user, gap-free sequence taken from the user's
-- head row (UPDATE ... RETURNING), so cursor order is commit order per user.
-- Clients resume from a cursor; rows are pruned by age and by count per
-- user (TODOD_FEED_RETENTION_S, TODOD_FEED_RETENTION_COUNT).
CREATE TABLE change_feed_heads (
    user_id  text   PRIMARY KEY,
    seq      bigint NOT NULL CHECK (seq >= 0)
);
CREATE TABLE change_feed (
    user_id      text        NOT NULL,
    cursor       bigint      NOT NULL CHECK (cursor > 0),
    event_type   text        NOT NULL,
    task_id      bigint      NOT NULL,
    tags         text[]      NOT NULL DEFAULT '{}',
    payload      json        NOT NULL,               -- the frame sent to WebSocket clients
    occurred_at  timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),   -- after the head lock: follows cursor order
    PRIMARY KEY (user_id, cursor)
);
CREATE INDEX change_feed_created_idx ON change_feed (created_at);
