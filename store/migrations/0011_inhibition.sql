-- 0011: inhibition (SPEC §5 `inhibits`, §7). An open alert of a rule that
-- another rule firing for the same student inhibits is kept, marked with
-- the inhibiting rules' ids in inhibited_by (sorted, comma-separated; ''
-- when the alert is not inhibited). An alert that opens inhibited is not
-- notified: notifications 0, last_notified_at ''. When an alert becomes
-- inhibited its open task closes with outcome 'inhibited', and when it
-- becomes active again it gets a new task: an alert has at most one task
-- not closed by inhibition, the one the lifecycle reads with it.
-- runs.alerts_inhibited counts the inhibited alerts of a run, which
-- alerts_new and alerts_ongoing leave out.
ALTER TABLE alerts ADD COLUMN inhibited_by TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN alerts_inhibited INTEGER NOT NULL DEFAULT 0;
DROP INDEX tasks_one_per_alert;
CREATE UNIQUE INDEX tasks_one_per_alert ON tasks (alert_id) WHERE alert_id IS NOT NULL AND outcome <> 'inhibited';
