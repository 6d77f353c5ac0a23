-- The activity log is read in the order the changes happened (the event's
-- occurred_at, taken when the change was made), not in the order events
-- arrived: Kafka orders events per task only, so two tasks' entries may
-- arrive the other way round. Keyset pages walk (occurred_at, id).
CREATE INDEX activity_logs_user_time_idx ON activity_logs (user_id, occurred_at DESC, id DESC);
CREATE INDEX activity_logs_user_task_time_idx ON activity_logs (user_id, task_id, occurred_at DESC, id DESC);
