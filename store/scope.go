package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Scope is what one reader of the teacher API may see (SPEC §8): the tasks
// and students of the parts that are set, or everything with All. A zero
// Scope sees nothing. Who gets which scope is the server's to decide; the
// store only applies it.
type Scope struct {
	All bool
	// Teacher sees the tasks assigned to them and the students they are
	// the homeroom or pairing teacher of, or hold a task of.
	Teacher string
	// School and Center see every task and student of the school, or of
	// the schools of the education management center.
	School, Center string
}

// tasks is the condition on tasks t of the scope, and its arguments.
func (sc Scope) tasks() (string, []any) {
	if sc.All {
		return "1 = 1", nil
	}
	var or []string
	var args []any
	add := func(on bool, cond string, arg any) {
		if on {
			or = append(or, cond)
			args = append(args, arg)
		}
	}
	add(sc.Teacher != "", `t.assignee = ?`, sc.Teacher)
	add(sc.School != "", `t.school_id = ?`, sc.School)
	add(sc.Center != "", `t.school_id IN (SELECT id FROM schools WHERE center = ?)`, sc.Center)
	return orOrNothing(or), args
}

// students is the condition on students s of the scope, and its arguments.
func (sc Scope) students() (string, []any) {
	if sc.All {
		return "1 = 1", nil
	}
	var or []string
	var args []any
	if sc.Teacher != "" {
		// (IN, not a correlated EXISTS: the teacher's tasks are read once
		// through their index, however many students are looked at.)
		or = append(or, `s.homeroom_teacher_id = ?`, `s.pairing_teacher_id = ?`,
			`s.sid IN (SELECT ts.sid FROM tasks ts WHERE ts.assignee = ?)`)
		args = append(args, sc.Teacher, sc.Teacher, sc.Teacher)
	}
	if sc.School != "" {
		or = append(or, `s.school_id = ?`)
		args = append(args, sc.School)
	}
	if sc.Center != "" {
		or = append(or, `s.school_id IN (SELECT id FROM schools WHERE center = ?)`)
		args = append(args, sc.Center)
	}
	return orOrNothing(or), args
}

func orOrNothing(or []string) string {
	if len(or) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// TaskCursor is where a page of ScopedTasks starts: after the task of
// that due date and id, in (due, id) order.
type TaskCursor struct {
	Due string
	ID  int64
}

// ScopedTaskFilter selects the tasks of a page of the teacher API.
type ScopedTaskFilter struct {
	Scope Scope
	// State and At are TaskFilter's.
	State TaskState
	At    string
	// SID, when not 0, keeps the tasks of that student only.
	SID int64
	// After, when set, starts after that task.
	After *TaskCursor
	// Limit is the most tasks returned; it must be positive.
	Limit int
}

// ScopedTasks returns the tasks f selects within its scope, the most
// urgent first (by due date, then by id), at most f.Limit of them, each
// with its reasons.
func (s *queries) ScopedTasks(ctx context.Context, f ScopedTaskFilter) ([]TaskRow, error) {
	if f.Limit <= 0 {
		return nil, fmt.Errorf("read tasks: limit %d", f.Limit)
	}
	var w where
	cond, args := f.Scope.tasks()
	w.add(true, cond, args...)
	switch f.State {
	case TasksAny:
	case TasksOpen:
		w.add(true, `t.status IN ('open', 'acked')`)
	case TasksOverdue:
		w.add(true, `t.status IN ('open', 'acked') AND t.due <= ?`, f.At)
	case TasksClosed:
		w.add(true, `t.status = 'closed'`)
	default:
		return nil, fmt.Errorf("read tasks: unknown state %q", f.State)
	}
	w.add(f.SID != 0, `t.sid = ?`, f.SID)
	if f.After != nil {
		w.add(true, `(t.due > ? OR (t.due = ? AND t.id > ?))`, f.After.Due, f.After.Due, f.After.ID)
	}
	var ts []TaskRow
	rows, err := s.db.QueryContext(ctx, s.rebind(taskSelect+w.String()+` ORDER BY t.due, t.id LIMIT ?`),
		append(append([]any{f.At}, w.args...), f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("read tasks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t TaskRow
		if err := scanTask(rows, &t); err != nil {
			return nil, fmt.Errorf("read tasks: %w", err)
		}
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read tasks: %w", err)
	}
	rows.Close() // (before the next query of a transaction)
	if err := s.readReasons(ctx, ts); err != nil {
		return nil, err
	}
	return ts, nil
}

// ScopedTask returns task id if it is within sc, judged overdue at at;
// false when there is no such task or it is outside sc, which a caller
// must not tell apart.
func (s *queries) ScopedTask(ctx context.Context, sc Scope, id int64, at string) (TaskRow, bool, error) {
	cond, args := sc.tasks()
	var t TaskRow
	err := scanTask(s.db.QueryRowContext(ctx, s.rebind(taskSelect+` WHERE t.id = ? AND `+cond),
		append([]any{at, id}, args...)...), &t)
	if errors.Is(err, sql.ErrNoRows) {
		return TaskRow{}, false, nil
	}
	if err != nil {
		return TaskRow{}, false, fmt.Errorf("read task %d: %w", id, err)
	}
	ts := []TaskRow{t}
	if err := s.readReasons(ctx, ts); err != nil {
		return TaskRow{}, false, err
	}
	return ts[0], true, nil
}

// AckTask marks task id acknowledged at the instant now, if it is open;
// false when it is not (acknowledged or closed already, or not there).
func (s *queries) AckTask(ctx context.Context, id int64, now string) (bool, error) {
	return s.changeTask(ctx, id, `UPDATE tasks SET status = 'acked', acked_at = ? WHERE id = ? AND status = 'open'`, now, id)
}

// TaskClosing is how a teacher closed a task.
type TaskClosing struct {
	Outcome, Note, By string
	// At is the instant, in TimeFormat.
	At string
}

// CloseTask closes task id, open or acknowledged, as c says; false when it
// is closed already (by a run or by someone else) or not there. Every
// reason of the task is handled with it (SPEC §7): an alert that keeps
// firing asks for its task again only after its rule's cooldown.
func (s *queries) CloseTask(ctx context.Context, id int64, c TaskClosing) (bool, error) {
	return s.changeTask(ctx, id, `UPDATE tasks SET status = 'closed', outcome = ?, close_note = ?, closed_by = ?, closed_at = ?
		WHERE id = ? AND status IN ('open', 'acked')`, c.Outcome, c.Note, c.By, c.At, id)
}

func (s *queries) changeTask(ctx context.Context, id int64, q string, args ...any) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.rebind(q), args...)
	if err != nil {
		return false, fmt.Errorf("change task %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("change task %d: %w", id, err)
	}
	return n == 1, nil
}
