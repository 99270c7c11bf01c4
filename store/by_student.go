package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// One entry per student (SPEC §3): `alerts` and `tasks` list the students
// of the alerts or tasks a filter selects, one group of rows per student.
// The rows are ordered in SQL so that a student's rows come together, and
// grouped here as they are read: a city's alerts are never held at once.

// severityRank is the SQL rank of the severity in column col: info 1, low
// 2, medium 3, high 4, critical 5 (the engine's rules.SeverityRank), 0 for
// anything else.
func severityRank(col string) string {
	return `CASE ` + col + ` WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2
		WHEN 'info' THEN 1 ELSE 0 END`
}

// severityOfRank names a rank of severityRank ("" for 0).
func severityOfRank(rank int) string {
	names := [...]string{"", "info", "low", "medium", "high", "critical"}
	if rank < 0 || rank >= len(names) {
		return ""
	}
	return names[rank]
}

// bytewise compares the text expression expr byte by byte on both engines
// (SQLite's BINARY; on PostgreSQL the "C" collation rather than the
// database's, which may order 10班 and 3班, or dashes, otherwise), so that
// an order is the same on both.
func (s *queries) bytewise(expr string) string {
	if s.dialect == Postgres {
		return expr + ` COLLATE "C"`
	}
	return expr
}

// StudentOf is the student of a group as the roster has them now: their
// opaque key, name (as stored: lists mask it), grade, class and school.
// A student no longer in the roster has only SID, and the school of their
// first row.
type StudentOf struct {
	SID        int64
	Key, Name  string
	Grade      int
	Class      string
	SchoolID   string
	SchoolName string
	Center     string
}

// StudentAlerts is one student of StreamStudentAlerts: the alerts the
// filter selected, the most severe first (then by rule id, then the
// newest first), and every open (or acknowledged) task of the student,
// whatever alert it follows up (a pairing task too), the most urgent
// first (by due date, then id).
type StudentAlerts struct {
	Student StudentOf
	// Severity is the highest of the alerts'.
	Severity string
	Alerts   []AlertRow
	Tasks    []StudentTask
}

// StudentTask is an open task of a student as the lists show it beside
// the student's alerts.
type StudentTask struct {
	ID                     int64
	Kind, Status, Due      string
	Assignee, AssigneeName string
}

// groupOrder is the ORDER BY of the groups of a grouped stream: worst
// (the group's highest severity rank) first, then the student s's school
// (the expression school), grade, class, name and opaque key, the text
// compared byte by byte, then the group key gkey. (The name before the
// key, which is random: the same roster lists in the same order in every
// database it is imported into.)
func (s *queries) groupOrder(worst, school, gkey string) string {
	return worst + ` DESC, ` + s.bytewise(school) + `, COALESCE(s.grade, 0), ` +
		s.bytewise(`COALESCE(s.class, '')`) + `, ` + s.bytewise(`COALESCE(s.name, '')`) + `, ` +
		s.bytewise(`COALESCE(s.key, '')`) + `, ` + gkey
}

