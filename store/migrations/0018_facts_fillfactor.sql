-- 0018: half of each page of student_facts left free, so that rebuilding a
-- student's facts (every import of records and every writing run rebuilds
-- those it touched) writes the new row beside the old one on PostgreSQL:
-- a heap-only update, no index entry, and the table stays in sid order.
-- Without the room each rebuild moved the row to whatever page had space;
-- after a city's first imports the rows were so far out of order that
-- PostgreSQL read an evaluation's sid ranges by scanning the whole table
-- and sorting on disk (docs/scale.md). The rows already there are
-- rewritten in sid order, with the room, by CLUSTER (some seconds for a
-- city of a million students; it locks the table while it runs).
{{postgres}}ALTER TABLE student_facts SET (fillfactor = 50);
{{postgres}}CLUSTER student_facts USING student_facts_pkey;
