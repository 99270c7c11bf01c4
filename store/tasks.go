package store

import (
	"context"
	"database/sql"
	"fmt"
)

// NewTask is a follow-up task to create, with its reasons: the alerts it
// follows up (none for a pairing task).
type NewTask struct {
	// AlertID is the alert the task is created for (its first reason);
	// invalid for a pairing or ledger task.
	AlertID  sql.NullInt64
	LedgerID sql.NullInt64
	SID      int64
	SchoolID string
	Kind     string
	Rule     string
	Assignee string
	Due      string
	Severity string
	Note     string
	Reasons  []NewReason
}

// NewReason is an alert that becomes a reason of a task: its rule and
// severity, since (the day the alert opened) and its message as rendered
// when it joined. Rejoin: the alert was a reason of the task before and
// left it when it became inhibited; active again, it is one again (the
// reason is the one it was, joined anew).
type NewReason struct {
	AlertID                        int64
	Rule, Severity, Since, Message string
	Rejoin                         bool
}

// TaskKey names a task by what makes it one (SPEC §7): no two open tasks
// share a student, a kind and an assignee.
type TaskKey struct {
	SID            int64
	Kind, Assignee string
}

// InsertTasks inserts tasks created on date createdAt in run runID, with
// their reasons, and returns their ids, in the order of ts (ascending: the
// ids they would have taken one by one).
func (tx *Tx) InsertTasks(ctx context.Context, runID int64, createdAt string, ts []NewTask) ([]int64, error) {
	ids, err := tx.newIDs(ctx, "tasks", len(ts))
	if err != nil {
		return nil, fmt.Errorf("create tasks: %w", err)
	}
	err = tx.insertRows(ctx, "tasks", []string{"id", "alert_id", "ledger_id", "sid", "school_id", "kind", "rule",
		"assignee", "due", "severity", "note", "created_at", "created_run"}, len(ts), func(i int, d []any) {
		t := &ts[i]
		d[0], d[1], d[2], d[3], d[4], d[5], d[6] = ids[i], t.AlertID, t.LedgerID, t.SID, t.SchoolID, t.Kind, t.Rule
		d[7], d[8], d[9], d[10], d[11], d[12] = t.Assignee, t.Due, t.Severity, t.Note, createdAt, runID
	})
	if err != nil {
		return nil, fmt.Errorf("create tasks: %w", err)
	}
	n := 0
	for i := range ts {
		n += len(ts[i].Reasons)
	}
	reasons := make([]taskReason, 0, n)
	for i, t := range ts {
		for _, rs := range t.Reasons {
			reasons = append(reasons, taskReason{task: ids[i], NewReason: rs})
		}
	}
	if err := tx.insertReasons(ctx, runID, createdAt, reasons); err != nil {
		return nil, err
	}
	return ids, nil
}

// TaskGrowth is an open task given new reasons by a run: its due date and
// severity as the run leaves them (the earliest and the highest of its
// reasons) and the reasons it gains.
type TaskGrowth struct {
	ID            int64
	Due, Severity string
	Reasons       []NewReason
}

