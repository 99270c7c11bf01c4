-- 0016: room on each page of students for a row's new version, so that the
-- updates that touch no indexed column (a run assigning pairing teachers,
-- an import changing a phone number) are heap-only on PostgreSQL: no index
-- entry is written and the page is not split. A first run over a city
-- pairs tens of thousands of students; without the room each assignment
-- wrote a new entry in every index of students (docs/scale.md).
-- It applies to the pages written from now on: a city imported before
-- gains it with VACUUM FULL students, when nothing else runs.
{{postgres}}ALTER TABLE students SET (fillfactor = 85);
