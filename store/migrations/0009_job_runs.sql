-- 0009: the daemon's job runs (SPEC §8). One row per job and scheduled
-- time, written before the job starts: the primary key makes the claim, so
-- that two schedulers (a replica taking over) never run one scheduled run
-- twice, and catch-up finds the runs that were missed. scheduled_at is the
-- run's scheduled instant (store.TimeFormat, UTC); at_date the day it runs
-- as of. status: running, done, failed or not_built (a job whose work baoxue
-- does not do yet). It replaces 0001's job_runs (one row per job, the last
-- T), which nothing wrote.
DROP TABLE job_runs;
CREATE TABLE job_runs (
    job TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    at_date TEXT NOT NULL,
    owner TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job, scheduled_at)
);
