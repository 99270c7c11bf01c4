-- 0014: a run counts students as well as alerts (SPEC §7): a person
-- counts children, and one child fires several rules. students_at_risk are
-- the students at least one rule fired for, students_new those of them
-- who had no open alert before the run. Runs recorded before this
-- migration did not count them: NULL, shown as unknown, never as 0.
ALTER TABLE runs ADD COLUMN students_at_risk INTEGER;
ALTER TABLE runs ADD COLUMN students_new INTEGER;
