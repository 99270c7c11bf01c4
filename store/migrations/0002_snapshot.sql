-- 0002: import students --snapshot. missing_since is the date a snapshot
-- roster of the student's school last lacked this enrolled student ('' when
-- the student is on the roster); the campaign ledger turns it into
-- left_unconfirmed. The student's status is not changed by a snapshot.
ALTER TABLE students ADD COLUMN missing_since TEXT NOT NULL DEFAULT '';