// GrowTasks adds reasons to open tasks in run runID on date at, moving
// their due dates and severities as gs says. A task closed meanwhile (a
// teacher closed it while the run decided) keeps its due date and
// severity; the reason still joins it, handled with it.
func (tx *Tx) GrowTasks(ctx context.Context, runID int64, at string, gs []TaskGrowth) error {
	if len(gs) == 0 {
		return nil
	}
	const stage = "stage_task_growth"
	if err := tx.stage(ctx, stage, "tasks", []string{"id", "due", "severity"}, len(gs), func(i int, d []any) {
		d[0], d[1], d[2] = gs[i].ID, gs[i].Due, gs[i].Severity
	}); err != nil {
		return fmt.Errorf("add reasons to tasks: %w", err)
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE tasks SET due = st.due, severity = st.severity FROM `+stage+` AS st
		WHERE tasks.id = st.id AND tasks.status IN ('open', 'acked') AND (tasks.due <> st.due OR tasks.severity <> st.severity)`); err != nil {
		return fmt.Errorf("add reasons to tasks: %w", err)
	}
	if err := tx.dropStage(ctx, stage); err != nil {
		return err
	}
	var reasons []taskReason
	for _, g := range gs {
		for _, rs := range g.Reasons {
			if !rs.Rejoin {
				reasons = append(reasons, taskReason{task: g.ID, NewReason: rs})
				continue
			}
			// (Rare: an alert active again after an inhibition.)
			if _, err := tx.db.ExecContext(ctx, tx.rebind(`UPDATE task_reasons SET left_at = '', severity = ?, message = ?,
				added_at = ?, added_run = ? WHERE task_id = ? AND alert_id = ?`),
				rs.Severity, rs.Message, at, runID, g.ID, rs.AlertID); err != nil {
				return fmt.Errorf("add reasons to tasks: %w", err)
			}
		}
	}
	return tx.insertReasons(ctx, runID, at, reasons)
}

// taskReason is a reason with the task it joins.
type taskReason struct {
	task int64
	NewReason
}

func (tx *Tx) insertReasons(ctx context.Context, runID int64, at string, rs []taskReason) error {
	err := tx.insertRows(ctx, "task_reasons", []string{"task_id", "alert_id", "rule", "severity", "since", "message",
		"added_at", "added_run"}, len(rs), func(i int, d []any) {
		r := &rs[i]
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = r.task, r.AlertID, r.Rule, r.Severity, r.Since, r.Message, at, runID
	})
	if err != nil {
		return fmt.Errorf("add reasons to tasks: %w", err)
	}
	return nil
}

// CloseTasks closes open tasks with an outcome (resolved, rule_retired,
// student_<status>, inhibited: how their last reasons ended or left) at
// instant now. A task
// already closed (by a teacher) is left as it is.
func (tx *Tx) CloseTasks(ctx context.Context, now, outcome string, ids []int64) error {
	if err := tx.execIn(ctx, `UPDATE tasks SET status = 'closed', outcome = ?, closed_at = ?
		WHERE status IN ('open', 'acked') AND id IN (?)`, []any{outcome, now}, ids); err != nil {
		return fmt.Errorf("close tasks: %w", err)
	}
	return nil
}

// mergeMarked folds every open task marked with merged_into (the open task
// of the same student, kind and assignee it goes into, the smallest id of
// them) into that task, as 0013 does on an upgrade: the reasons move to it,
// it takes the earliest due date, the highest severity and escalation (and
// a record of each escalation level reached) and is acknowledged if any of
// them was; the marked tasks close with outcome merged at instant now.
// Nothing is deleted.
func (tx *Tx) mergeMarked(ctx context.Context, now string) error {
	const marked = `SELECT id FROM tasks WHERE merged_into IS NOT NULL AND status IN ('open', 'acked')`
	const into = `id IN (SELECT merged_into FROM tasks WHERE merged_into IS NOT NULL AND status IN ('open', 'acked'))`
	const parts = `FROM tasks m WHERE m.merged_into = tasks.id AND m.status IN ('open', 'acked')`
	for _, q := range []string{
		// (A reason that the task it goes into has already, which left one
		// of them when its alert was inhibited, stays where it is.)
		`UPDATE task_reasons SET task_id = (SELECT t.merged_into FROM tasks t WHERE t.id = task_reasons.task_id)
			WHERE task_id IN (` + marked + `) AND NOT EXISTS (SELECT 1 FROM task_reasons x
			WHERE x.alert_id = task_reasons.alert_id AND x.task_id = (SELECT t.merged_into FROM tasks t WHERE t.id = task_reasons.task_id))`,
		`UPDATE tasks SET due = (SELECT MIN(m.due) ` + parts + `) WHERE ` + into + ` AND due > (SELECT MIN(m.due) ` + parts + `)`,
		`UPDATE tasks SET escalation = (SELECT MAX(m.escalation) ` + parts + `)
			WHERE ` + into + ` AND escalation < (SELECT MAX(m.escalation) ` + parts + `)`,
		`UPDATE tasks SET severity = (SELECT CASE MAX(CASE m.severity WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3
				WHEN 'low' THEN 2 WHEN 'info' THEN 1 ELSE 0 END)
				WHEN 5 THEN 'critical' WHEN 4 THEN 'high' WHEN 3 THEN 'medium' WHEN 2 THEN 'low' WHEN 1 THEN 'info' ELSE '' END
				FROM tasks m WHERE m.id = tasks.id OR m.merged_into = tasks.id AND m.status IN ('open', 'acked'))
			WHERE ` + into,
		`UPDATE tasks SET status = 'acked', acked_at = (SELECT MIN(m.acked_at) ` + parts + `)
			WHERE status = 'open' AND ` + into + ` AND EXISTS (SELECT 1 ` + parts + ` AND m.status = 'acked')`,
		`INSERT INTO escalations (task_id, level, at, run_id)
			SELECT m.merged_into, e.level, MIN(e.at), MIN(e.run_id) FROM escalations e JOIN tasks m ON m.id = e.task_id
			WHERE m.merged_into IS NOT NULL AND m.status IN ('open', 'acked')
			AND NOT EXISTS (SELECT 1 FROM escalations x WHERE x.task_id = m.merged_into AND x.level = e.level)
			GROUP BY m.merged_into, e.level`,
	} {
		if _, err := tx.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("merge tasks: %w", err)
		}
	}
	if _, err := tx.db.ExecContext(ctx, tx.rebind(`UPDATE tasks SET status = 'closed', outcome = 'merged', closed_at = ?
		WHERE merged_into IS NOT NULL AND status IN ('open', 'acked')`), now); err != nil {
		return fmt.Errorf("merge tasks: %w", err)
	}
	return nil
}

// OpenTask is a task of a student that is not closed: what a run merges a
// new reason into. ForAlert says it was created for an alert (not a
// pairing or ledger task): only such a task closes by itself when its
// reasons end.
type OpenTask struct {
	ID       int64
	SID      int64
	Kind     string
	Assignee string
	Due      string
	Severity string
	ForAlert bool
}

// OpenTasks returns every open task of a student, ordered by id. (Scanned
// by hand: a city has a few hundred thousand, read at every run.)
func (s *queries) OpenTasks(ctx context.Context) ([]OpenTask, error) {
	// As OpenAlerts: the text joined in one column and cut, the slice made
	// to its size first. (Counted before the rows are read: a
	// transaction's connection takes one query at a time.)
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM tasks WHERE status IN ('open', 'acked') AND sid IS NOT NULL`); err != nil {
		return nil, fmt.Errorf("read open tasks: %w", err)
	}
	sep := "'" + unitSep + "'"
	rows, err := s.db.QueryContext(ctx, `SELECT id, sid, CASE WHEN alert_id IS NULL THEN 0 ELSE 1 END,
		kind || `+sep+` || assignee || `+sep+` || due || `+sep+` || severity
		FROM tasks WHERE status IN ('open', 'acked') AND sid IS NOT NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read open tasks: %w", err)
	}
	defer rows.Close()
	ts := make([]OpenTask, 0, n)
	// Scanned straight into the slice: a row scanned into a variable of
	// its own was a heap allocation per task.
	var forAlert int
	var text string
	for rows.Next() {
		ts = append(ts, OpenTask{})
		t := &ts[len(ts)-1]
		if err := rows.Scan(&t.ID, &t.SID, &forAlert, &text); err != nil {
			return nil, fmt.Errorf("read open tasks: %w", err)
		}
		fields := [...]*string{&t.Kind, &t.Assignee, &t.Due, &t.Severity}
		if !cutJoined(text, fields[:]) {
			return nil, fmt.Errorf("read open tasks: a text field of task %d holds the control character U+001F", t.ID)
		}
		t.ForAlert = forAlert == 1
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read open tasks: %w", err)
	}
	if len(ts) == 0 {
		return nil, nil
	}
	return ts, nil
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

// TaskRow is one follow-up task as listed, with its student, school,
// teacher and reasons. Text a row does not have is "" (the student of a
// removed roster row, a teacher no longer imported); AlertID is 0 for a
// task of no alert (a pairing or ledger task), and is otherwise the alert
// it was created for, its first reason.
type TaskRow struct {
	ID           int64
	AlertID      int64
	Kind         string
	Rule         string
	Severity     string
	Status       string
	Outcome      string
	Due          string
	CreatedAt    string
	ClosedAt     string
	Escalation   int
	Overdue      bool
	MergedInto   int64
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
	// Reasons are the alerts the task follows up, by the day they opened,
	// then by alert id.
	Reasons []TaskReasonRow
}

// TaskReasonRow is one reason of a task: the alert, its rule and severity,
// since when it fires, its message as it joined the task (it may name the
// student in full), how the alert ended ("" while it fires), and Left, the
// day its reason left the task because the alert became inhibited ("" when
// it did not, SPEC §7).
type TaskReasonRow struct {
	AlertID  int64
	Rule     string
	Severity string
	Since    string
	Message  string
	Ended    string
	Outcome  string
	Left     string
}

// StreamTasks calls fn for every task f selects, the most urgent first (by
// due date, then by id), with its reasons, in one streamed query. fn must
// not keep the pointer past its call (a copy of the row, and its Reasons,
// may be kept); an error from fn stops the stream and is returned as it is.
func (s *queries) StreamTasks(ctx context.Context, f TaskFilter, fn func(*TaskRow) error) error {
	w, err := taskWhere(f)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(taskSelectColumns+`,
		COALESCE(r.alert_id, 0), COALESCE(r.rule, ''), COALESCE(r.severity, ''), COALESCE(r.since, ''), COALESCE(r.message, ''),
		COALESCE(a.resolved_at, ''), COALESCE(a.outcome, ''), COALESCE(r.left_at, '')
		`+taskSelectFrom+`
		LEFT JOIN task_reasons r ON r.task_id = t.id
		LEFT JOIN alerts a ON a.id = r.alert_id`+w.String()+`
		ORDER BY t.due, t.id, r.since, r.alert_id`), append([]any{f.At}, w.args...)...)
	if err != nil {
		return fmt.Errorf("read tasks: %w", err)
	}
	defer rows.Close()
	// One row per reason: a task's rows come together, and it is passed on
	// when the next task's first row (or the end) is read.
	var t, next TaskRow
	var r TaskReasonRow
	have := false
	for rows.Next() {
		if err := scanTask(rows, &next, &r.AlertID, &r.Rule, &r.Severity, &r.Since, &r.Message, &r.Ended, &r.Outcome,
			&r.Left); err != nil {
			return fmt.Errorf("read tasks: %w", err)
		}
		if !have || next.ID != t.ID {
			if have {
				if err := fn(&t); err != nil {
					return err
				}
			}
			t, have = next, true // (next.Reasons is nil: each task its own)
		}
		if r.AlertID != 0 {
			t.Reasons = append(t.Reasons, r)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read tasks: %w", err)
	}
	if have {
		return fn(&t)
	}
	return nil
}

// taskWhere is the condition on tasks t of f.
func taskWhere(f TaskFilter) (where, error) {
	var w where
	switch f.State {
	case TasksAny:
	case TasksOpen:
		w.add(true, `t.status IN ('open', 'acked')`)
	case TasksOverdue:
		if f.At == "" {
			return where{}, fmt.Errorf("read tasks: overdue at which day?")
		}
		w.add(true, `t.status IN ('open', 'acked') AND t.due <= ?`, f.At)
	case TasksClosed:
		w.add(true, `t.status = 'closed'`)
	default:
		return where{}, fmt.Errorf("read tasks: unknown state %q", f.State)
	}
	w.add(f.Teacher != "", `t.assignee = ?`, f.Teacher)
	w.add(f.School != "", `t.school_id = ?`, f.School)
	return w, nil
}

// taskSelectColumns and taskSelectFrom read TaskRows (scanTask); the one
// placeholder is the day a task is judged overdue at. A query may select
// more columns between them.
const (
	taskSelectColumns = `SELECT t.id, COALESCE(t.alert_id, 0), t.kind, t.rule, t.severity, t.status, t.outcome,
		t.due, t.created_at, COALESCE(t.closed_at, ''), t.escalation,
		CASE WHEN t.status IN ('open', 'acked') AND t.due <= ? THEN 1 ELSE 0 END, COALESCE(t.merged_into, 0),
		COALESCE(s.key, ''), COALESCE(s.name, ''), COALESCE(s.grade, 0), COALESCE(s.class, ''),
		t.school_id, COALESCE(sc.name, ''), t.assignee, COALESCE(te.name, ''), t.closed_by, t.close_note`
	taskSelectFrom = `FROM tasks t
		LEFT JOIN students s ON s.sid = t.sid
		LEFT JOIN schools sc ON sc.id = t.school_id
		LEFT JOIN teachers te ON te.id = t.assignee`
	taskSelect = taskSelectColumns + "\n\t\t" + taskSelectFrom
)

// scanTask scans a row of taskSelect into t, and the further columns a
// query selected into more.
func scanTask(sc interface{ Scan(...any) error }, t *TaskRow, more ...any) error {
	var overdue int
	if err := sc.Scan(append([]any{&t.ID, &t.AlertID, &t.Kind, &t.Rule, &t.Severity, &t.Status, &t.Outcome, &t.Due,
		&t.CreatedAt, &t.ClosedAt, &t.Escalation, &overdue, &t.MergedInto, &t.StudentKey, &t.StudentName, &t.Grade,
		&t.Class, &t.SchoolID, &t.SchoolName, &t.Assignee, &t.AssigneeName, &t.ClosedBy, &t.CloseNote}, more...)...); err != nil {
		return err
	}
	t.Overdue = overdue == 1
	return nil
}

// readReasons sets the reasons of the tasks ts (a page of the teacher
// API), as StreamTasks lists them.
func (s *queries) readReasons(ctx context.Context, ts []TaskRow) error {
	const per = 500
	at := make(map[int64]int, len(ts))
	ids := make([]int64, len(ts))
	for i := range ts {
		at[ts[i].ID], ids[i] = i, ts[i].ID
	}
	for start := 0; start < len(ids); start += per {
		end := min(start+per, len(ids))
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT r.task_id, r.alert_id, r.rule, r.severity, r.since, r.message,
			COALESCE(a.resolved_at, ''), COALESCE(a.outcome, ''), r.left_at
			FROM task_reasons r LEFT JOIN alerts a ON a.id = r.alert_id
			WHERE r.task_id IN (`+placeholders(end-start)+`) ORDER BY r.task_id, r.since, r.alert_id`),
			int64sToAny(ids[start:end])...)
		if err != nil {
			return fmt.Errorf("read reasons of tasks: %w", err)
		}
		for rows.Next() {
			var id int64
			var r TaskReasonRow
			if err := rows.Scan(&id, &r.AlertID, &r.Rule, &r.Severity, &r.Since, &r.Message, &r.Ended, &r.Outcome,
				&r.Left); err != nil {
				rows.Close()
				return fmt.Errorf("read reasons of tasks: %w", err)
			}
			t := &ts[at[id]]
			t.Reasons = append(t.Reasons, r)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("read reasons of tasks: %w", err)
		}
	}
	return nil
}
