package store

import (
	"context"
	"database/sql"
	"fmt"
)

// OpenAlert is an alert that has not resolved, with its student's 学籍号 and
// the follow-up task made when it opened (if any).
type OpenAlert struct {
	ID            int64  `db:"id"`
	Rule          string `db:"rule"`
	SID           int64  `db:"sid"`
	StudentID     string `db:"student_id"`
	StudentStatus string `db:"student_status"`
	// StudentSchool is the student's school now ("" when the student is
	// gone); SchoolID is the school the alert opened at.
	StudentSchool  string         `db:"student_school"`
	SchoolID       string         `db:"school_id"`
	LastNotifiedAt string         `db:"last_notified_at"`
	TaskKind       sql.NullString `db:"task_kind"`
	TaskAssignee   sql.NullString `db:"task_assignee"`
	TaskDue        sql.NullString `db:"task_due"`
}

// OpenAlerts returns every open alert, ordered by id. (Scanned by hand: a
// city has a few hundred thousand, read at every run.)
func (s *queries) OpenAlerts(ctx context.Context) ([]OpenAlert, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.rule, a.sid, COALESCE(s.id, ''), COALESCE(s.status, ''), COALESCE(s.school_id, ''), a.school_id,
		a.last_notified_at, t.kind, t.assignee, t.due
		FROM alerts a
		LEFT JOIN students s ON s.sid = a.sid
		LEFT JOIN tasks t ON t.alert_id = a.id
		WHERE a.resolved_at IS NULL ORDER BY a.id`)
	if err != nil {
		return nil, fmt.Errorf("read open alerts: %w", err)
	}
	defer rows.Close()
	var as []OpenAlert
	for rows.Next() {
		var a OpenAlert
		if err := rows.Scan(&a.ID, &a.Rule, &a.SID, &a.StudentID, &a.StudentStatus, &a.StudentSchool, &a.SchoolID, &a.LastNotifiedAt,
			&a.TaskKind, &a.TaskAssignee, &a.TaskDue); err != nil {
			return nil, fmt.Errorf("read open alerts: %w", err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read open alerts: %w", err)
	}
	return as, nil
}

// NewAlert is an alert to open.
type NewAlert struct {
	Rule, SchoolID, Severity, Message string
	SID                               int64
}

// InsertAlerts inserts new alerts, opened at date at in run runID (counted
// as notified once), and returns the ids of every alert run runID opened,
// keyed by rule and sid.
func (tx *Tx) InsertAlerts(ctx context.Context, runID int64, at string, as []NewAlert) (map[AlertKey]int64, error) {
	err := tx.insertRows(ctx, "alerts", []string{"rule", "sid", "school_id", "severity", "message", "opened_at",
		"opened_run", "last_notified_at", "notifications"}, len(as), func(i int, d []any) {
		a := &as[i]
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8] = a.Rule, a.SID, a.SchoolID, a.Severity, a.Message, at, runID, at, 1
	})
	if err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	ids := make(map[AlertKey]int64, len(as))
	r, err := tx.db.QueryContext(ctx, tx.rebind(`SELECT id, rule, sid FROM alerts WHERE opened_run = ?`), runID)
	if err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	defer r.Close()
	for r.Next() {
		var id int64
		var k AlertKey
		if err := r.Scan(&id, &k.Rule, &k.SID); err != nil {
			return nil, fmt.Errorf("open alerts: %w", err)
		}
		ids[k] = id
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	return ids, nil
}

// AlertKey names the alert of one rule and student.
type AlertKey struct {
	Rule string
	SID  int64
}

// MarkAlertsNotified records that alerts were notified again at date at.
func (tx *Tx) MarkAlertsNotified(ctx context.Context, at string, ids []int64) error {
	if err := tx.execIn(ctx, `UPDATE alerts SET last_notified_at = ?, notifications = notifications + 1 WHERE id IN (?)`,
		[]any{at}, ids); err != nil {
		return fmt.Errorf("mark alerts notified: %w", err)
	}
	return nil
}

// ResolveAlerts ends alerts at date at in run runID with an outcome
// (resolved, rule_retired, student_<status>) and closes their open tasks
// with the same outcome at instant now.
func (tx *Tx) ResolveAlerts(ctx context.Context, runID int64, at, now, outcome string, ids []int64) error {
	if err := tx.execIn(ctx, `UPDATE alerts SET resolved_at = ?, resolved_run = ?, outcome = ? WHERE resolved_at IS NULL AND id IN (?)`,
		[]any{at, runID, outcome}, ids); err != nil {
		return fmt.Errorf("resolve alerts: %w", err)
	}
	if err := tx.execIn(ctx, `UPDATE tasks SET status = 'closed', outcome = ?, closed_at = ?
		WHERE status IN ('open', 'acked') AND alert_id IN (?)`, []any{outcome, now}, ids); err != nil {
		return fmt.Errorf("close tasks of resolved alerts: %w", err)
	}
	return nil
}

// AlertState selects alerts by how they stand.
type AlertState string

// The states an AlertFilter selects. An alert is open until it ends; it
// ends resolved (outcome "resolved": its rule stopped firing; or
// "student_<status>": its student left, as eval's resolved lines count it)
// or retired (outcome "rule_retired": its rule was removed or disabled).
const (
	AlertsAny      AlertState = ""
	AlertsOpen     AlertState = "open"
	AlertsResolved AlertState = "resolved"
	AlertsRetired  AlertState = "retired"
)

// AlertFilter says which alerts StreamAlerts passes on: those matching
// every field that is set (a zero field matches every alert).
type AlertFilter struct {
	State AlertState
	// School is the school the alert opened at; Center is that school's
	// education management center.
	School, Center string
	Rule           string
	// Since, "YYYY-MM-DD", keeps the alerts that opened or ended on or
	// after it.
	Since string
}

// AlertRow is one alert as listed: the alert, its student, the school it
// opened at and its follow-up task. Text a row does not have is "" (the
// student of a removed roster row, a school no longer imported); TaskID is 0
// when the alert has no task. The alert's message is not read: it may name
// the student in full.
type AlertRow struct {
	ID             int64
	Rule           string
	Severity       string
	OpenedAt       string
	EndedAt        string
	Outcome        string
	LastNotifiedAt string
	Notifications  int
	StudentKey     string
	StudentName    string
	Grade          int
	Class          string
	SchoolID       string
	SchoolName     string
	Center         string
	TaskID         int64
	TaskKind       string
	TaskStatus     string
	TaskDue        string
	Assignee       string
	AssigneeName   string
}

// State says how the alert stands: open, resolved or retired.
func (a *AlertRow) State() AlertState {
	switch {
	case a.EndedAt == "":
		return AlertsOpen
	case a.Outcome == "rule_retired":
		return AlertsRetired
	}
	return AlertsResolved
}

// StreamAlerts calls fn for every alert f selects, newest first (by the
// date it opened, then by id, both descending), in one streamed query: a
// city's alerts are never held in memory. fn must not keep the pointer past
// its call; an error from fn stops the stream and is returned as it is.
func (s *queries) StreamAlerts(ctx context.Context, f AlertFilter, fn func(*AlertRow) error) error {
	var w where
	switch f.State {
	case AlertsAny:
	case AlertsOpen:
		w.add(true, `a.resolved_at IS NULL`)
	case AlertsResolved:
		w.add(true, `a.resolved_at IS NOT NULL AND a.outcome <> 'rule_retired'`)
	case AlertsRetired:
		w.add(true, `a.resolved_at IS NOT NULL AND a.outcome = 'rule_retired'`)
	default:
		return fmt.Errorf("read alerts: unknown state %q", f.State)
	}
	w.add(f.School != "", `a.school_id = ?`, f.School)
	w.add(f.Center != "", `sc.center = ?`, f.Center)
	w.add(f.Rule != "", `a.rule = ?`, f.Rule)
	w.add(f.Since != "", `(a.opened_at >= ? OR a.resolved_at >= ?)`, f.Since, f.Since)
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT a.id, a.rule, a.severity, a.opened_at, COALESCE(a.resolved_at, ''),
		a.outcome, a.last_notified_at, a.notifications,
		COALESCE(s.key, ''), COALESCE(s.name, ''), COALESCE(s.grade, 0), COALESCE(s.class, ''),
		a.school_id, COALESCE(sc.name, ''), COALESCE(sc.center, ''),
		COALESCE(t.id, 0), COALESCE(t.kind, ''), COALESCE(t.status, ''), COALESCE(t.due, ''),
		COALESCE(t.assignee, ''), COALESCE(te.name, '')
		FROM alerts a
		LEFT JOIN students s ON s.sid = a.sid
		LEFT JOIN schools sc ON sc.id = a.school_id
		LEFT JOIN tasks t ON t.alert_id = a.id
		LEFT JOIN teachers te ON te.id = t.assignee`+w.String()+`
		ORDER BY a.opened_at DESC, a.id DESC`), w.args...)
	if err != nil {
		return fmt.Errorf("read alerts: %w", err)
	}
	defer rows.Close()
	var a AlertRow
	for rows.Next() {
		if err := rows.Scan(&a.ID, &a.Rule, &a.Severity, &a.OpenedAt, &a.EndedAt, &a.Outcome, &a.LastNotifiedAt, &a.Notifications,
			&a.StudentKey, &a.StudentName, &a.Grade, &a.Class, &a.SchoolID, &a.SchoolName, &a.Center,
			&a.TaskID, &a.TaskKind, &a.TaskStatus, &a.TaskDue, &a.Assignee, &a.AssigneeName); err != nil {
			return fmt.Errorf("read alerts: %w", err)
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read alerts: %w", err)
	}
	return nil
}
