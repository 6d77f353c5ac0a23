-- Reminders: a time to remind the user of a task, fired once through a Dapr
-- job. An absolute reminder has a fixed time; a relative one is an offset
-- before the task's due time and moves with it. Every change of what should
-- fire bumps `version`; the job carries the version it was scheduled for, so
-- a stale job fires nothing.
CREATE TABLE reminders (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id         bigint      NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    user_id         text        NOT NULL,
    reminder_type   text        NOT NULL CHECK (reminder_type IN ('absolute', 'relative')),
    offset_seconds  integer     CHECK (offset_seconds IS NULL OR offset_seconds BETWEEN 0 AND 31622400),
    reminder_time   timestamptz NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'cancelled')),
    late            boolean     NOT NULL DEFAULT false,   -- fired by reconciliation after its job was lost
    version         integer     NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    cancelled_at    timestamptz,
    CHECK ((reminder_type = 'relative') = (offset_seconds IS NOT NULL))
);
CREATE INDEX reminders_task_time_idx ON reminders (task_id, reminder_time);
CREATE INDEX reminders_user_idx ON reminders (user_id, reminder_time DESC, id DESC);
CREATE INDEX reminders_pending_idx ON reminders (reminder_time) WHERE status = 'pending';

