-- 0013: a task is per student, kind and assignee (SPEC §7). While a task
-- is open (status open or acked), an alert whose rule asks for the same
-- kind of task for the same student and assignee is a further reason of
-- that task, not a second task. An alert may now have several tasks over
-- time (a teacher closes one, the alert keeps firing, a new one follows
-- after the rule's cooldown), so the one task per alert of 0004 (0011:
-- not closed by inhibition) goes; instead no two open tasks share (sid,
-- kind, assignee).
--
-- task_reasons: the alerts a task follows up. rule, severity, since (the
-- day the alert opened) and message are the alert's as the reason joined
-- (the message as rendered then); added_at and added_run say which run
-- added it. left_at is the day (T of the run) the reason left its task
-- because its alert became inhibited ('' while it is a reason): an
-- inhibited alert is the reason of no open task. An alert's current task is
-- the one it joined last (the greatest added_run, then task_id): its open
-- task, or else the task a teacher closed, or the task it left.
CREATE TABLE task_reasons (
    task_id   BIGINT NOT NULL,
    alert_id  BIGINT NOT NULL,
    rule      TEXT NOT NULL,
    severity  TEXT NOT NULL,
    since     TEXT NOT NULL,
    message   TEXT NOT NULL DEFAULT '',
    added_at  TEXT NOT NULL,
    added_run BIGINT NOT NULL DEFAULT 0,
    left_at   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (task_id, alert_id)
);
CREATE INDEX task_reasons_alert ON task_reasons (alert_id, added_run, task_id);
-- severity: the highest of the task's reasons, kept (a pairing task: its
-- rule's). merged_into: the task this one was merged into by this
-- migration (outcome 'merged'), NULL otherwise.
ALTER TABLE tasks ADD COLUMN severity TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN merged_into BIGINT;
-- A run reads back the ids of the tasks it created.
CREATE INDEX tasks_created_run ON tasks (created_run);
DROP INDEX tasks_one_per_alert;

-- Every task of an alert gets its alert as its one reason.
INSERT INTO task_reasons (task_id, alert_id, rule, severity, since, message, added_at, added_run)
    SELECT t.id, t.alert_id, a.rule, a.severity, a.opened_at, a.message, t.created_at, COALESCE(t.created_run, 0)
    FROM tasks t JOIN alerts a ON a.id = t.alert_id;
-- A task 0011 closed because its alert became inhibited: the alert left it
-- (on the day it closed, UTC: 0011 kept no run).
UPDATE task_reasons SET left_at = COALESCE((SELECT SUBSTR(t.closed_at, 1, 10) FROM tasks t
        WHERE t.id = task_reasons.task_id AND t.outcome = 'inhibited'), '')
    WHERE task_id IN (SELECT id FROM tasks WHERE outcome = 'inhibited');
UPDATE tasks SET severity = COALESCE((SELECT a.severity FROM alerts a WHERE a.id = tasks.alert_id), '')
    WHERE alert_id IS NOT NULL;
UPDATE tasks SET severity = COALESCE((SELECT a.severity FROM alerts a WHERE a.rule = tasks.rule AND a.sid = tasks.sid
    ORDER BY a.id DESC LIMIT 1), '')
    WHERE alert_id IS NULL AND sid IS NOT NULL;

-- Open tasks that share (sid, kind, assignee) merge into the oldest of
-- them (the smallest id). Nothing is deleted: the others close with
-- outcome 'merged' and name the task they went into; their reasons move to
-- it; it takes the earliest due date, the highest severity and the highest
-- escalation of the group (and a record of each escalation level reached,
-- so a level is notified once), and is acknowledged if any of them was.
UPDATE tasks SET merged_into = (SELECT MIN(k.id) FROM tasks k
        WHERE k.sid = tasks.sid AND k.kind = tasks.kind AND k.assignee = tasks.assignee AND k.status IN ('open', 'acked'))
    WHERE status IN ('open', 'acked') AND sid IS NOT NULL AND EXISTS (SELECT 1 FROM tasks k
        WHERE k.sid = tasks.sid AND k.kind = tasks.kind AND k.assignee = tasks.assignee AND k.status IN ('open', 'acked')
        AND k.id < tasks.id);
CREATE INDEX tasks_merged_into ON tasks (merged_into);
UPDATE task_reasons SET task_id = (SELECT t.merged_into FROM tasks t WHERE t.id = task_reasons.task_id)
    WHERE task_id IN (SELECT id FROM tasks WHERE merged_into IS NOT NULL);
UPDATE tasks SET due = (SELECT MIN(m.due) FROM tasks m WHERE m.merged_into = tasks.id)
    WHERE id IN (SELECT merged_into FROM tasks WHERE merged_into IS NOT NULL)
    AND due > (SELECT MIN(m.due) FROM tasks m WHERE m.merged_into = tasks.id);
UPDATE tasks SET escalation = (SELECT MAX(m.escalation) FROM tasks m WHERE m.merged_into = tasks.id)
    WHERE id IN (SELECT merged_into FROM tasks WHERE merged_into IS NOT NULL)
    AND escalation < (SELECT MAX(m.escalation) FROM tasks m WHERE m.merged_into = tasks.id);
UPDATE tasks SET severity = (SELECT CASE MAX(CASE m.severity WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3
        WHEN 'low' THEN 2 WHEN 'info' THEN 1 ELSE 0 END)
        WHEN 5 THEN 'critical' WHEN 4 THEN 'high' WHEN 3 THEN 'medium' WHEN 2 THEN 'low' WHEN 1 THEN 'info' ELSE '' END
        FROM tasks m WHERE m.id = tasks.id OR m.merged_into = tasks.id)
    WHERE id IN (SELECT merged_into FROM tasks WHERE merged_into IS NOT NULL);
UPDATE tasks SET status = 'acked', acked_at = (SELECT MIN(m.acked_at) FROM tasks m WHERE m.merged_into = tasks.id)
    WHERE status = 'open' AND EXISTS (SELECT 1 FROM tasks m WHERE m.merged_into = tasks.id AND m.status = 'acked');
INSERT INTO escalations (task_id, level, at, run_id)
    SELECT m.merged_into, e.level, MIN(e.at), MIN(e.run_id) FROM escalations e JOIN tasks m ON m.id = e.task_id
    WHERE m.merged_into IS NOT NULL AND NOT EXISTS (SELECT 1 FROM escalations x WHERE x.task_id = m.merged_into AND x.level = e.level)
    GROUP BY m.merged_into, e.level;
UPDATE tasks SET status = 'closed', outcome = 'merged', closed_at = {{now}} WHERE merged_into IS NOT NULL;
CREATE UNIQUE INDEX tasks_open_key ON tasks (sid, kind, assignee) WHERE status IN ('open', 'acked');
