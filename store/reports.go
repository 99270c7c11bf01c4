package store

import (
	"context"
	"database/sql"
	"fmt"
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
func (tx *Tx) UpsertAttendanceReports(ctx context.Context, rows []AttendanceReport) (Counts, error) {
	u := upsert{
		table:  "attendance_reports",
		key:    []string{"school_id", "date"},
		cols:   []string{"school_id", "date", "expected", "present", "source"},
		update: []string{"expected", "present", "source"},
	}
	return tx.bulkUpsert(ctx, u, len(rows), func(i int, d []any) {
		r := &rows[i]
		d[0], d[1], d[2], d[3], d[4] = r.SchoolID, r.Date, r.Expected, r.Present, ReportFromReports
	})
}

// ReportsFromAttendance records, for every attendance row dated from..to
// inclusive, that the student's school reported that day, unless the row is
// dated before the student came to that school (students.school_since: it
// is the old school's late file). Existing reports are kept as they are.
func (s *queries) ReportsFromAttendance(ctx context.Context, from, to string) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO attendance_reports (school_id, date, source)
		SELECT DISTINCT st.school_id, a.date, ? FROM attendance a JOIN students st ON st.sid = a.sid
		WHERE a.date >= ? AND a.date <= ? AND a.date >= st.school_since
		ON CONFLICT (school_id, date) DO NOTHING`), ReportFromAttendance, from, to)
	if err != nil {
		return fmt.Errorf("record attendance reports: %w", err)
	}
	return nil
}

// ReportAllSchools records that every school reported each of dates (a
// district-wide attendance file) and returns how many schools there are.
// Existing reports are kept as they are.
func (tx *Tx) ReportAllSchools(ctx context.Context, dates []string) (int, error) {
	q := tx.rebind(`INSERT INTO attendance_reports (school_id, date, source)
		SELECT id, ?, ? FROM schools WHERE true ON CONFLICT (school_id, date) DO NOTHING`)
	for _, d := range dates {
		if _, err := tx.db.ExecContext(ctx, q, d, ReportFromDistrict); err != nil {
			return 0, fmt.Errorf("record district-wide attendance reports: %w", err)
		}
	}
	var n int
	if err := tx.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM schools`); err != nil {
		return 0, fmt.Errorf("record district-wide attendance reports: %w", err)
	}
	return n, nil
}

// RecountReports sets, for every report dated from..to inclusive, how many
// absence rows (absent, sick, leave) of the school's students the attendance
// table holds for its day. Every import of reports or attendance calls it
// for its dates, so a report's head counts can be checked against what was
// imported.
func (tx *Tx) RecountReports(ctx context.Context, from, to string) error {
	if _, err := tx.db.ExecContext(ctx, tx.rebind(`UPDATE attendance_reports SET recorded = 0 WHERE date >= ? AND date <= ?`), from, to); err != nil {
		return fmt.Errorf("count recorded absences: %w", err)
	}
	_, err := tx.db.ExecContext(ctx, tx.rebind(`UPDATE attendance_reports SET recorded = c.n
		FROM (SELECT st.school_id, a.date, COUNT(*) AS n FROM attendance a JOIN students st ON st.sid = a.sid
			WHERE a.date >= ? AND a.date <= ? AND a.date >= st.school_since AND a.status IN ('absent', 'sick', 'leave')
			GROUP BY st.school_id, a.date) c
		WHERE attendance_reports.school_id = c.school_id AND attendance_reports.date = c.date`), from, to)
	if err != nil {
		return fmt.Errorf("count recorded absences: %w", err)
	}
	return nil
}

// completeReport is the SQL condition of a report whose absences are all
// imported: no head counts, or at least as many absence rows as it says
// were absent. A report of 30 absent with none recorded is a day whose list
// has not arrived, not a day everyone came.
const completeReport = `(r.expected < 0 OR r.present < 0 OR r.recorded >= r.expected - r.present)`

// LatestReport is what a school has reported on or before a day.
type LatestReport struct {
	// Complete is the latest date whose report is complete, "" when none.
	Complete string
	// Latest is the latest date with any report, "" when none; when it is
	// later than Complete, Expected, Present and Recorded are its counts.
	Latest                      string
	Expected, Present, Recorded int
}

// LatestReports returns, for every school, its latest reports on or before
// at (YYYY-MM-DD). Index lookups per school, so the cost follows the number
// of schools, not of reports.
func (s *queries) LatestReports(ctx context.Context, at string) (map[string]LatestReport, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT sc.id,
		(SELECT MAX(r.date) FROM attendance_reports r WHERE r.school_id = sc.id AND r.date <= ? AND `+completeReport+`),
		l.date, l.expected, l.present, l.recorded
		FROM schools sc LEFT JOIN attendance_reports l ON l.school_id = sc.id
			AND l.date = (SELECT MAX(x.date) FROM attendance_reports x WHERE x.school_id = sc.id AND x.date <= ?)`), at, at)
	if err != nil {
		return nil, fmt.Errorf("read attendance reports: %w", err)
	}
	defer rows.Close()
	out := map[string]LatestReport{}
	for rows.Next() {
		var school string
		var complete, latest sql.NullString
		var expected, present, recorded sql.NullInt64
		if err := rows.Scan(&school, &complete, &latest, &expected, &present, &recorded); err != nil {
			return nil, fmt.Errorf("read attendance reports: %w", err)
		}
		out[school] = LatestReport{Complete: complete.String, Latest: latest.String,
			Expected: int(expected.Int64), Present: int(present.Int64), Recorded: int(recorded.Int64)}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read attendance reports: %w", err)
	}
	return out, nil
}

// CompleteReportBefore returns the latest date before before (YYYY-MM-DD)
// on which school has a complete report, "" when none.
func (s *queries) CompleteReportBefore(ctx context.Context, school, before string) (string, error) {
	var d sql.NullString
	err := s.db.GetContext(ctx, &d, s.rebind(`SELECT MAX(r.date) FROM attendance_reports r
		WHERE r.school_id = ? AND r.date < ? AND `+completeReport), school, before)
	if err != nil {
		return "", fmt.Errorf("read attendance reports of %s: %w", school, err)
	}
	return d.String, nil
}
