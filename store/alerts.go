package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// OpenAlert is an alert that has not resolved, with its student's 学籍号
// and its current task: the task it joined last as a reason (SPEC §7),
// open, or closed by a teacher while the alert still fires, or the task its
// reason left when the alert became inhibited (TaskLeft). The task fields
// are invalid when the alert never had a task. InhibitedBy are the ids of
// the rules inhibiting it, sorted and comma-separated, "" when it is not
// inhibited; LastNotifiedAt is "" for an alert never notified (it opened
// inhibited).
type OpenAlert struct {
	ID            int64  `db:"id"`
	Rule          string `db:"rule"`
	SID           int64  `db:"sid"`
	StudentID     string `db:"student_id"`
	StudentStatus string `db:"student_status"`
	// StudentSchool is the student's school now ("" when the student is
	// gone); SchoolID is the school the alert opened at.
	StudentSchool  string `db:"student_school"`
	SchoolID       string `db:"school_id"`
	Severity       string `db:"severity"`
	OpenedAt       string `db:"opened_at"`
	LastNotifiedAt string `db:"last_notified_at"`
	InhibitedBy    string `db:"inhibited_by"`
	TaskID         sql.NullInt64
	TaskKind       sql.NullString
	TaskAssignee   sql.NullString
	TaskDue        sql.NullString
	// TaskStatus is open, acked or closed; TaskClosedAt the instant it
	// closed (TimeFormat).
	TaskStatus   sql.NullString
	TaskClosedAt sql.NullString
	// TaskLeft: the alert's reason left its current task when the alert
	// became inhibited (the task may be open still, with other reasons).
	TaskLeft bool
}

// TaskOpen reports whether the alert is a reason of an open (or
// acknowledged) task: its current task is open and its reason did not
// leave it.
func (a *OpenAlert) TaskOpen() bool {
	return a.TaskID.Valid && !a.TaskLeft && (a.TaskStatus.String == "open" || a.TaskStatus.String == "acked")
}

