package engine_test

import (
	"context"
	"testing"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/importer"
	"baoxue/rules"
	"baoxue/store"
	"baoxue/store/storetest"
)

// TestHeadCountsWithoutTheList: a school's daily report (每日考勤上报) says 1
// of 2 students was absent on 03-11, but the absence list has not been
// imported: the day is not reported, nothing resolves, and the summary says
// why. When the list arrives the day counts.
func TestHeadCountsWithoutTheList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		imp := func(kind string, header []string, rows ...[]string) {
			t.Helper()
			if _, err := importer.ImportRows(ctx, st, kind, kind+".csv", header, rows, nil,
				importer.Options{ImplicitRefs: true, Actor: "test"}); err != nil {
				t.Fatalf("import %s: %v", kind, err)
			}
		}
		imp("students", []string{"id", "name", "birth_date", "school_id", "grade", "homeroom_teacher_id"},
			[]string{"S1", "张一", "2011-05-01", "SCH01", "9", "T1"}, []string{"S2", "张二", "2011-05-01", "SCH01", "9", "T1"})
		imp("attendance", []string{"student_id", "date", "status"},
			[]string{"S1", "2026-03-09", "absent"}, []string{"S1", "2026-03-10", "absent"})
		imp("reports", []string{"学校代码", "日期", "应到人数", "实到人数"},
			[]string{"SCH01", "2026-03-09", "2", "1"}, []string{"SCH01", "2026-03-10", "2", "1"}, []string{"SCH01", "2026-03-11", "2", "1"})
		set, err := rules.Compile(rules.File{Name: "r.yaml", Data: []byte(
			"rules:\n  - {id: grade9-absence, name: x, severity: high, when: student.grade == 9 && absences(14) >= 2}\n")})
		if err != nil {
			t.Fatal(err)
		}
		at, _ := civil.ParseDay("2026-03-11")
		res, err := engine.Evaluate(ctx, st, set, engine.Options{At: at, Force: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Unreported) != 1 || res.Unreported[0].ReportedThrough != "2026-03-10" ||
			res.Unreported[0].Incomplete == nil || *res.Unreported[0].Incomplete != (engine.Incomplete{Date: "2026-03-11", Expected: 2, Present: 1, Recorded: 0}) {
			t.Fatalf("unreported = %+v, want SCH01 through 03-10 with the incomplete 03-11 named", res.Unreported)
		}
		imp("attendance", []string{"student_id", "date", "status"}, []string{"S1", "2026-03-11", "absent"})
		res, err = engine.Evaluate(ctx, st, set, engine.Options{At: at})
		if err != nil {
			t.Fatalf("after the list: %v", err)
		}
		if len(res.Unreported) != 0 {
			t.Fatalf("after the list: unreported %+v", res.Unreported)
		}
	})
}
