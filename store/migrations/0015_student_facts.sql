-- 0015: what an evaluation reads of a student, kept in one narrow row per
-- student next to the roster and the records (docs/scale.md), so that an
-- evaluation reads one row per student, not the wide roster row and every
-- absence, contact and home-teaching session of its lookback.
-- student_facts has a row for each student whose status is evaluated
-- (enrolled or suspended), in one text column, so that the client decodes
-- one value a student: the roster fields an evaluation reads, packed
-- (store/facts.go), and the days of the student's absences, contacts and
-- sessions, newest first, encoded (store/student_facts.go).
--
-- Every write to students or to the three record tables marks its
-- students stale, by triggers, whoever writes: an import and a writing
-- evaluation rebuild the stale students' facts in their own transaction,
-- so that a killed one leaves both as they were; an evaluation reads a
-- stale student's roster row and records instead of its facts, so a stale
-- fact is never evaluated. A mark is a row of its own, never an update of
-- another's, so that marking waits for nobody; a rebuild removes the
-- marks it read, so a mark made while it read stays.
CREATE TABLE student_facts (
    sid   BIGINT PRIMARY KEY,
    facts TEXT NOT NULL
);
CREATE TABLE student_facts_stale (
    id  {{serial}},
    sid BIGINT NOT NULL
);
CREATE INDEX student_facts_stale_sid ON student_facts_stale (sid);
{{facts_triggers}}
-- The facts of the students already there are built by the migration's
-- caller (Store.Migrate), after this transaction.
INSERT INTO student_facts_stale (sid) SELECT sid FROM students;