// OpenAlerts returns every open alert with its current task, ordered by id.
// StudentID, StudentStatus and StudentSchool are left empty: only an alert
// that ends needs them, and joining a city's roster to every open alert
// cost more than the rest of the read; StudentStates gives them for the
// students asked for. (Scanned by hand: a city has a few hundred thousand
// open alerts, read at every run.)
func (s *queries) OpenAlerts(ctx context.Context) ([]OpenAlert, error) {
	// One row per reason the alert ever was; the last as they joined (by
	// run, then task) is its current task. The drivers allocate a string
	// for every text column, so the text travels joined in one column (as
	// StreamEvalStudents reads the roster) and is cut here, each field a
	// slice of its row's text. (They were interned, one copy of each value
	// that repeats: that cost a dry run of a 1M city ~0.3 s of CPU and
	// saved no memory it measured.) The rows are sorted here: the server
	// sorted them on disk.
	//
	// The rows are kept as they come, their text uncut, then sorted, and
	// only the last row of each alert is cut into an OpenAlert: sorted as
	// OpenAlerts, a city's rows moved some 300 bytes at every swap, and
	// every row was cut. The slices are made to the number of open alerts (and an
	// eighth more for the alerts with several reasons) before they fill:
	// grown as they filled, a city's copies touched fresh memory over and
	// over, which cost a second of a dry run. (Counted before the rows are
	// read: a transaction's connection takes one query at a time.)
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM alerts WHERE resolved_at IS NULL`); err != nil {
		return nil, fmt.Errorf("read open alerts: %w", err)
	}
	sep := "'" + unitSep + "'"
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.sid, t.id, COALESCE(r.added_run, 0),
		a.rule || `+sep+` || a.school_id || `+sep+` || a.severity || `+sep+` || a.opened_at || `+sep+` ||
		a.last_notified_at || `+sep+` || a.inhibited_by || `+sep+` || COALESCE(t.kind, '') || `+sep+` ||
		COALESCE(t.assignee, '') || `+sep+` || COALESCE(t.due, '') || `+sep+` || COALESCE(t.status, '') || `+sep+` ||
		COALESCE(t.closed_at, '') || `+sep+` || COALESCE(r.left_at, '')
		FROM alerts a
		LEFT JOIN task_reasons r ON r.alert_id = a.id
		LEFT JOIN tasks t ON t.id = r.task_id
		WHERE a.resolved_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("read open alerts: %w", err)
	}
	defer rows.Close()
	// (Scanned straight into the slice: a row scanned into a variable of
	// its own was a heap allocation per row.)
	reasons := make([]reasonRow, 0, n+n/8)
	for rows.Next() {
		reasons = append(reasons, reasonRow{})
		r := &reasons[len(reasons)-1]
		if err := rows.Scan(&r.id, &r.sid, &r.task, &r.run, &r.text); err != nil {
			return nil, fmt.Errorf("read open alerts: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read open alerts: %w", err)
	}
	if len(reasons) == 0 {
		return nil, nil
	}
	slices.SortFunc(reasons, func(x, y reasonRow) int {
		return cmp.Or(cmp.Compare(x.id, y.id), cmp.Compare(x.run, y.run), cmp.Compare(x.task.Int64, y.task.Int64))
	})
	as := make([]OpenAlert, 0, n)
	for i := range reasons {
		r := &reasons[i]
		if i+1 < len(reasons) && reasons[i+1].id == r.id {
			continue // an earlier reason
		}
		as = append(as, OpenAlert{ID: r.id, SID: r.sid, TaskID: r.task})
		a := &as[len(as)-1]
		var kind, assignee, due, status, closed, left string
		fields := [...]*string{&a.Rule, &a.SchoolID, &a.Severity, &a.OpenedAt, &a.LastNotifiedAt, &a.InhibitedBy,
			&kind, &assignee, &due, &status, &closed, &left}
		if !cutJoined(r.text, fields[:]) {
			return nil, fmt.Errorf("read open alerts: a text field of alert %d holds the control character U+001F", a.ID)
		}
		if a.TaskID.Valid {
			a.TaskKind = sql.NullString{String: kind, Valid: true}
			a.TaskAssignee = sql.NullString{String: assignee, Valid: true}
			a.TaskDue = sql.NullString{String: due, Valid: true}
			a.TaskStatus = sql.NullString{String: status, Valid: true}
			a.TaskClosedAt = sql.NullString{String: closed, Valid: closed != ""}
		}
		a.TaskLeft = left != ""
	}
	return as, nil
}

// reasonRow is a row of OpenAlerts: an open alert and one of its reasons,
// the run in which the reason joined its task, and the row's joined text.
type reasonRow struct {
	id, sid, run int64
	task         sql.NullInt64
	text         string
}

// StudentState is who a student is now, for an alert that ends: the
// roster's id, status and school; all "" for a student no longer in the
// roster.
type StudentState struct {
	ID, Status, School string
}

// StudentStates returns the state of each student of sids that is in the
// roster (a student missing from the map is not).
func (s *queries) StudentStates(ctx context.Context, sids []int64) (map[int64]StudentState, error) {
	out := make(map[int64]StudentState, len(sids))
	const per = 500
	for start := 0; start < len(sids); start += per {
		end := min(start+per, len(sids))
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT sid, id, status, school_id FROM students WHERE sid IN (`+
			placeholders(end-start)+`)`), int64sToAny(sids[start:end])...)
		if err != nil {
			return nil, fmt.Errorf("read students: %w", err)
		}
		for rows.Next() {
			var sid int64
			var st StudentState
			if err := rows.Scan(&sid, &st.ID, &st.Status, &st.School); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read students: %w", err)
			}
			out[sid] = st
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read students: %w", err)
		}
	}
	return out, nil
}

// OpenAlertCount counts the open alerts of one rule whose students have
// one status ("" when the student is no longer in the roster).
type OpenAlertCount struct {
	Rule          string `db:"rule"`
	StudentStatus string `db:"student_status"`
	Alerts        int    `db:"alerts"`
}

