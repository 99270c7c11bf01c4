package importer

import (
	"context"
	"strconv"
	"strings"
	"time"

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
	if rep.Expected >= 0 && rep.Present > rep.Expected {
		r.fail("present", "%d present is more than the %d expected", rep.Present, rep.Expected)
	}
	if r.bad || !once(r, b.seen, [2]string{rep.SchoolID, rep.Date}, "school_id", "school and date") {
		return
	}
	b.rows = push(b.rows, rep)
}

func (b *reportBatch) write(ctx context.Context) (result, error) {
	if err := b.e.writeImplicit(ctx); err != nil {
		return result{}, err
	}
	c, err := b.e.st.UpsertAttendanceReports(ctx, b.e.tx, b.rows)
	return result{Counts: c}, err
}

// count reads an optional head count: a whole number from 0, -1 when empty.
func (r *row) count(name string) int {
	v, _ := r.cell(name)
	if v == "" {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, ".0"))
	if err != nil || n < 0 {
		r.fail(name, "%q is not a head count (a whole number from 0)", v)
		return -1
	}
	return n
}

// recordReports records which schools reported which days, from the
// attendance rows just written (dated from..to), and with --reported for
// every school on every day from..to.
func recordReports(ctx context.Context, e *env, from, to string) error {
	if from == "" {
		return nil
	}
	if err := e.st.ReportsFromAttendance(ctx, e.tx, from, to); err != nil {
		return err
	}
	if !e.opt.Reported {
		return nil
	}
	days, err := daysBetween(from, to)
	if err != nil {
		return err
	}
	return e.st.ReportAllSchools(ctx, e.tx, days)
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
