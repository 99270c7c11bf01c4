package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"baoxue/importer"
	"baoxue/store"
	"baoxue/store/storetest"
)

// TestReportsKind: reports rows record that a school reported a day, with
// the optional head counts (-1 when not given); a second import updates.
func TestReportsKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		sum := importOK(t, st, "reports", "reports.good.csv", opts())
		if sum.New != 3 {
			t.Fatalf("summary %+v, want 3 new", sum)
		}
		want := []string{"SCH01|2026-11-02|120|118|reports", "SCH01|2026-11-03|120|120|reports", "SCH02|2026-11-02|-1|-1|reports"}
		if got := dump(t, st, `SELECT school_id, date, expected, present, source FROM attendance_reports ORDER BY school_id, date`); !reflect.DeepEqual(got, want) {
			t.Fatalf("reports = %v, want %v", got, want)
		}
		if sum := importOK(t, st, "reports", "reports.good.csv", opts()); sum.Updated != 3 {
			t.Fatalf("re-import %+v, want 3 updated", sum)
		}
	})
}

// TestAttendanceRecordsReports: an attendance row of a student on a day is
// that student's school reporting the day; --reported makes a district-wide
// file cover every school for every day from its first date to its last.
func TestAttendanceRecordsReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		importOK(t, st, "attendance", "attendance.good.csv", opts())
		// attendance.good.csv: SCH02's student on 11-02 and 11-03, SCH01's on 11-02.
		want := []string{"SCH01|2026-11-02|attendance", "SCH02|2026-11-02|attendance", "SCH02|2026-11-03|attendance"}
		if got := dump(t, st, `SELECT school_id, date, source FROM attendance_reports ORDER BY school_id, date`); !reflect.DeepEqual(got, want) {
			t.Fatalf("reports after attendance = %v, want %v", got, want)
		}
		opt := opts()
		opt.Reported = true
		importOK(t, st, "attendance", "attendance.good.csv", opt)
		want = []string{"SCH01|2026-11-02|attendance", "SCH01|2026-11-03|district", "SCH02|2026-11-02|attendance", "SCH02|2026-11-03|attendance"}
		if got := dump(t, st, `SELECT school_id, date, source FROM attendance_reports ORDER BY school_id, date`); !reflect.DeepEqual(got, want) {
			t.Fatalf("reports after --reported = %v, want %v", got, want)
		}
	})
}

// TestReportedNeedsRows: --reported on a file without rows names no day and
// is refused; --reported with another KIND is an error.
func TestReportedNeedsRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		path := filepath.Join(t.TempDir(), "empty.csv")
		writeText(t, path, "学籍号,日期,考勤状态\n")
		opt := opts()
		opt.Reported = true
		bad := importBad(t, st, "attendance", path, opt)
		if !strings.Contains(bad.Error(), "--reported") {
			t.Errorf("error %q does not name --reported", bad.Error())
		}
		if _, err := importer.ImportFile(context.Background(), st, "schools", filepath.Join("testdata", "schools.good.csv"), opt); err == nil {
			t.Error("--reported with schools: no error")
		}
	})
}

func writeText(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLateFileOfTheOldSchool: a student who moved (the roster import of
// 11-27 put them in SCH01) still appears in their old school's late file;
// that row is dated before the move was recorded and reports the day for no
// school, so SCH01 is not credited with a day it never sent.
func TestLateFileOfTheOldSchool(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		importOK(t, st, "students", "students.moved.csv", opts()) // G…0015: SCH02 -> SCH01 on 11-27
		path := filepath.Join(t.TempDir(), "late.csv")
		writeText(t, path, "学籍号,日期,考勤状态\nG500234201105010015,2026-11-20,旷课\nG500234201105010015,2026-11-27,旷课\n")
		importAt(t, st, "attendance", path, opts())
		want := []string{"SCH01|2026-11-27|1"}
		if got := dump(t, st, `SELECT school_id, date, recorded FROM attendance_reports ORDER BY school_id, date`); !reflect.DeepEqual(got, want) {
			t.Fatalf("reports = %v, want only %v (11-20 is before the move)", got, want)
		}
	})
}