// OpenAlertCounts counts the open alerts by rule and student status,
// ordered by both: what a rule set would retire, without reading every
// alert (the daemon asks before it takes new rules).
func (s *queries) OpenAlertCounts(ctx context.Context) ([]OpenAlertCount, error) {
	var cs []OpenAlertCount
	err := s.db.SelectContext(ctx, &cs, `SELECT a.rule, COALESCE(s.status, '') AS student_status, COUNT(*) AS alerts
		FROM alerts a LEFT JOIN students s ON s.sid = a.sid
		WHERE a.resolved_at IS NULL
		GROUP BY a.rule, COALESCE(s.status, '') ORDER BY a.rule, student_status`)
	if err != nil {
		return nil, fmt.Errorf("count open alerts: %w", err)
	}
	return cs, nil
}

// NewAlert is an alert to open. InhibitedBy, when not "", are the ids of
// the rules inhibiting it (sorted, comma-separated): it opens marked and
// not notified.
type NewAlert struct {
	Rule, SchoolID, Severity, Message string
	InhibitedBy                       string
	SID                               int64
}

// InsertAlerts inserts new alerts, opened at date at in run runID (counted
// as notified once, unless inhibited: then never), and returns their ids,
// in the order of as (ascending: the ids they would have taken one by one).
func (tx *Tx) InsertAlerts(ctx context.Context, runID int64, at string, as []NewAlert) ([]int64, error) {
	ids, err := tx.newIDs(ctx, "alerts", len(as))
	if err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	err = tx.insertRows(ctx, "alerts", []string{"id", "rule", "sid", "school_id", "severity", "message", "opened_at",
		"opened_run", "last_notified_at", "notifications", "inhibited_by"}, len(as), func(i int, d []any) {
		a := &as[i]
		notified, times := at, 1
		if a.InhibitedBy != "" {
			notified, times = "", 0
		}
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = ids[i], a.Rule, a.SID, a.SchoolID, a.Severity, a.Message, at, runID
		d[8], d[9], d[10] = notified, times, a.InhibitedBy
	})
	if err != nil {
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

// RaiseSeverity sets the severity of the open alerts of ids, and of the
// open (or acknowledged) tasks of taskIDs, to severity: an alert that came
// to inhibit a more severe one speaks, and its task is followed, at that
// severity (SPEC §7). The caller raises only what was lower.
func (tx *Tx) RaiseSeverity(ctx context.Context, severity string, ids, taskIDs []int64) error {
	if err := tx.execIn(ctx, `UPDATE alerts SET severity = ? WHERE resolved_at IS NULL AND id IN (?)`,
		[]any{severity}, ids); err != nil {
		return fmt.Errorf("raise severity: %w", err)
	}
	if err := tx.execIn(ctx, `UPDATE tasks SET severity = ? WHERE status IN ('open', 'acked') AND id IN (?)`,
		[]any{severity}, taskIDs); err != nil {
		return fmt.Errorf("raise severity: %w", err)
	}
	return nil
}

// SetAlertsInhibitedBy marks open alerts as inhibited by the rules of
// inhibitedBy (sorted, comma-separated), or, with "", as active again.
func (tx *Tx) SetAlertsInhibitedBy(ctx context.Context, inhibitedBy string, ids []int64) error {
	if err := tx.execIn(ctx, `UPDATE alerts SET inhibited_by = ? WHERE resolved_at IS NULL AND id IN (?)`,
		[]any{inhibitedBy}, ids); err != nil {
		return fmt.Errorf("mark alerts inhibited: %w", err)
	}
	return nil
}

// LeaveTasks records that the alerts of ids, which became inhibited at the
// run of date at, are no longer reasons of the open (or acknowledged) tasks
// they are reasons of (SPEC §7). The tasks are the caller's: one closes
// when its last open reason leaves or ends (CloseTasks); it must be called
// before those tasks close.
func (tx *Tx) LeaveTasks(ctx context.Context, at string, ids []int64) error {
	if err := tx.execIn(ctx, `UPDATE task_reasons SET left_at = ? WHERE left_at = '' AND alert_id IN (?)
		AND task_id IN (SELECT id FROM tasks WHERE status IN ('open', 'acked'))`, []any{at}, ids); err != nil {
		return fmt.Errorf("take inhibited alerts off their tasks: %w", err)
	}
	return nil
}

// ResolveAlerts ends alerts at date at in run runID with an outcome
// (resolved, rule_retired, student_<status>). Their tasks are the
// caller's: a task closes when its last open reason ends (CloseTasks).
func (tx *Tx) ResolveAlerts(ctx context.Context, runID int64, at, outcome string, ids []int64) error {
	if err := tx.execIn(ctx, `UPDATE alerts SET resolved_at = ?, resolved_run = ?, outcome = ? WHERE resolved_at IS NULL AND id IN (?)`,
		[]any{at, runID, outcome}, ids); err != nil {
		return fmt.Errorf("resolve alerts: %w", err)
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
// opened at and its current task (the task it joined last as a reason,
// SPEC §7; none when its reason left that task because the alert became
// inhibited: such a task is listed by tasks only). Text a row does not have is "" (the
// student of a removed roster row, a school no longer imported); TaskID is 0
// when the alert has no task. InhibitedBy are the ids of the rules
// inhibiting an open alert, comma-separated ("" when none). The alert's message is not read: it may name
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
	InhibitedBy    string
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
	w, err := alertWhere(f)
	if err != nil {
		return err
	}
	// One row per reason the alert was, in the order they joined: the
	// last row of an alert carries its current task, and the alert is
	// passed on when the next alert's first row (or the end) is read.
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT a.id, a.rule, a.severity, a.opened_at, COALESCE(a.resolved_at, ''),
		a.outcome, a.last_notified_at, a.notifications, a.inhibited_by,
		COALESCE(s.key, ''), COALESCE(s.name, ''), COALESCE(s.grade, 0), COALESCE(s.class, ''),
		a.school_id, COALESCE(sc.name, ''), COALESCE(sc.center, ''),
		COALESCE(t.id, 0), COALESCE(t.kind, ''), COALESCE(t.status, ''), COALESCE(t.due, ''),
		COALESCE(t.assignee, ''), COALESCE(te.name, ''), COALESCE(r.left_at, '')
		FROM alerts a
		LEFT JOIN students s ON s.sid = a.sid
		LEFT JOIN schools sc ON sc.id = a.school_id
		LEFT JOIN task_reasons r ON r.alert_id = a.id
		LEFT JOIN tasks t ON t.id = r.task_id
		LEFT JOIN teachers te ON te.id = t.assignee`+w.String()+`
		ORDER BY a.opened_at DESC, a.id DESC, r.added_run, r.task_id`), w.args...)
	if err != nil {
		return fmt.Errorf("read alerts: %w", err)
	}
	defer rows.Close()
	var a, next AlertRow
	have := false
	for rows.Next() {
		var left string
		if err := rows.Scan(&next.ID, &next.Rule, &next.Severity, &next.OpenedAt, &next.EndedAt, &next.Outcome, &next.LastNotifiedAt,
			&next.Notifications, &next.InhibitedBy, &next.StudentKey, &next.StudentName, &next.Grade, &next.Class, &next.SchoolID,
			&next.SchoolName, &next.Center, &next.TaskID, &next.TaskKind, &next.TaskStatus, &next.TaskDue, &next.Assignee,
			&next.AssigneeName, &left); err != nil {
			return fmt.Errorf("read alerts: %w", err)
		}
		if left != "" {
			next.TaskID, next.TaskKind, next.TaskStatus, next.TaskDue, next.Assignee, next.AssigneeName = 0, "", "", "", "", ""
		}
		if have && next.ID != a.ID {
			if err := fn(&a); err != nil {
				return err
			}
		}
		a, have = next, true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read alerts: %w", err)
	}
	if have {
		return fn(&a)
	}
	return nil
}

// alertWhere is the condition on alerts a (and their school sc) of f.
func alertWhere(f AlertFilter) (where, error) {
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
		return where{}, fmt.Errorf("read alerts: unknown state %q", f.State)
	}
	w.add(f.School != "", `a.school_id = ?`, f.School)
	w.add(f.Center != "", `sc.center = ?`, f.Center)
	w.add(f.Rule != "", `a.rule = ?`, f.Rule)
	w.add(f.Since != "", `(a.opened_at >= ? OR a.resolved_at >= ?)`, f.Since, f.Since)
	return w, nil
}
