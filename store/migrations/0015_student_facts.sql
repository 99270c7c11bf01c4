-- 0015: each student's dated records kept in one row next to the events
-- (docs/scale.md), so that an evaluation reads one row per student, not
-- every absence, contact and home-teaching session of its lookback.
-- student_facts holds, newest first, the days of the student's absences,
-- contacts and sessions, encoded (store/student_facts.go); a student with
-- no row has none.
--
-- Every write to the three event tables marks its students stale, by
-- triggers, whoever writes them: an import rebuilds the stale students'
-- facts in its own transaction, so that a killed import leaves both as
-- they were; an evaluation reads a stale student's events instead of its
-- facts. n counts the marks, so that a rebuild unmarks only the students
-- nobody marked again while it read.
CREATE TABLE student_facts (
    sid      BIGINT PRIMARY KEY,
    absences TEXT NOT NULL DEFAULT '',
    contacts TEXT NOT NULL DEFAULT '',
    teaching TEXT NOT NULL DEFAULT ''
);
CREATE TABLE student_facts_stale (
    sid BIGINT PRIMARY KEY,
    n   BIGINT NOT NULL DEFAULT 1
);
{{facts_triggers}}
-- The facts of the events already there are built by the migration's
-- caller (Store.Migrate), after this transaction.
INSERT INTO student_facts_stale (sid)
SELECT sid FROM attendance UNION SELECT sid FROM contacts UNION SELECT sid FROM home_teaching;
