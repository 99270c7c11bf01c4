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
