package store

import (
	"context"
	"fmt"
	"slices"
)

// StudentCursor is where a page of ScopedStudents starts: after the
// student at that place of its order (the highest severity rank,
// descending, then school, grade, class and key).
type StudentCursor struct {
	Rank       int
	School     string
	Grade      int
	Class, Key string
}

// ScopedStudentFilter selects a page of the students of the teacher API.
type ScopedStudentFilter struct {
	Scope Scope
	// At, "YYYY-MM-DD", is the day the tasks are judged overdue at.
	At string
	// After, when set, starts after that place.
	After *StudentCursor
	// Limit is the most students returned; it must be positive.
	Limit int
}

// StudentSummary is one student of ScopedStudents: the student, the
// highest severity (and its rank) of their open alerts and of the open
// tasks the scope sees, their open alerts (the most severe first, then by
// rule id and id) and those tasks (the most urgent first), each with its
// reasons.
type StudentSummary struct {
	Student  StudentOf
	Rank     int
	Severity string
	Alerts   []StudentAlert
	Tasks    []TaskRow
}

// Cursor is the place of the student in the order of ScopedStudents.
func (s *StudentSummary) Cursor() StudentCursor {
	return StudentCursor{Rank: s.Rank, School: s.Student.SchoolID, Grade: s.Student.Grade, Class: s.Student.Class,
		Key: s.Student.Key}
}

// ScopedStudents returns the students within f's scope who have an open
// alert, or an open task the scope sees, one entry each (see
// StudentSummary): the highest severity first, then by school, grade,
// class and key (text compared byte by byte), at most f.Limit of them.
// The messages of the alerts are not read.
func (s *queries) ScopedStudents(ctx context.Context, f ScopedStudentFilter) ([]StudentSummary, error) {
	if f.Limit <= 0 {
		return nil, fmt.Errorf("read students: limit %d", f.Limit)
	}
	tcond, targs := f.Scope.tasks()
	scond, sargs := f.Scope.students()
	// The students come from the open alerts and the open tasks in scope,
	// each student's highest rank of them computed once, not from a scan of
	// the roster.
	q := `SELECT y.sid, y.key, y.name, y.grade, y.class, y.school_id, y.school_name, y.center, y.worst FROM (
		SELECT s.sid, s.key, s.name, s.grade, s.class, s.school_id, COALESCE(sc.name, '') AS school_name,
			COALESCE(sc.center, '') AS center, k.worst
		FROM (SELECT u.sid, MAX(u.rank) AS worst FROM (
				SELECT a.sid, ` + severityRank("a.severity") + ` AS rank FROM alerts a WHERE a.resolved_at IS NULL
				UNION ALL
				SELECT t.sid, ` + severityRank("t.severity") + ` FROM tasks t
				WHERE t.status IN ('open', 'acked') AND t.sid IS NOT NULL AND ` + tcond + `
			) u GROUP BY u.sid) k
		JOIN students s ON s.sid = k.sid
		LEFT JOIN schools sc ON sc.id = s.school_id
		WHERE ` + scond + `) y`
	args := slices.Concat(targs, sargs)
	if c := f.After; c != nil {
		gt := func(col string) string { return s.bytewise(col) + ` > ?` }
		q += ` WHERE (y.worst < ? OR y.worst = ? AND (` + gt("y.school_id") + ` OR y.school_id = ? AND (y.grade > ? OR y.grade = ? AND (` +
			gt("y.class") + ` OR y.class = ? AND ` + gt("y.key") + `))))`
		args = append(args, c.Rank, c.Rank, c.School, c.School, c.Grade, c.Grade, c.Class, c.Class, c.Key)
	}
	q += ` ORDER BY y.worst DESC, ` + s.bytewise("y.school_id") + `, y.grade, ` + s.bytewise("y.class") + `, ` +
		s.bytewise("y.key") + ` LIMIT ?`
	rows, err := s.db.QueryContext(ctx, s.rebind(q), append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("read students: %w", err)
	}
	var out []StudentSummary
	for rows.Next() {
		var st StudentSummary
		d := &st.Student
		if err := rows.Scan(&d.SID, &d.Key, &d.Name, &d.Grade, &d.Class, &d.SchoolID, &d.SchoolName, &d.Center,
			&st.Rank); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read students: %w", err)
		}
		st.Severity = severityOfRank(st.Rank)
		out = append(out, st)
	}
	err = rows.Err()
	rows.Close() // (before the next query of a transaction)
	if err != nil {
		return nil, fmt.Errorf("read students: %w", err)
	}
	if err := s.readStudentAlerts(ctx, out); err != nil {
		return nil, err
	}
	if err := s.readStudentTasks(ctx, f, out); err != nil {
		return nil, err
	}
	return out, nil
}

