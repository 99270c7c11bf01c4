package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// StudentDetail is what the teacher API shows of a student: what a teacher
// needs to follow them up. It has no field for the 学籍号, the national ID
// or the birth date, so that none can leave through it by mistake.
type StudentDetail struct {
	SID                                       int64
	Key, Name, Gender                         string
	SchoolID, SchoolName, Center              string
	Grade                                     int
	Class, Status, SuspendedUntil, ReturnedAt string
	Township, Village                         string
	HomeroomTeacherID, HomeroomTeacherName    string
	PairingTeacherID, PairingTeacherName      string
	GuardianPhone                             string
	LeftBehind                                int
	Migrant, Returning, Orphan, Boarding      bool
	Disabled                                  bool
	DisabilityType                            string
	DisabilityLevel                           int
	Hardship                                  bool
	Poverty                                   string
	HomeTaught                                bool
}

// ScopedStudent returns the student of key if they are within sc; false
// when there is no such student or they are outside sc, which a caller
// must not tell apart.
func (s *queries) ScopedStudent(ctx context.Context, sc Scope, key string) (StudentDetail, bool, error) {
	cond, args := sc.students()
	var d StudentDetail
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT s.sid, s.key, s.name, s.gender, s.school_id,
		COALESCE(sc.name, ''), COALESCE(sc.center, ''), s.grade, s.class, s.status, s.suspended_until, s.returned_at,
		s.township, s.village, s.homeroom_teacher_id, COALESCE(h.name, ''), s.pairing_teacher_id, COALESCE(p.name, ''),
		s.guardian_phone, s.left_behind, s.migrant, s.returning_child, s.orphan, s.boarding, s.disabled,
		s.disability_type, s.disability_level, s.hardship, s.poverty, s.home_taught
		FROM students s
		LEFT JOIN schools sc ON sc.id = s.school_id
		LEFT JOIN teachers h ON h.id = s.homeroom_teacher_id AND s.homeroom_teacher_id <> ''
		LEFT JOIN teachers p ON p.id = s.pairing_teacher_id AND s.pairing_teacher_id <> ''
		WHERE s.key = ? AND `+cond), append([]any{key}, args...)...).Scan(
		&d.SID, &d.Key, &d.Name, &d.Gender, &d.SchoolID, &d.SchoolName, &d.Center, &d.Grade, &d.Class, &d.Status,
		&d.SuspendedUntil, &d.ReturnedAt, &d.Township, &d.Village, &d.HomeroomTeacherID, &d.HomeroomTeacherName,
		&d.PairingTeacherID, &d.PairingTeacherName, &d.GuardianPhone, &d.LeftBehind, &d.Migrant, &d.Returning,
		&d.Orphan, &d.Boarding, &d.Disabled, &d.DisabilityType, &d.DisabilityLevel, &d.Hardship, &d.Poverty,
		&d.HomeTaught)
	if errors.Is(err, sql.ErrNoRows) {
		return StudentDetail{}, false, nil
	}
	if err != nil {
		return StudentDetail{}, false, fmt.Errorf("read student: %w", err)
	}
	return d, true, nil
}

// StudentAlert is an open alert of a student. InhibitedBy are the ids of
// the rules inhibiting it, sorted and comma-separated ("" when none).
type StudentAlert struct {
	ID                                int64
	Rule, Severity, OpenedAt, Message string
	InhibitedBy                       string
}

// StudentOpenAlerts returns the open alerts of student sid, oldest first.
func (s *queries) StudentOpenAlerts(ctx context.Context, sid int64) ([]StudentAlert, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT id, rule, severity, opened_at, message, inhibited_by FROM alerts
		WHERE sid = ? AND resolved_at IS NULL ORDER BY opened_at, id`), sid)
	if err != nil {
		return nil, fmt.Errorf("read alerts of a student: %w", err)
	}
	defer rows.Close()
	var as []StudentAlert
	for rows.Next() {
		var a StudentAlert
		if err := rows.Scan(&a.ID, &a.Rule, &a.Severity, &a.OpenedAt, &a.Message, &a.InhibitedBy); err != nil {
			return nil, fmt.Errorf("read alerts of a student: %w", err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read alerts of a student: %w", err)
	}
	return as, nil
}

// ContactRow is a contact with a student's family as the API shows it.
type ContactRow struct {
	ID                                    int64
	Date, TeacherID, TeacherName, Channel string
	Outcome, Note, Source                 string
}

// StudentContacts returns the latest contacts with the family of student
// sid dated on or after since, newest first, at most limit.
func (s *queries) StudentContacts(ctx context.Context, sid int64, since string, limit int) ([]ContactRow, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT c.id, c.date, c.teacher_id, COALESCE(te.name, ''), c.channel,
		c.outcome, c.note, c.source
		FROM contacts c LEFT JOIN teachers te ON te.id = c.teacher_id
		WHERE c.sid = ? AND c.date >= ? ORDER BY c.date DESC, c.id DESC LIMIT ?`), sid, since, limit)
	if err != nil {
		return nil, fmt.Errorf("read contacts of a student: %w", err)
	}
	defer rows.Close()
	var cs []ContactRow
	for rows.Next() {
		var c ContactRow
		if err := rows.Scan(&c.ID, &c.Date, &c.TeacherID, &c.TeacherName, &c.Channel, &c.Outcome, &c.Note, &c.Source); err != nil {
			return nil, fmt.Errorf("read contacts of a student: %w", err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read contacts of a student: %w", err)
	}
	return cs, nil
}

// AbsenceRow is one absence (absent, sick or leave) of a student.
type AbsenceRow struct {
	Date, Status, Note string
}

// StudentAbsences returns the absences of student sid dated from..to
// inclusive, newest first.
func (s *queries) StudentAbsences(ctx context.Context, sid int64, from, to string) ([]AbsenceRow, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT date, status, note FROM attendance
		WHERE sid = ? AND date >= ? AND date <= ? AND status IN ('absent', 'sick', 'leave') ORDER BY date DESC`), sid, from, to)
	if err != nil {
		return nil, fmt.Errorf("read absences of a student: %w", err)
	}
	defer rows.Close()
	var as []AbsenceRow
	for rows.Next() {
		var a AbsenceRow
		if err := rows.Scan(&a.Date, &a.Status, &a.Note); err != nil {
			return nil, fmt.Errorf("read absences of a student: %w", err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read absences of a student: %w", err)
	}
	return as, nil
}
