package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Report sources: how a store learnt that a school reported a day.
const (
	// ReportFromReports is a row of the reports KIND (每日考勤上报).
	ReportFromReports = "reports"
	// ReportFromAttendance is an attendance row of one of the school's
	// students on that day.
	ReportFromAttendance = "attendance"
	// ReportFromDistrict is a district-wide attendance file imported with
	// --reported: it covers every school for its dates.
	ReportFromDistrict = "district"
)

// AttendanceReport says that a school reported its attendance for a day.
// Expected and Present are the optional 应到 and 实到 counts, -1 when not
// given.
type AttendanceReport struct {
	SchoolID, Date    string
	Expected, Present int
}

// UpsertAttendanceReports records reports of the reports KIND; a report for
// a (school, date) that exists takes the new counts.
func (s *Store) UpsertAttendanceReports(ctx context.Context, tx *sqlx.Tx, rows []AttendanceReport) (Counts, error) {
	u := upsert{
		table:  "attendance_reports",
		key:    []string{"school_id", "date"},
		cols:   []string{"school_id", "date", "expected", "present", "source"},
		update: []string{"expected", "present", "source"},
	}
	return s.bulkUpsert(ctx, tx, u, len(rows), func(i int, d []any) {
		r := &rows[i]
		d[0], d[1], d[2], d[3], d[4] = r.SchoolID, r.Date, r.Expected, r.Present, ReportFromReports
	})
}

// ReportsFromAttendance records, for every attendance row dated from..to
// inclusive, that the student's school reported that day. Existing reports
// are kept as they are.
func (s *Store) ReportsFromAttendance(ctx context.Context, tx *sqlx.Tx, from, to string) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO attendance_reports (school_id, date, source)
		SELECT DISTINCT st.school_id, a.date, ? FROM attendance a JOIN students st ON st.sid = a.sid
		WHERE a.date >= ? AND a.date <= ?
		ON CONFLICT (school_id, date) DO NOTHING`), ReportFromAttendance, from, to)
	if err != nil {
		return fmt.Errorf("record attendance reports: %w", err)
	}
	return nil
}

// ReportAllSchools records that every school reported each of dates (a
// district-wide attendance file). Existing reports are kept as they are.
func (s *Store) ReportAllSchools(ctx context.Context, tx *sqlx.Tx, dates []string) error {
	q := tx.Rebind(`INSERT INTO attendance_reports (school_id, date, source)
		SELECT id, ?, ? FROM schools WHERE true ON CONFLICT (school_id, date) DO NOTHING`)
	for _, d := range dates {
		if _, err := tx.ExecContext(ctx, q, d, ReportFromDistrict); err != nil {
			return fmt.Errorf("record district-wide attendance reports: %w", err)
		}
	}
	return nil
}

// LatestReports returns, for every school, the latest date (YYYY-MM-DD) on
// or before at that it reported, "" when it reported none. One index lookup per school, so the
// cost follows the number of schools, not of reports.
func (s *Store) LatestReports(ctx context.Context, at string) (map[string]string, error) {
	rows, err := s.DB.QueryContext(ctx, s.Rebind(`SELECT sc.id,
		(SELECT MAX(r.date) FROM attendance_reports r WHERE r.school_id = sc.id AND r.date <= ?)
		FROM schools sc`), at)
	if err != nil {
		return nil, fmt.Errorf("read attendance reports: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var school string
		var last *string
		if err := rows.Scan(&school, &last); err != nil {
			return nil, fmt.Errorf("read attendance reports: %w", err)
		}
		out[school] = ""
		if last != nil {
			out[school] = *last
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read attendance reports: %w", err)
	}
	return out, nil
}
