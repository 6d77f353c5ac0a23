DROP INDEX IF EXISTS activity_logs_user_task_time_idx;
DROP INDEX IF EXISTS activity_logs_user_time_idx;
