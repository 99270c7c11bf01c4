-- 0004: an alert has at most one follow-up task (SPEC §7: one per alert); the
-- lifecycle reads an alert with its task, so a second would read as two alerts.
CREATE UNIQUE INDEX tasks_one_per_alert ON tasks (alert_id) WHERE alert_id IS NOT NULL;