// StreamStudentAlerts calls fn for every student of the alerts f selects,
// one call per student with their alerts and open tasks (see
// StudentAlerts): the students with the most severe alert first, then by
// school, grade, class, name and student key, in one streamed query. fn
// must not keep the pointer past its call (a copy, and its slices, may be
// kept); an error from fn stops the stream and is returned as it is.
func (s *queries) StreamStudentAlerts(ctx context.Context, f AlertFilter, fn func(*StudentAlerts) error) error {
	w, err := alertWhere(f)
	if err != nil {
		return err
	}
	// Part 0: one row per reason each selected alert was (as StreamAlerts
	// reads them): the last row of an alert carries its current task, which
	// is how most open tasks come. Part 1: the other open tasks of the
	// students of those alerts (a pairing task; a task of alerts not
	// selected): those of which no selected alert is a reason that did not
	// leave (an alert is such a reason of one open task at most, its
	// current one). ord orders the rows within a student: the alerts newest
	// first (-id), then the tasks.
	q := `SELECT g.part, g.sid, g.worst, g.id, g.rule, g.severity, g.opened_at, g.ended_at, g.outcome, g.last_notified_at,
		g.notifications, g.inhibited_by, g.school_id, g.school_name, g.center,
		g.task_id, g.task_kind, g.task_status, g.task_due, g.assignee, g.assignee_name, g.task_left,
		COALESCE(s.key, ''), COALESCE(s.name, ''), COALESCE(s.grade, 0), COALESCE(s.class, ''),
		COALESCE(s.school_id, ''), COALESCE(ss.name, ''), COALESCE(ss.center, '')
		FROM (SELECT u.*, MAX(u.rank) OVER (PARTITION BY u.sid) AS worst FROM (
			SELECT 0 AS part, a.sid, ` + severityRank("a.severity") + ` AS rank, a.id, -a.id AS ord, '' AS due_order,
				a.rule, a.severity, a.opened_at, COALESCE(a.resolved_at, '') AS ended_at, a.outcome, a.last_notified_at,
				a.notifications, a.inhibited_by, a.school_id, COALESCE(sc.name, '') AS school_name,
				COALESCE(sc.center, '') AS center, COALESCE(t.id, 0) AS task_id, COALESCE(t.kind, '') AS task_kind,
				COALESCE(t.status, '') AS task_status, COALESCE(t.due, '') AS task_due,
				COALESCE(t.assignee, '') AS assignee, COALESCE(te.name, '') AS assignee_name,
				COALESCE(r.left_at, '') AS task_left, COALESCE(r.added_run, 0) AS added_run, COALESCE(r.task_id, 0) AS reason_task
			FROM alerts a
			LEFT JOIN schools sc ON sc.id = a.school_id
			LEFT JOIN task_reasons r ON r.alert_id = a.id
			LEFT JOIN tasks t ON t.id = r.task_id
			LEFT JOIN teachers te ON te.id = t.assignee` + w.String() + `
			UNION ALL
			SELECT 1, t.sid, 0, t.id, t.id, t.due, '', t.severity, '', '', '', '', 0, '', t.school_id, '', '',
				t.id, t.kind, t.status, t.due, t.assignee, COALESCE(te.name, ''), '', 0, 0
			FROM tasks t
			LEFT JOIN teachers te ON te.id = t.assignee
			WHERE t.status IN ('open', 'acked') AND t.sid IN (SELECT a.sid FROM alerts a
				LEFT JOIN schools sc ON sc.id = a.school_id` + w.String() + `)
			AND NOT EXISTS (SELECT 1 FROM task_reasons r JOIN alerts a ON a.id = r.alert_id
				LEFT JOIN schools sc ON sc.id = a.school_id WHERE r.task_id = t.id AND r.left_at = ''` + w.and() + `)
		) u) g
		LEFT JOIN students s ON s.sid = g.sid
		LEFT JOIN schools ss ON ss.id = s.school_id
		ORDER BY ` + s.groupOrder("g.worst", "COALESCE(s.school_id, '')", "g.sid") + `, g.part, g.rank DESC, ` + s.bytewise("g.rule") + `,
			g.opened_at DESC, g.due_order, g.ord, g.added_run, g.reason_task`
	rows, err := s.db.QueryContext(ctx, s.rebind(q), slices.Concat(w.args, w.args, w.args)...)
	if err != nil {
		return fmt.Errorf("read alerts by student: %w", err)
	}
	defer rows.Close()
	var cur StudentAlerts
	have := false
	emit := func() error {
		cur.Tasks = append(cur.Tasks, currentTasks(cur.Alerts)...)
		slices.SortFunc(cur.Tasks, func(a, b StudentTask) int { return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(a.ID, b.ID)) })
		cur.Tasks = slices.CompactFunc(cur.Tasks, func(a, b StudentTask) bool { return a.ID == b.ID })
		return fn(&cur)
	}
	for rows.Next() {
		var part, worst int
		var a AlertRow
		var st StudentOf
		var left string
		if err := rows.Scan(&part, &st.SID, &worst, &a.ID, &a.Rule, &a.Severity, &a.OpenedAt, &a.EndedAt, &a.Outcome,
			&a.LastNotifiedAt, &a.Notifications, &a.InhibitedBy, &a.SchoolID, &a.SchoolName, &a.Center,
			&a.TaskID, &a.TaskKind, &a.TaskStatus, &a.TaskDue, &a.Assignee, &a.AssigneeName, &left,
			&st.Key, &st.Name, &st.Grade, &st.Class, &st.SchoolID, &st.SchoolName, &st.Center); err != nil {
			return fmt.Errorf("read alerts by student: %w", err)
		}
		if have && st.SID != cur.Student.SID {
			if err := emit(); err != nil {
				return err
			}
			have = false
		}
		if !have {
			cur, have = StudentAlerts{Student: st, Severity: severityOfRank(worst)}, true
		}
		if part == 1 {
			cur.Tasks = append(cur.Tasks, StudentTask{ID: a.TaskID, Kind: a.TaskKind, Status: a.TaskStatus, Due: a.TaskDue,
				Assignee: a.Assignee, AssigneeName: a.AssigneeName})
			continue
		}
		a.StudentKey, a.StudentName, a.Grade, a.Class = st.Key, st.Name, st.Grade, st.Class
		if left != "" {
			a.TaskID, a.TaskKind, a.TaskStatus, a.TaskDue, a.Assignee, a.AssigneeName = 0, "", "", "", "", ""
		}
		// An alert's rows (one per reason it was) come together: the last
		// carries its current task.
		if n := len(cur.Alerts); n > 0 && cur.Alerts[n-1].ID == a.ID {
			cur.Alerts[n-1] = a
		} else {
			cur.Alerts = append(cur.Alerts, a)
		}
		if cur.Student.SchoolID == "" && cur.Student.Key == "" {
			cur.Student.SchoolID, cur.Student.SchoolName, cur.Student.Center = a.SchoolID, a.SchoolName, a.Center
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read alerts by student: %w", err)
	}
	if have {
		return emit()
	}
	return nil
}

