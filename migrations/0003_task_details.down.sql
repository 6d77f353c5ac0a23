DROP TABLE IF EXISTS task_tags;
DROP TABLE IF EXISTS tags;
DROP INDEX IF EXISTS tasks_one_open_occurrence_idx;
DROP INDEX IF EXISTS tasks_user_title_idx;
DROP INDEX IF EXISTS tasks_title_trgm_idx;
DROP INDEX IF EXISTS tasks_description_trgm_idx;
ALTER TABLE tasks
    DROP CONSTRAINT IF EXISTS tasks_end_after_due,
    DROP CONSTRAINT IF EXISTS tasks_custom_needs_rule,
    DROP COLUMN IF EXISTS search_vector,
    DROP COLUMN IF EXISTS skipped,
    DROP COLUMN IF EXISTS series_start,
    DROP COLUMN IF EXISTS occurrence_index,
    DROP COLUMN IF EXISTS parent_task_id,
    DROP COLUMN IF EXISTS recurrence_end_date,
    DROP COLUMN IF EXISTS recurrence_rule,
    DROP COLUMN IF EXISTS recurrence_weekdays,
    DROP COLUMN IF EXISTS recurrence_interval,
    DROP COLUMN IF EXISTS recurrence_pattern,
    DROP COLUMN IF EXISTS timezone,
    DROP COLUMN IF EXISTS priority,
    DROP COLUMN IF EXISTS due_datetime;
-- Dropping the columns dropped the other indexes; pg_trgm stays (other users may need it).

DELETE FROM activity_logs WHERE action = 'skipped';
ALTER TABLE activity_logs DROP CONSTRAINT activity_logs_action_check;
ALTER TABLE activity_logs ADD CONSTRAINT activity_logs_action_check
    CHECK (action IN ('created', 'updated', 'completed', 'reopened', 'deleted'));
