-- 0005: attendance is exception-based, so "no row" cannot tell "present" from
-- "not reported": a school's reports say which days it reported (SPEC §4).
-- source is 'reports' (the reports KIND), 'attendance' (an attendance row of
-- one of its students on that day) or 'district' (import attendance
-- --reported: a district-wide file covering every school for its dates).
-- expected and present are the optional 应到/实到 counts, -1 when not given.
CREATE TABLE attendance_reports (
    school_id  TEXT NOT NULL,
    date       TEXT NOT NULL,
    expected   INTEGER NOT NULL DEFAULT -1,
    present    INTEGER NOT NULL DEFAULT -1,
    source     TEXT NOT NULL,
    PRIMARY KEY (school_id, date)
);
-- What was imported before reports existed still counts as reported.
INSERT INTO attendance_reports (school_id, date, source)
    SELECT DISTINCT s.school_id, a.date, 'attendance' FROM attendance a JOIN students s ON s.sid = a.sid;
-- How an alert ended: resolved (its rule stopped firing), rule_retired (its
-- rule was removed or disabled), or student_<status> (the student left).
ALTER TABLE alerts ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
UPDATE alerts SET outcome = 'resolved' WHERE resolved_at IS NOT NULL;
ALTER TABLE runs ADD COLUMN alerts_retired INTEGER NOT NULL DEFAULT 0;
-- Schools a run evaluated as of an earlier day than its T, or not at all.
ALTER TABLE runs ADD COLUMN schools_behind INTEGER NOT NULL DEFAULT 0;
