package store

import (
	"context"
	"fmt"
)

// The counts the daemon's /metrics reads. Each is one aggregate query,
// answered from an index where one serves it, so that a scrape stays cheap
// on a city (BENCHMARKS.md, "The /metrics queries").

// AlertCount is how many open alerts one rule has at one severity.
type AlertCount struct {
	Rule, Severity string
	N              int
}

// OpenAlertsBySeverity counts the open alerts by rule and severity, ordered by
// rule, then severity.
func (s *queries) OpenAlertsBySeverity(ctx context.Context) ([]AlertCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT rule, severity, COUNT(*) FROM alerts WHERE resolved_at IS NULL
		GROUP BY rule, severity ORDER BY rule, severity`)
	if err != nil {
		return nil, fmt.Errorf("count open alerts: %w", err)
	}
	defer rows.Close()
	var out []AlertCount
	for rows.Next() {
		var c AlertCount
		if err := rows.Scan(&c.Rule, &c.Severity, &c.N); err != nil {
			return nil, fmt.Errorf("count open alerts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count open alerts: %w", err)
	}
	return out, nil
}

// TaskCounts counts the tasks not closed (open or acknowledged) and, among
// them, those overdue at the day at ("YYYY-MM-DD"): due on or before it,
// as `tasks --overdue --at` judges them.
func (s *queries) TaskCounts(ctx context.Context, at string) (open, overdue int, err error) {
	err = s.db.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN due <= ? THEN 1 ELSE 0 END), 0)
		FROM tasks WHERE status IN ('open', 'acked')`), at).Scan(&open, &overdue)
	if err != nil {
		return 0, 0, fmt.Errorf("count open tasks: %w", err)
	}
	return open, overdue, nil
}

// OutboxCount is how many outbox rows one channel has in one status.
type OutboxCount struct {
	// Channel is the channel the row was last given to; "" for a row no
	// dispatcher has routed yet.
	Channel, Status string
	N               int
}

// OutboxCounts counts the outbox rows by the channel each was last given
// to and status, ordered by channel, then status.
func (s *queries) OutboxCounts(ctx context.Context) ([]OutboxCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT routed_channel, status, COUNT(*) FROM outbox
		GROUP BY routed_channel, status ORDER BY routed_channel, status`)
	if err != nil {
		return nil, fmt.Errorf("count outbox rows: %w", err)
	}
	defer rows.Close()
	var out []OutboxCount
	for rows.Next() {
		var c OutboxCount
		if err := rows.Scan(&c.Channel, &c.Status, &c.N); err != nil {
			return nil, fmt.Errorf("count outbox rows: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count outbox rows: %w", err)
	}
	return out, nil
}

// LastJobsDone returns, by job, when its latest run that ended done
// finished (TimeFormat). A job with no such run is absent.
func (s *queries) LastJobsDone(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT job, MAX(finished_at) FROM job_runs
		WHERE status = 'done' AND finished_at IS NOT NULL GROUP BY job`)
	if err != nil {
		return nil, fmt.Errorf("read job runs: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var job, at string
		if err := rows.Scan(&job, &at); err != nil {
			return nil, fmt.Errorf("read job runs: %w", err)
		}
		out[job] = at
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read job runs: %w", err)
	}
	return out, nil
}
