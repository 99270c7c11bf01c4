-- 0019: a run takes the ids of the alerts and tasks it creates before it
-- writes them (Tx.newIDs), so it no longer reads them back by the run that
-- opened or created them, and the indexes kept for that read go. A first
-- run over a 1M city writes ~196,000 alerts and ~224,000 tasks, and each
-- index cost it about 0.4 s (docs/scale.md).
DROP INDEX alerts_opened_run;
DROP INDEX tasks_created_run;
