package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// JobRun is one run of a daemon job (store.JobRuns): claimed before the
// job starts, finished when it ends. (Job, Scheduled) is unique.
type JobRun struct {
	// Job is the job's name ("evaluate", "campaign_march", ...).
	Job string `db:"job"`
	// Scheduled is the run's scheduled instant, as stored (FormatTime).
	Scheduled string `db:"scheduled_at"`
	// At is the day it runs as of (YYYY-MM-DD).
	At string `db:"at_date"`
	// Owner names the process that ran it (host and process id).
	Owner      string         `db:"owner"`
	StartedAt  string         `db:"started_at"`
	FinishedAt sql.NullString `db:"finished_at"`
	// Status is JobRunning until the run ends, then JobDone, JobFailed,
	// JobWaiting or JobNotBuilt.
	Status string `db:"status"`
	// Error is why a failed run failed.
	Error string `db:"error"`
}

// The statuses of a JobRun.
const (
	JobRunning  = "running"
	JobDone     = "done"
	JobFailed   = "failed"
	JobNotBuilt = "not_built"
	// JobWaiting is a run that could not do its work yet for want of data
	// (the evening's evaluation before any school reported the day): it
	// is tried again (RetryJobRun) until the job's next scheduled time.
	JobWaiting = "waiting"
	// JobInterrupted is a run its scheduler left running: the process
	// died or lost the scheduler lock before it ended. It is run again.
	JobInterrupted = "interrupted"
)

// ClaimJobRun records r (with Status JobRunning) unless a run of r.Job at
// r.Scheduled is recorded already (an interrupted one is claimed again),
// and reports whether it did: true means
// the caller, and no one else, runs it. Two callers racing for one run,
// from two processes or two databases sessions, get one true.
func (s *queries) ClaimJobRun(ctx context.Context, r JobRun) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO job_runs (job, scheduled_at, at_date, owner, started_at, status, error)
		VALUES (?, ?, ?, ?, ?, ?, '') ON CONFLICT (job, scheduled_at) DO UPDATE
		SET owner = excluded.owner, started_at = excluded.started_at, status = excluded.status, error = '', finished_at = NULL
		WHERE job_runs.status = ?`),
		r.Job, r.Scheduled, r.At, r.Owner, r.StartedAt, JobRunning, JobInterrupted)
	if err != nil {
		return false, fmt.Errorf("claim job run %s at %s: %w", r.Job, r.Scheduled, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim job run %s at %s: %w", r.Job, r.Scheduled, err)
	}
	return n == 1, nil
}

// FinishJobRun records how the run of job at scheduled ended: status, the
// error text of a failed run ("" otherwise), and when.
func (s *queries) FinishJobRun(ctx context.Context, job, scheduled, status, errText string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, s.rebind(`UPDATE job_runs SET status = ?, error = ?, finished_at = ?
		WHERE job = ? AND scheduled_at = ?`), status, errText, FormatTime(at), job, scheduled); err != nil {
		return fmt.Errorf("finish job run %s at %s: %w", job, scheduled, err)
	}
	return nil
}

// InterruptJobRuns marks every run still recorded as running interrupted,
// at instant at, and returns how many: the scheduler that starts them calls
// it when it takes the scheduler lock, since no other scheduler can be
// running a job then, so a run left running died with its process.
func (s *queries) InterruptJobRuns(ctx context.Context, at time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.rebind(`UPDATE job_runs SET status = ?, finished_at = ? WHERE status = ?`),
		JobInterrupted, FormatTime(at), JobRunning)
	if err != nil {
		return 0, fmt.Errorf("interrupt job runs: %w", err)
	}
	return res.RowsAffected()
}

// RetryJobRun claims again the waiting run of r.Job at r.Scheduled that
// finished at or before finishedBefore (FormatTime), as ClaimJobRun claims
// a new one, and reports whether it did: of two callers, one gets true.
func (s *queries) RetryJobRun(ctx context.Context, r JobRun, finishedBefore string) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.rebind(`UPDATE job_runs SET owner = ?, started_at = ?, status = ?, error = '', finished_at = NULL
		WHERE job = ? AND scheduled_at = ? AND status = ? AND finished_at <= ?`),
		r.Owner, r.StartedAt, JobRunning, r.Job, r.Scheduled, JobWaiting, finishedBefore)
	if err != nil {
		return false, fmt.Errorf("claim job run %s at %s again: %w", r.Job, r.Scheduled, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim job run %s at %s again: %w", r.Job, r.Scheduled, err)
	}
	return n == 1, nil
}

// JobRunOf returns the record of the run of job at scheduled, nil when
// there is none.
func (s *queries) JobRunOf(ctx context.Context, job, scheduled string) (*JobRun, error) {
	var rs []JobRun
	if err := s.db.SelectContext(ctx, &rs, s.rebind(`SELECT job, scheduled_at, at_date, owner, started_at, finished_at, status, error
		FROM job_runs WHERE job = ? AND scheduled_at = ?`), job, scheduled); err != nil {
		return nil, fmt.Errorf("read job runs: %w", err)
	}
	if len(rs) == 0 {
		return nil, nil
	}
	return &rs[0], nil
}

// HasJobRun reports whether a run of job at scheduled is recorded, in any
// status but interrupted (which is to run again).
func (s *queries) HasJobRun(ctx context.Context, job, scheduled string) (bool, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, s.rebind(`SELECT COUNT(*) FROM job_runs WHERE job = ? AND scheduled_at = ? AND status <> ?`),
		job, scheduled, JobInterrupted); err != nil {
		return false, fmt.Errorf("read job runs: %w", err)
	}
	return n > 0, nil
}

// JobRuns returns the recorded runs of job ("" for every job), by job and
// scheduled time.
func (s *queries) JobRuns(ctx context.Context, job string) ([]JobRun, error) {
	var rs []JobRun
	err := s.db.SelectContext(ctx, &rs, s.rebind(`SELECT job, scheduled_at, at_date, owner, started_at, finished_at, status, error
		FROM job_runs WHERE ? = '' OR job = ? ORDER BY job, scheduled_at`), job, job)
	if err != nil {
		return nil, fmt.Errorf("read job runs: %w", err)
	}
	return rs, nil
}
