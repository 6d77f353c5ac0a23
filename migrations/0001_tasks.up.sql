-- Base schema: the tasks of every user. Every query filters by user_id.
CREATE TABLE tasks (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     text        NOT NULL CHECK (char_length(user_id) BETWEEN 1 AND 64),
    title       text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description text        CHECK (description IS NULL OR char_length(description) <= 1000),
    completed   boolean     NOT NULL DEFAULT false,
    version     bigint      NOT NULL DEFAULT 1,   -- +1 on every change; optimistic concurrency
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- GET /api/{user_id}/tasks lists newest first, optionally by completion.
CREATE INDEX tasks_user_created_idx ON tasks (user_id, created_at DESC, id DESC);
CREATE INDEX tasks_user_completed_created_idx ON tasks (user_id, completed, created_at DESC, id DESC);