// studentChunk is how many students one query of their alerts or tasks
// names.
const studentChunk = 500

// readStudentAlerts sets the open alerts of the students ss.
func (s *queries) readStudentAlerts(ctx context.Context, ss []StudentSummary) error {
	at := make(map[int64]int, len(ss))
	sids := make([]int64, len(ss))
	for i := range ss {
		at[ss[i].Student.SID], sids[i] = i, ss[i].Student.SID
	}
	for start := 0; start < len(sids); start += studentChunk {
		end := min(start+studentChunk, len(sids))
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT sid, id, rule, severity, opened_at, inhibited_by FROM alerts
			WHERE resolved_at IS NULL AND sid IN (`+placeholders(end-start)+`)
			ORDER BY sid, `+severityRank("severity")+` DESC, `+s.bytewise("rule")+`, id`), int64sToAny(sids[start:end])...)
		if err != nil {
			return fmt.Errorf("read alerts of students: %w", err)
		}
		for rows.Next() {
			var sid int64
			var a StudentAlert
			if err := rows.Scan(&sid, &a.ID, &a.Rule, &a.Severity, &a.OpenedAt, &a.InhibitedBy); err != nil {
				rows.Close()
				return fmt.Errorf("read alerts of students: %w", err)
			}
			st := &ss[at[sid]]
			st.Alerts = append(st.Alerts, a)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("read alerts of students: %w", err)
		}
	}
	return nil
}

// readStudentTasks sets the open tasks within f's scope of the students
// ss, with their reasons.
func (s *queries) readStudentTasks(ctx context.Context, f ScopedStudentFilter, ss []StudentSummary) error {
	at := make(map[string]int, len(ss))
	sids := make([]int64, len(ss))
	for i := range ss {
		at[ss[i].Student.Key], sids[i] = i, ss[i].Student.SID
	}
	cond, cargs := f.Scope.tasks()
	var ts []TaskRow
	for start := 0; start < len(sids); start += studentChunk {
		end := min(start+studentChunk, len(sids))
		rows, err := s.db.QueryContext(ctx, s.rebind(taskSelect+` WHERE t.status IN ('open', 'acked') AND `+cond+`
			AND t.sid IN (`+placeholders(end-start)+`) ORDER BY t.due, t.id`),
			slices.Concat([]any{f.At}, cargs, int64sToAny(sids[start:end]))...)
		if err != nil {
			return fmt.Errorf("read tasks of students: %w", err)
		}
		for rows.Next() {
			var t TaskRow
			if err := scanTask(rows, &t); err != nil {
				rows.Close()
				return fmt.Errorf("read tasks of students: %w", err)
			}
			ts = append(ts, t)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("read tasks of students: %w", err)
		}
	}
	if err := s.readReasons(ctx, ts); err != nil {
		return err
	}
	// (Each chunk is in due order, and a student's tasks are in one chunk.)
	for _, t := range ts {
		st := &ss[at[t.StudentKey]]
		st.Tasks = append(st.Tasks, t)
	}
	return nil
}
