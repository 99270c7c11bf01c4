package store

import (
	"context"
	"database/sql"
	"fmt"
)

// NewTask is a follow-up task to create.
type NewTask struct {
	AlertID  sql.NullInt64
	LedgerID sql.NullInt64
	SID      int64
	SchoolID string
	Kind     string
	Rule     string
	Assignee string
	Due      string
	Note     string
}

// InsertTasks inserts tasks created on date createdAt in run runID.
func (tx *Tx) InsertTasks(ctx context.Context, runID int64, createdAt string, ts []NewTask) error {
	err := tx.insertRows(ctx, "tasks", []string{"alert_id", "ledger_id", "sid", "school_id", "kind", "rule",
		"assignee", "due", "note", "created_at", "created_run"}, len(ts), func(i int, d []any) {
		t := &ts[i]
		d[0], d[1], d[2], d[3], d[4], d[5] = t.AlertID, t.LedgerID, t.SID, t.SchoolID, t.Kind, t.Rule
		d[6], d[7], d[8], d[9], d[10] = t.Assignee, t.Due, t.Note, createdAt, runID
	})
	if err != nil {
		return fmt.Errorf("create tasks: %w", err)
	}
	return nil
}

// OverdueTask is an open (or acknowledged) task due on or before a date.
type OverdueTask struct {
	ID          int64         `db:"id"`
	AlertID     sql.NullInt64 `db:"alert_id"`
	SID         int64         `db:"sid"`
	StudentID   string        `db:"student_id"`
	StudentKey  string        `db:"student_key"`
	StudentName string        `db:"student_name"`
	SchoolID    string        `db:"school_id"`
	Kind        string        `db:"kind"`
	Rule        string        `db:"rule"`
	Assignee    string        `db:"assignee"`
	Due         string        `db:"due"`
	CreatedAt   string        `db:"created_at"`
	Escalation  int           `db:"escalation"`
}

// OverdueTasks returns tasks not closed, due on or before at, not yet
// escalated to the last level, ordered by id.
func (s *queries) OverdueTasks(ctx context.Context, at string) ([]OverdueTask, error) {
	var ts []OverdueTask
	err := s.db.SelectContext(ctx, &ts, s.rebind(`SELECT t.id, t.alert_id, COALESCE(t.sid, 0) AS sid,
		COALESCE(s.id, '') AS student_id, COALESCE(s.key, '') AS student_key, COALESCE(s.name, '') AS student_name, t.school_id, t.kind, t.rule, t.assignee, t.due, t.created_at, t.escalation
		FROM tasks t LEFT JOIN students s ON s.sid = t.sid
		WHERE t.status IN ('open', 'acked') AND t.due <= ? AND t.escalation < 2 ORDER BY t.id`), at)
	if err != nil {
		return nil, fmt.Errorf("read overdue tasks: %w", err)
	}
	return ts, nil
}

// EscalateTask records escalation level of a task once: it returns false
// when that level was already recorded.
func (tx *Tx) EscalateTask(ctx context.Context, runID int64, taskID int64, level int, at string) (bool, error) {
	res, err := tx.db.ExecContext(ctx, tx.rebind(`INSERT INTO escalations (task_id, level, at, run_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (task_id, level) DO NOTHING`), taskID, level, at, runID)
	if err != nil {
		return false, fmt.Errorf("escalate task %d: %w", taskID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := tx.db.ExecContext(ctx, tx.rebind(`UPDATE tasks SET escalation = ? WHERE id = ? AND escalation < ?`),
		level, taskID, level); err != nil {
		return false, fmt.Errorf("escalate task %d: %w", taskID, err)
	}
	return true, nil
}