// currentTasks are the open (or acknowledged) current tasks of alerts.
func currentTasks(as []AlertRow) []StudentTask {
	var ts []StudentTask
	for _, a := range as {
		if a.TaskID != 0 && (a.TaskStatus == "open" || a.TaskStatus == "acked") {
			ts = append(ts, StudentTask{ID: a.TaskID, Kind: a.TaskKind, Status: a.TaskStatus, Due: a.TaskDue,
				Assignee: a.Assignee, AssigneeName: a.AssigneeName})
		}
	}
	return ts
}

// StudentTasks is one student of StreamStudentTasks: the tasks the filter
// selected, the most urgent first (by due date, then id), each with its
// reasons. A task of no student (a ledger task) is a group of its own,
// with a zero Student but for its school.
type StudentTasks struct {
	Student StudentOf
	// Severity is the highest of the tasks'.
	Severity string
	Tasks    []TaskRow
}

// StreamStudentTasks calls fn for every student of the tasks f selects,
// one call per student with their tasks (see StudentTasks): the students
// with the most severe task first, then by school, grade, class, name and
// student key, in one streamed query. fn must not keep the pointer past
// its call (a copy, and its slices, may be kept); an error from fn stops
// the stream and is returned as it is.
func (s *queries) StreamStudentTasks(ctx context.Context, f TaskFilter, fn func(*StudentTasks) error) error {
	w, err := taskWhere(f)
	if err != nil {
		return err
	}
	// A task of no student is a group of its own (-id never meets a sid),
	// ordered among the students by its school and due date.
	const gkey = `COALESCE(t.sid, -t.id)`
	q := taskSelectColumns + `,
		COALESCE(r.alert_id, 0), COALESCE(r.rule, ''), COALESCE(r.severity, ''), COALESCE(r.since, ''), COALESCE(r.message, ''),
		COALESCE(a.resolved_at, ''), COALESCE(a.outcome, ''), COALESCE(r.left_at, ''),
		` + gkey + ` AS gkey, MAX(` + severityRank("t.severity") + `) OVER (PARTITION BY ` + gkey + `) AS worst,
		COALESCE(s.school_id, ''), COALESCE(ss.name, ''), COALESCE(ss.center, '')
		` + taskSelectFrom + `
		LEFT JOIN schools ss ON ss.id = s.school_id
		LEFT JOIN task_reasons r ON r.task_id = t.id
		LEFT JOIN alerts a ON a.id = r.alert_id` + w.String() + `
		ORDER BY ` + s.groupOrder("worst", "CASE WHEN t.sid IS NULL THEN t.school_id ELSE COALESCE(s.school_id, '') END",
		"COALESCE(t.sid, 0)") + `, t.due, t.id, r.since, r.alert_id`
	rows, err := s.db.QueryContext(ctx, s.rebind(q), append([]any{f.At}, w.args...)...)
	if err != nil {
		return fmt.Errorf("read tasks by student: %w", err)
	}
	defer rows.Close()
	var cur StudentTasks
	var curKey int64
	have := false
	for rows.Next() {
		var t TaskRow
		var r TaskReasonRow
		var gk int64
		var worst int
		var st StudentOf
		if err := scanTask(rows, &t, &r.AlertID, &r.Rule, &r.Severity, &r.Since, &r.Message, &r.Ended, &r.Outcome, &r.Left,
			&gk, &worst, &st.SchoolID, &st.SchoolName, &st.Center); err != nil {
			return fmt.Errorf("read tasks by student: %w", err)
		}
		if have && gk != curKey {
			if err := fn(&cur); err != nil {
				return err
			}
			have = false
		}
		if !have {
			st.Key, st.Name, st.Grade, st.Class = t.StudentKey, t.StudentName, t.Grade, t.Class
			if gk > 0 {
				st.SID = gk
			}
			if st.SchoolID == "" {
				st.SchoolID, st.SchoolName = t.SchoolID, t.SchoolName
			}
			cur, curKey, have = StudentTasks{Student: st, Severity: severityOfRank(worst)}, gk, true
		}
		// A task's rows (one per reason) come together.
		n := len(cur.Tasks)
		if n == 0 || cur.Tasks[n-1].ID != t.ID {
			cur.Tasks = append(cur.Tasks, t)
			n++
		}
		if r.AlertID != 0 {
			cur.Tasks[n-1].Reasons = append(cur.Tasks[n-1].Reasons, r)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read tasks by student: %w", err)
	}
	if have {
		return fn(&cur)
	}
	return nil
}
