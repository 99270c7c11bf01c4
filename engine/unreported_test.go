package engine

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"baoxue/i18n"
	"baoxue/store"
	"baoxue/store/storetest"
)

// TestUnreportedSchoolChangesNothing is a small city: four schools in two
// centers. At 2026-03-24 SCH02 has reported only through 03-10 and SCH04
// not since 02-27 (outside a 20-day lookback): their students' alerts stay
// open while the reporting schools' resolve, the schools are named in the
// result, the JSON lines and the center admin's digest, and a T that no
// school has reported is refused.
func TestUnreportedSchoolChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := seed{t, st}
		for _, sc := range []struct{ id, center string }{{"SCH01", "C1"}, {"SCH02", "C1"}, {"SCH03", "C2"}, {"SCH04", "C2"}} {
			s.unreportedSchool(sc.id, sc.center)
			s.teacher("T"+sc.id, sc.id, sc.center, "teacher")
			sid := s.student("S"+sc.id, sc.id, 9, "T"+sc.id)
			s.absent(sid, "absent", "2026-02-26", "2026-02-27", "2026-03-09", "2026-03-10")
		}
		s.teacher("A1", "", "C1", "center_admin")
		s.reported("SCH01", "2026-02-16", "2026-03-24")
		s.reported("SCH02", "2026-02-16", "2026-03-10")
		s.reported("SCH03", "2026-02-16", "2026-03-24")
		s.reported("SCH04", "2026-02-16", "2026-02-27")
		set := compile(t, lifecycleRules)
		run := func(at string, opt Options) (*Result, error) {
			opt.At, opt.Lookback = day(t, at), 20
			return Evaluate(ctx, st, set, opt)
		}

		// 02-27: every school has reported; all four fire.
		res, err := run("2026-02-27", Options{})
		if err != nil {
			t.Fatalf("02-27: %v", err)
		}
		if len(res.Alerts) != 4 || len(res.Unreported) != 0 {
			t.Fatalf("02-27: alerts %+v, unreported %+v", res.Alerts, res.Unreported)
		}

		// 03-24: SCH01 and SCH03 were present 03-11..03-24 and resolve.
		// SCH02 is evaluated as of 03-10 (still firing: no change); SCH04
		// is not evaluated at all (its alert stays open).
		res, err = run("2026-03-24", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := studentsOf(res.Resolved); !reflect.DeepEqual(got, []string{"SSCH01", "SSCH03"}) {
			t.Errorf("resolved = %v, want SSCH01 and SSCH03", got)
		}
		if len(res.Alerts) != 1 || res.Alerts[0].Line.Student != "SSCH02" || res.Alerts[0].Line.New {
			t.Errorf("alerts = %+v, want SSCH02's alert, still open and not new", res.Alerts)
		}
		want := []Unreported{
			{Type: "unreported", School: "SCH02", Name: "SCH02学校", Center: "C1", Students: 1,
				ReportedThrough: "2026-03-10", Since: "2026-03-11", Evaluated: true},
			{Type: "unreported", School: "SCH04", Name: "SCH04学校", Center: "C2", Students: 1,
				ReportedThrough: "2026-02-27", Since: "2026-03-02"},
		}
		for i := range res.Unreported {
			res.Unreported[i].admins = nil
		}
		if !reflect.DeepEqual(res.Unreported, want) {
			t.Errorf("unreported =\n%+v\nwant\n%+v", res.Unreported, want)
		}
		if res.Students != 3 || res.NotEvaluated != 1 {
			t.Errorf("students %d evaluated, %d not; want 3 and 1", res.Students, res.NotEvaluated)
		}
		if n := s.count("alerts", "resolved_at IS NULL"); n != 2 {
			t.Errorf("open alerts = %d, want 2 (SCH02's and SCH04's)", n)
		}
		// SCH02's line of `eval --json` (report.WriteJSON encodes it so).
		line, err := json.Marshal(&res.Unreported[0])
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"type":"unreported","school":"SCH02","name":"SCH02学校","center":"C1","students":1,"reported_through":"2026-03-10","since":"2026-03-11","evaluated":true}`; string(line) != want {
			t.Errorf("unreported line\n%s\nwant\n%s", line, want)
		}
		var payload string
		if err := st.RawGet(ctx, &payload, `SELECT payload FROM outbox WHERE recipient = 'A1' AND run_id = ?`, res.RunID); err != nil {
			t.Fatalf("no digest for the center admin: %v", err)
		}
		if !strings.Contains(payload, `"unreported":[{"school":"SCH02","name":"SCH02学校","students":1,"reported_through":"2026-03-10","since":"2026-03-11","evaluated":true}]`) {
			t.Errorf("center admin's digest lacks SCH02 (and must not name C2's SCH04): %s", payload)
		}

		// 03-25: nobody has reported it. A writing run is refused and
		// writes nothing; a dry run and a forced run go ahead.
		runs := s.count("runs", "")
		_, err = run("2026-03-25", Options{})
		if !errors.Is(err, ErrNotReported) || !strings.Contains(err.Error(), "考勤未上报：没有任何学校上报 2026-03-25 的考勤（各校上报的最近一天是 2026-03-24）") {
			t.Fatalf("03-25 not reported by anyone: err = %v, want ErrNotReported naming the latest report", err)
		}
		if en := i18n.NewPrinter(i18n.English).Error(err); !strings.Contains(en,
			"attendance not reported: no school has reported its attendance for 2026-03-25 (the latest day any school reported is 2026-03-24)") {
			t.Errorf("in English: %s", en)
		}
		if n := s.count("runs", ""); n != runs {
			t.Errorf("a refused run recorded a run")
		}
		if _, err := run("2026-03-25", Options{DryRun: true}); err != nil {
			t.Errorf("dry run: %v", err)
		}
		res, err = run("2026-03-25", Options{Force: true})
		if err != nil {
			t.Fatalf("forced run: %v", err)
		}
		if len(res.Unreported) != 4 || len(res.Resolved) != 0 {
			t.Fatalf("forced run: unreported %+v, resolved %+v", res.Unreported, res.Resolved)
		}
	})
}

// A report on a day that is not a school day, and a T that is not one,
// count as they should: reported Friday means current on Saturday.
func TestReportedThroughWeekend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.unreportedSchool("SCH01", "C1")
		s.student("S1", "SCH01", 9, "")
		s.reported("SCH01", "2026-03-09", "2026-03-13") // Monday to Friday
		res, err := Evaluate(context.Background(), st, compile(t, lifecycleRules), Options{At: day(t, "2026-03-15")})
		if err != nil {
			t.Fatalf("Sunday after a reported Friday: %v", err)
		}
		if len(res.Unreported) != 0 {
			t.Fatalf("Sunday after a reported Friday: unreported %+v", res.Unreported)
		}
	})
}

func studentsOf(ls []ResolvedLine) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Student)
	}
	return out
}

// A report on a day that is not one of the school's school days says
// nothing about its school days: reported through Wednesday plus a Sunday
// report is reported through Wednesday, and a streak of Monday to
// Wednesday does not resolve as if Thursday and Friday were present.
func TestReportOnNonSchoolDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.unreportedSchool("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		sid := s.student("S1", "SCH01", 9, "T1")
		s.absent(sid, "absent", "2026-03-09", "2026-03-10", "2026-03-11")
		s.reported("SCH01", "2026-03-02", "2026-03-11")
		evalAt(t, st, lifecycleRules, "2026-03-11", false)
		s.reported("SCH01", "2026-03-15", "2026-03-15") // a Sunday
		res, err := Evaluate(context.Background(), st, compile(t, lifecycleRules), Options{At: day(t, "2026-03-15"), Force: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Resolved) != 0 || len(res.Unreported) != 1 || res.Unreported[0].ReportedThrough != "2026-03-11" {
			t.Fatalf("resolved %+v, unreported %+v; want nothing resolved, SCH01 reported through 03-11", res.Resolved, res.Unreported)
		}
	})
}

// A dry run says when the writing run it previews would be refused.
func TestDryRunSaysWhatWouldBeRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		grade9Absent(t, st)
		evalAt(t, st, lifecycleRules, "2026-03-17", false)
		for at, want := range map[string]string{
			"2026-03-10": "写入运行会被拒绝：评估日期早于最近一次运行的日期：本次评估日期为 2026-03-10，最近一次运行为 2026-03-17",
			"2026-05-04": "没有任何学校上报 2026-05-04 的考勤：写入运行会被拒绝",
		} {
			res := evalAt(t, st, lifecycleRules, at, true)
			if got := warnings(i18n.Default(), res); !strings.Contains(got, want) {
				t.Errorf("dry run at %s: warnings %q, want %q", at, got, want)
			}
		}
		// In English on request.
		res := evalAt(t, st, lifecycleRules, "2026-03-10", true)
		if got, want := warnings(i18n.NewPrinter(i18n.English), res),
			"a writing run would be refused: evaluation date is earlier than the latest run: 2026-03-10 is before 2026-03-17 (use --force to run anyway)"; !strings.Contains(got, want) {
			t.Errorf("English warnings %q, want %q", got, want)
		}
	})
}

// warnings renders the warnings of res in p's language, one per line.
func warnings(p *i18n.Printer, res *Result) string {
	lines := make([]string, len(res.Warnings))
	for i, w := range res.Warnings {
		lines[i] = p.Text(w)
	}
	return strings.Join(lines, "\n")
}
