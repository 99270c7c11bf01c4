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
	StudentID   string        `db:"student_id"`
	StudentKey  string        `db:"student_key"`
	StudentName string        `db:"student_name"`
	SchoolID    string        `db:"school_id"`
	Rule        string        `db:"rule"`
	Due         string        `db:"due"`
	CreatedAt   string        `db:"created_at"`
	Escalation  int           `db:"escalation"`
}

// OverdueTasks returns tasks not closed, due on or before at, not yet
// escalated to the last level, ordered by id.
func (s *queries) OverdueTasks(ctx context.Context, at string) ([]OverdueTask, error) {
	var ts []OverdueTask
	err := s.db.SelectContext(ctx, &ts, s.rebind(`SELECT t.id, t.alert_id,
		COALESCE(s.id, '') AS student_id, COALESCE(s.key, '') AS student_key, COALESCE(s.name, '') AS student_name, t.school_id, t.rule, t.due, t.created_at, t.escalation
		FROM tasks t LEFT JOIN students s ON s.sid = t.sid
		WHERE t.status IN ('open', 'acked') AND t.due <= ? AND t.escalation < 2 ORDER BY t.id`), at)
	if err != nil {
		return nil, fmt.Errorf("read overdue tasks: %w", err)
	}
	return ts, nil
}

// EscalateTask records escalation level of a task once: it returns false
// when that level was already recorded, or the task is closed (a teacher
// closed it through the API after the run read it as overdue).
func (tx *Tx) EscalateTask(ctx context.Context, runID int64, taskID int64, level int, at string) (bool, error) {
	res, err := tx.db.ExecContext(ctx, tx.rebind(`INSERT INTO escalations (task_id, level, at, run_id)
		SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM tasks WHERE id = ? AND status IN ('open', 'acked'))
		ON CONFLICT (task_id, level) DO NOTHING`), taskID, level, at, runID, taskID)
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

// TaskState selects tasks by how they stand.
type TaskState string

// The states a TaskFilter selects. A task is open (status open or acked)
// until it is closed; an open task is overdue from its due date on, the day
// the engine escalates it to the principal (SPEC §7).
const (
	TasksAny     TaskState = ""
	TasksOpen    TaskState = "open"
	TasksOverdue TaskState = "overdue"
	TasksClosed  TaskState = "closed"
)

// TaskFilter says which tasks StreamTasks passes on: those matching every
// field that is set (a zero field matches every task).
type TaskFilter struct {
	State TaskState
	// Teacher is the teacher the task is assigned to; School the school it
	// belongs to.
	Teacher, School string
	// At, "YYYY-MM-DD", is the day a task is judged overdue at (TaskRow's
	// Overdue, and the state TasksOverdue, which needs it); with "", no
	// task is overdue.
	At string
}

// TaskRow is one follow-up task as listed, with its student, school and
// teacher. Text a row does not have is "" (the student of a removed roster
// row, a teacher no longer imported); AlertID is 0 for a task of no alert
// (a pairing or ledger task).
type TaskRow struct {
	ID           int64
	AlertID      int64
	Kind         string
	Rule         string
	Status       string
	Outcome      string
	Due          string
	CreatedAt    string
	ClosedAt     string
	Escalation   int
	Overdue      bool
	StudentKey   string
	StudentName  string
	Grade        int
	Class        string
	SchoolID     string
	SchoolName   string
	Assignee     string
	AssigneeName string
	// ClosedBy and CloseNote are the teacher who closed the task through
	// the API and what they wrote ("" for a task a run closed, or open).
	ClosedBy  string
	CloseNote string
}

// StreamTasks calls fn for every task f selects, the most urgent first (by
// due date, then by id), in one streamed query. fn must not keep the
// pointer past its call; an error from fn stops the stream and is returned
// as it is.
func (s *queries) StreamTasks(ctx context.Context, f TaskFilter, fn func(*TaskRow) error) error {
	var w where
	switch f.State {
	case TasksAny:
	case TasksOpen:
		w.add(true, `t.status IN ('open', 'acked')`)
	case TasksOverdue:
		if f.At == "" {
			return fmt.Errorf("read tasks: overdue at which day?")
		}
		w.add(true, `t.status IN ('open', 'acked') AND t.due <= ?`, f.At)
	case TasksClosed:
		w.add(true, `t.status = 'closed'`)
	default:
		return fmt.Errorf("read tasks: unknown state %q", f.State)
	}
	w.add(f.Teacher != "", `t.assignee = ?`, f.Teacher)
	w.add(f.School != "", `t.school_id = ?`, f.School)
	rows, err := s.db.QueryContext(ctx, s.rebind(taskSelect+w.String()+`
		ORDER BY t.due, t.id`), append([]any{f.At}, w.args...)...)
	if err != nil {
		return fmt.Errorf("read tasks: %w", err)
	}
	defer rows.Close()
	var t TaskRow
	for rows.Next() {
		if err := scanTask(rows, &t); err != nil {
			return fmt.Errorf("read tasks: %w", err)
		}
		if err := fn(&t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read tasks: %w", err)
	}
	return nil
}

// taskSelect reads TaskRows (scanTask); its one placeholder is the day a
// task is judged overdue at.
const taskSelect = `SELECT t.id, COALESCE(t.alert_id, 0), t.kind, t.rule, t.status, t.outcome,
		t.due, t.created_at, COALESCE(t.closed_at, ''), t.escalation,
		CASE WHEN t.status IN ('open', 'acked') AND t.due <= ? THEN 1 ELSE 0 END,
		COALESCE(s.key, ''), COALESCE(s.name, ''), COALESCE(s.grade, 0), COALESCE(s.class, ''),
		t.school_id, COALESCE(sc.name, ''), t.assignee, COALESCE(te.name, ''), t.closed_by, t.close_note
		FROM tasks t
		LEFT JOIN students s ON s.sid = t.sid
		LEFT JOIN schools sc ON sc.id = t.school_id
		LEFT JOIN teachers te ON te.id = t.assignee`

// scanTask scans a row of taskSelect.
func scanTask(sc interface{ Scan(...any) error }, t *TaskRow) error {
	var overdue int
	if err := sc.Scan(&t.ID, &t.AlertID, &t.Kind, &t.Rule, &t.Status, &t.Outcome, &t.Due, &t.CreatedAt, &t.ClosedAt,
		&t.Escalation, &overdue, &t.StudentKey, &t.StudentName, &t.Grade, &t.Class,
		&t.SchoolID, &t.SchoolName, &t.Assignee, &t.AssigneeName, &t.ClosedBy, &t.CloseNote); err != nil {
		return err
	}
	t.Overdue = overdue == 1
	return nil
}
