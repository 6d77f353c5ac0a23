-- Advanced tasks: due dates, priorities, time zones, recurrence, tags and
-- search. Existing rows get priority Medium, no recurrence, zone UTC.

ALTER TABLE tasks
    ADD COLUMN due_datetime        timestamptz,
    ADD COLUMN priority            text     NOT NULL DEFAULT 'Medium'
        CHECK (priority IN ('High', 'Medium', 'Low')),
    ADD COLUMN timezone            text     NOT NULL DEFAULT 'UTC'
        CHECK (char_length(timezone) BETWEEN 1 AND 64),
    -- none|daily|weekly|monthly, or custom when recurrence_rule holds an RRULE
    ADD COLUMN recurrence_pattern  text     NOT NULL DEFAULT 'none'
        CHECK (recurrence_pattern IN ('none', 'daily', 'weekly', 'monthly', 'custom')),
    ADD COLUMN recurrence_interval integer  NOT NULL DEFAULT 1
        CHECK (recurrence_interval BETWEEN 1 AND 1000),
    ADD COLUMN recurrence_weekdays smallint NOT NULL DEFAULT 0          -- bit 0 = Monday .. bit 6 = Sunday
        CHECK (recurrence_weekdays BETWEEN 0 AND 127),
    ADD COLUMN recurrence_rule     text
        CHECK (recurrence_rule IS NULL OR char_length(recurrence_rule) <= 500),
    ADD COLUMN recurrence_end_date date,
    -- The series: its first task, this task's number in it, and how the
    -- occurrence was closed (completed or skipped).
    ADD COLUMN parent_task_id      bigint   REFERENCES tasks (id) ON DELETE SET NULL,
    ADD COLUMN occurrence_index    integer  NOT NULL DEFAULT 1 CHECK (occurrence_index >= 1),
    -- The due date of the series' first occurrence: the anchor every next
    -- occurrence is computed from, so clamped month ends never drift.
    ADD COLUMN series_start        timestamptz,
    ADD COLUMN skipped             boolean  NOT NULL DEFAULT false,
    ADD COLUMN search_vector       tsvector GENERATED ALWAYS AS
        (to_tsvector('simple', title || ' ' || coalesce(description, ''))) STORED,
    ADD CONSTRAINT tasks_custom_needs_rule
        CHECK ((recurrence_pattern = 'custom') = (recurrence_rule IS NOT NULL)),
    -- The end date is a date in the task's zone, on or after the due date there.
    ADD CONSTRAINT tasks_end_after_due
        CHECK (recurrence_end_date IS NULL OR due_datetime IS NULL
               OR recurrence_end_date >= (due_datetime AT TIME ZONE timezone)::date);

-- An open occurrence per series at most: a series is identified by its
-- first task (parent_task_id, or the task itself when it is the first).
CREATE UNIQUE INDEX tasks_one_open_occurrence_idx
    ON tasks (coalesce(parent_task_id, id))
    WHERE recurrence_pattern <> 'none' AND NOT completed;

CREATE INDEX tasks_user_due_idx ON tasks (user_id, due_datetime, id);
CREATE INDEX tasks_user_priority_idx ON tasks
    (user_id, (CASE priority WHEN 'High' THEN 0 WHEN 'Medium' THEN 1 ELSE 2 END), id);
CREATE INDEX tasks_user_title_idx ON tasks (user_id, lower(title), id);
CREATE INDEX tasks_parent_idx ON tasks (parent_task_id) WHERE parent_task_id IS NOT NULL;
CREATE INDEX tasks_search_idx ON tasks USING gin (search_vector);
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX tasks_title_trgm_idx ON tasks USING gin (title gin_trgm_ops);
CREATE INDEX tasks_description_trgm_idx ON tasks USING gin (description gin_trgm_ops);

CREATE TABLE tags (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    text        NOT NULL CHECK (char_length(user_id) BETWEEN 1 AND 64),
    name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
    color      text        CHECK (color IS NULL OR color ~ '^#[0-9A-Fa-f]{6}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tags_user_name_idx ON tags (user_id, lower(name));

CREATE TABLE task_tags (
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    tag_id  bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, tag_id)
);
CREATE INDEX task_tags_tag_idx ON task_tags (tag_id, task_id);

-- Skipped occurrences of recurring tasks are activity too.
ALTER TABLE activity_logs DROP CONSTRAINT activity_logs_action_check;
ALTER TABLE activity_logs ADD CONSTRAINT activity_logs_action_check
    CHECK (action IN ('created', 'updated', 'completed', 'reopened', 'deleted', 'skipped'));
