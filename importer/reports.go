package importer

import (
	"context"
	"strconv"
	"strings"
	"time"

	"baoxue/i18n"
	"baoxue/inputerr"
	"baoxue/store"
)

// reportColumns are the columns of the reports KIND (每日考勤上报): a school
// says it reported its attendance for a day, optionally with how many
// students were expected (应到) and came (实到).
func reportColumns() []column {
	return []column{
		{name: "school_id", required: true, aliases: aliasSchoolID()},
		{name: "date", required: true, aliases: append([]string{"上报日期", "考勤日期"}, aliasDate()...)},
		{name: "expected", aliases: []string{"应到人数", "应到", "应出勤人数"}},
		{name: "present", aliases: []string{"实到人数", "实到", "实际出勤人数", "出勤人数"}},
	}
}

// reportBatch imports attendance reports (key: school + date).
type reportBatch struct {
	e    *env
	rows []store.AttendanceReport
	seen map[[2]string]int
}

func beginReports(ctx context.Context, e *env) (batch, error) {
	if err := e.loadSchools(ctx); err != nil {
		return nil, err
	}
	return &reportBatch{e: e, seen: make(map[[2]string]int)}, nil
}

func (b *reportBatch) add(r *row) {
	rep := store.AttendanceReport{SchoolID: r.need("school_id"), Date: r.date("date", true),
		Expected: r.count("expected"), Present: r.count("present")}
	b.e.school(r, "school_id", rep.SchoolID)
	b.e.notAfterToday(r, "date", rep.Date)
	if rep.Expected >= 0 && rep.Present > rep.Expected {
		r.fail("present", "import.reports.present", rep.Present, rep.Expected)
	}
	if r.bad || !once(r, b.seen, [2]string{rep.SchoolID, rep.Date}, "school_id", "import.key.school_date") {
		return
	}
	b.rows = push(b.rows, rep)
}

func (b *reportBatch) write(ctx context.Context) (result, error) {
	if err := b.e.writeImplicit(ctx); err != nil {
		return result{}, err
	}
	c, err := b.e.tx.UpsertAttendanceReports(ctx, b.rows)
	if err != nil || len(b.rows) == 0 {
		return result{Counts: c}, err
	}
	from, to := dateRange(len(b.rows), func(i int) string { return b.rows[i].Date })
	return result{Counts: c}, b.e.tx.RecountReports(ctx, from, to)
}

// dateRange returns the first and last of n dates.
func dateRange(n int, date func(int) string) (from, to string) {
	for i := 0; i < n; i++ {
		d := date(i)
		if from == "" || d < from {
			from = d
		}
		if d > to {
			to = d
		}
	}
	return from, to
}

// notAfterToday fails a date after the day of the import: attendance,
// reports, contacts and home-teaching sessions are of days that happened,
// and a typo such as 12-31 for 12-03 would otherwise mark a month as
// reported or a family as visited.
func (e *env) notAfterToday(r *row, col, date string) {
	if date != "" && date > e.today && !e.opt.AllowFuture {
		r.fail(col, "import.date.after_today", date, e.today)
	}
}

// count reads an optional head count: a whole number from 0, -1 when empty.
func (r *row) count(name string) int {
	v, _ := r.cell(name)
	if v == "" {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, ".0"))
	if err != nil || n < 0 {
		r.fail(name, "import.head_count", v)
		return -1
	}
	return n
}

// recordReports records which schools reported which days from the
// attendance rows just written (dated from..to), and with --reported for
// every school on every day of the range it covers; then it recounts the
// absences recorded for those days. It returns the range --reported
// covered and how many schools, or "" when it was not given.
func recordReports(ctx context.Context, e *env, from, to string) (covered [2]string, schools int, err error) {
	if e.opt.Reported {
		f, t := e.opt.ReportedFrom, e.opt.ReportedTo
		if f == "" {
			f, t = from, to
		}
		if t > e.today && !e.opt.AllowFuture {
			return covered, 0, inputerr.Error{Field: "--reported-dates", Msg: i18n.M("import.date.after_today", t, e.today)}
		}
		days, err := daysBetween(f, t)
		if err != nil {
			return covered, 0, err
		}
		if schools, err = e.tx.ReportAllSchools(ctx, days); err != nil {
			return covered, 0, err
		}
		covered = [2]string{f, t}
		from, to = minDate(from, f), max(to, t)
	}
	if from == "" {
		return covered, schools, nil
	}
	if err := e.tx.ReportsFromAttendance(ctx, from, to); err != nil {
		return covered, 0, err
	}
	return covered, schools, e.tx.RecountReports(ctx, from, to)
}

// minDate is the earlier of two dates, "" counting as none.
func minDate(a, b string) string {
	if a == "" || (b != "" && b < a) {
		return b
	}
	return a
}

// daysBetween lists the dates from..to inclusive (YYYY-MM-DD).
func daysBetween(from, to string) ([]string, error) {
	f, err := time.Parse(store.DateFormat, from)
	if err != nil {
		return nil, err
	}
	t, err := time.Parse(store.DateFormat, to)
	if err != nil {
		return nil, err
	}
	var out []string
	for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(store.DateFormat))
	}
	return out, nil
}
