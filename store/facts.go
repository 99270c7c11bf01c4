package store

import (
	"context"
	"database/sql"
	"fmt"
)

// EvalStudent is the roster row the engine evaluates. Strings are copied out
// of the driver's buffers, so a callback may keep the value.
type EvalStudent struct {
	SID               int64
	Key               string
	ID                string
	Name              string
	Gender            string
	BirthDate         string
	SchoolID          string
	Grade             int
	Class             string
	HomeroomTeacherID string
	Status            string
	ReturnedAt        string
	Township          string
	Village           string
	LeftBehind        int
	Migrant           bool
	Returning         bool
	Orphan            bool
	Boarding          bool
	Disabled          bool
	DisabilityType    string
	DisabilityLevel   int
	Hardship          bool
	Poverty           string
	HomeTaught        bool
	PairingTeacherID  string
}

// StreamEvalStudents calls fn for every student whose status is enrolled or
// suspended, in ascending sid order, in one streamed query. fn must not keep
// the pointer past its call.
func (s *Store) StreamEvalStudents(ctx context.Context, fn func(*EvalStudent) error) error {
	rows, err := s.DB.QueryContext(ctx, `SELECT sid, key, id, name, gender, birth_date, school_id, grade, class,
		homeroom_teacher_id, status, returned_at, township, village, left_behind, migrant, returning_child,
		orphan, boarding, disabled, disability_type, disability_level, hardship, poverty, home_taught,
		pairing_teacher_id
		FROM students WHERE status IN ('enrolled', 'suspended') ORDER BY sid`)
	if err != nil {
		return fmt.Errorf("read students: %w", err)
	}
	defer rows.Close()
	var st EvalStudent
	for rows.Next() {
		if err := rows.Scan(&st.SID, &st.Key, &st.ID, &st.Name, &st.Gender, &st.BirthDate, &st.SchoolID, &st.Grade,
			&st.Class, &st.HomeroomTeacherID, &st.Status, &st.ReturnedAt, &st.Township, &st.Village, &st.LeftBehind,
			&st.Migrant, &st.Returning, &st.Orphan, &st.Boarding, &st.Disabled, &st.DisabilityType,
			&st.DisabilityLevel, &st.Hardship, &st.Poverty, &st.HomeTaught, &st.PairingTeacherID); err != nil {
			return fmt.Errorf("read students: %w", err)
		}
		if err := fn(&st); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read students: %w", err)
	}
	return nil
}

// DatedRow is one dated record of a student in a fact stream. Date is
// "YYYY-MM-DD"; Status is the attendance status (absences), the class hours
// as text (home teaching) or empty (contacts). Both byte slices are only valid
// during the callback.
type DatedRow struct {
	SID    int64
	Date   []byte
	Status []byte
	Hours  int
}

// StreamAbsences calls fn for every absence (status absent, sick or leave)
// dated from..to inclusive, ordered by sid then date, in one streamed query.
func (s *Store) StreamAbsences(ctx context.Context, from, to string, fn func(*DatedRow) error) error {
	return s.streamDated(ctx, "read attendance", `SELECT sid, date, status, 0 FROM attendance
		WHERE date >= ? AND date <= ? AND status IN ('absent', 'sick', 'leave') ORDER BY sid, date`, from, to, fn)
}

// StreamContacts calls fn for every contact with a student's family dated
// from..to inclusive, ordered by sid then date.
func (s *Store) StreamContacts(ctx context.Context, from, to string, fn func(*DatedRow) error) error {
	return s.streamDated(ctx, "read contacts", `SELECT sid, date, '', 0 FROM contacts
		WHERE date >= ? AND date <= ? ORDER BY sid, date`, from, to, fn)
}

// StreamHomeTeaching calls fn for every home-teaching session dated from..to
// inclusive, ordered by sid then date, with its class hours in Hours.
func (s *Store) StreamHomeTeaching(ctx context.Context, from, to string, fn func(*DatedRow) error) error {
	return s.streamDated(ctx, "read home teaching", `SELECT sid, date, '', class_hours FROM home_teaching
		WHERE date >= ? AND date <= ? ORDER BY sid, date`, from, to, fn)
}

func (s *Store) streamDated(ctx context.Context, what, q, from, to string, fn func(*DatedRow) error) error {
	rows, err := s.DB.QueryContext(ctx, s.Rebind(q), from, to)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var r DatedRow
	var date, status sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&r.SID, &date, &status, &r.Hours); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		r.Date, r.Status = date, status
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// CalendarSpan is one row of the school calendar: From to To inclusive is a holiday or a (make-up) school day, for one school or, with SchoolID "", all.
type CalendarSpan struct {
	From     string `db:"from_date"`
	To       string `db:"to_date"`
	Kind     string `db:"kind"`
	SchoolID string `db:"school_id"`
	Note     string `db:"note"`
}

// CalendarSpans returns the whole calendar, ordered by school then start.
func (s *Store) CalendarSpans(ctx context.Context) ([]CalendarSpan, error) {
	var rows []CalendarSpan
	err := s.DB.SelectContext(ctx, &rows, `SELECT from_date, to_date, kind, school_id, note FROM calendar ORDER BY school_id, from_date`)
	if err != nil {
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	return rows, nil
}
