-- 0005: attendance is exception-based, so "no row" cannot tell "present" from
-- "not reported": a school's reports say which days it reported (SPEC §4).
-- source is 'reports' (the reports KIND), 'attendance' (an attendance row of
-- one of its students on that day) or 'district' (import attendance
-- --reported: a district-wide file covering every school for its dates).
-- expected and present are the optional 应到/实到 counts, -1 when not given;
-- recorded is how many absence rows (absent, sick, leave) of the school's
-- students the attendance table holds for that day, kept by every import
-- of either KIND: a report of 30 absent with 0 recorded is a day whose
-- absences have not been imported yet, not a day everyone came.
CREATE TABLE attendance_reports (
    school_id  TEXT NOT NULL,
    date       TEXT NOT NULL,
    expected   INTEGER NOT NULL DEFAULT -1,
    present    INTEGER NOT NULL DEFAULT -1,
    recorded   INTEGER NOT NULL DEFAULT 0,
    source     TEXT NOT NULL,
    PRIMARY KEY (school_id, date)
);
-- What was imported before reports existed still counts as reported.
INSERT INTO attendance_reports (school_id, date, recorded, source)
    SELECT s.school_id, a.date, SUM(CASE WHEN a.status IN ('absent', 'sick', 'leave') THEN 1 ELSE 0 END), 'attendance'
    FROM attendance a JOIN students s ON s.sid = a.sid GROUP BY s.school_id, a.date;
-- How an alert ended: resolved (its rule stopped firing), rule_retired (its
-- rule was removed or disabled), or student_<status> (the student left).
ALTER TABLE alerts ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
UPDATE alerts SET outcome = COALESCE((SELECT MIN(t.outcome) FROM tasks t
    WHERE t.alert_id = alerts.id AND t.outcome LIKE 'student_%'), 'resolved') WHERE resolved_at IS NOT NULL;
-- The import date from which a student's school is the one the roster
-- says ('' for always): an attendance row dated before it (a late file of
-- the school the student left) reports that day for no school.
ALTER TABLE students ADD COLUMN school_since TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN alerts_retired INTEGER NOT NULL DEFAULT 0;
-- Schools a run evaluated as of an earlier day than its T, or not at all.
ALTER TABLE runs ADD COLUMN schools_behind INTEGER NOT NULL DEFAULT 0;