// TestDatesAfterToday: attendance and reports dated after the day of the
// import are typos, refused at their line; rule tests may allow them.
func TestDatesAfterToday(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		dir := t.TempDir()
		att := filepath.Join(dir, "att.csv")
		writeText(t, att, "学籍号,日期,考勤状态\nG500234201105010015,2026-11-27,旷课\nG500234201105010015,2026-12-31,旷课\n")
		bad := importBad(t, st, "attendance", att, opts())
		if !strings.Contains(en(bad), ":3: 日期: 2026-12-31 is after today (2026-11-27)") {
			t.Errorf("attendance error: %v", bad)
		}
		rep := filepath.Join(dir, "rep.csv")
		writeText(t, rep, "学校代码,日期\nSCH01,2027-11-27\n")
		bad = importBad(t, st, "reports", rep, opts())
		if !strings.Contains(en(bad), ":2: 日期: 2027-11-27 is after today") {
			t.Errorf("reports error: %v", bad)
		}
		for kind, text := range map[string]string{
			"contacts":      "学籍号,日期,教师工号\nG500234201105010015,2026-12-25,T01\n",
			"home-teaching": "学籍号,日期,教师工号,课时\nG500234201105010015,2027-01-15,T01,2\n",
		} {
			path := filepath.Join(dir, kind+".csv")
			writeText(t, path, text)
			if bad := importBad(t, st, kind, path, opts()); !strings.Contains(en(bad), ":2: 日期: ") || !strings.Contains(en(bad), "is after today (2026-11-27)") {
				t.Errorf("%s error: %v", kind, bad)
			}
		}
		empty := filepath.Join(dir, "empty.csv")
		writeText(t, empty, "学籍号,日期,考勤状态\n")
		future := opts()
		future.Reported, future.ReportedFrom, future.ReportedTo = true, "2026-11-27", "2026-12-04"
		if _, err := importer.ImportFile(context.Background(), st, "attendance", empty, future); err == nil ||
			!strings.Contains(english.Error(err), "--reported-dates: 2026-12-04 is after today (2026-11-27)") {
			t.Errorf("--reported-dates after today: %v", err)
		}
		if got := dump(t, st, `SELECT COUNT(*) FROM attendance_reports WHERE date > '2026-11-27'`); got[0] != "0" {
			t.Errorf("reports after today were written: %v", got)
		}
		opt := opts()
		opt.AllowFuture = true
		importAt(t, st, "attendance", att, opt)
	})
}

// TestReportedDates: --reported with named days reports a day without any
// absence in the district from a file without rows, says so in its
// summary, and refuses rows outside the days.
func TestReportedDates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		dir := t.TempDir()
		empty := filepath.Join(dir, "empty.csv")
		writeText(t, empty, "学籍号,日期,考勤状态\n")
		opt := opts()
		opt.Reported, opt.ReportedFrom, opt.ReportedTo = true, "2026-11-26", "2026-11-27"
		sum := importAt(t, st, "attendance", empty, opt)
		if got := sum.Localize(english); !strings.HasSuffix(got, "; every school (2) reported 2026-11-26 to 2026-11-27") {
			t.Errorf("summary %q", got)
		}
		if got := dump(t, st, `SELECT COUNT(*) FROM attendance_reports WHERE source = 'district'`); got[0] != "4" {
			t.Errorf("district reports = %v, want 4", got)
		}
		outside := filepath.Join(dir, "outside.csv")
		writeText(t, outside, "学籍号,日期,考勤状态\nG500234201105010015,2026-11-25,旷课\n")
		bad := importBad(t, st, "attendance", outside, opt)
		if !strings.Contains(en(bad), "2026-11-25 is outside --reported-dates 2026-11-26..2026-11-27") {
			t.Errorf("outside error: %v", bad)
		}
	})
}

// importAt imports the file at path and fails the test on any error.
func importAt(t *testing.T, st *store.Store, kind, path string, opt importer.Options) importer.Summary {
	t.Helper()
	sum, err := importer.ImportFile(context.Background(), st, kind, path, opt)
	if err != nil {
		t.Fatalf("import %s %s: %v", kind, path, err)
	}
	return sum
}

// TestRealColumnsNearKnownOnes: real columns one edit from a known header
// are ignored, never taken for it (休学日期 is when a suspension began, not
// the 复学日期 of a returned dropout), and a two-column header with a typo in
// each cell is the header, not a title line.
func TestRealColumnsNearKnownOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		dir := t.TempDir()
		stu := filepath.Join(dir, "stu.csv")
		writeText(t, stu, "学籍号,姓名,出生日期,学校代码,年级,休学日期,转学日期,nationality\nS9,王五,2012-01-01,SCH01,8,2026-09-01,,CN\n")
		sum := importAt(t, st, "students", stu, opts())
		if !reflect.DeepEqual(sum.Ignored, []string{"休学日期", "转学日期", "nationality"}) {
			t.Errorf("ignored = %v", sum.Ignored)
		}
		tea := filepath.Join(dir, "tea.csv")
		writeText(t, tea, "教师编号,姓名,学校代码,phone2,手机号2,企业微信名,钉钉名\nT9,赵老师,SCH01,1,2,3,4\n")
		importAt(t, st, "teachers", tea, opts())
		rep := filepath.Join(dir, "rep.csv")
		writeText(t, rep, "学校代玛,上报日其\nSCH01,2026-11-02\n")
		bad := importBad(t, st, "reports", rep, opts())
		if !strings.Contains(en(bad), `:1: 学校代玛: unknown column (did you mean "学校代码"?)`) {
			t.Errorf("typo header: %v", bad)
		}
	})
}
