-- 0017: two indexes of tasks that every new task paid for and few used. No
-- query looks a task up by alert_id since tasks have reasons (0013), so
-- tasks_alert goes; merged_into is set only on merged tasks (a student's
-- move, and migration 0013's merge), and every query of it asks for a
-- value, so tasks_merged_into holds only those. A first run over a 1M city creates ~224,000 tasks, and
-- each index of tasks cost it ~0.4 s (docs/scale.md).
DROP INDEX tasks_alert;
DROP INDEX tasks_merged_into;
CREATE INDEX tasks_merged_into ON tasks (merged_into) WHERE merged_into IS NOT NULL;
