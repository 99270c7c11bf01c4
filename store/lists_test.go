package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// listed is a district after two runs, for the streaming reads of
// alerts, tasks and runs:
//
//	run 1 at 03-02 opens A (r1, 张一, SCH01), B (r2, 李二, SCH02),
//	  C (r1, 王三, SCH01) and D (old, 张一, SCH01); tasks for A (T1, due
//	  03-04) and B (T2, due 03-06), and a pairing task of 李二 (T2, due 03-03)
//	run 2 at 03-05 (forced) resolves C, ends B (李二 transferred),
//	  retires D and opens E (r2, 王三, SCH01) with a task (T1, due 03-09).
//
// It returns the alert ids by letter.
func listed(t *testing.T, st *store.Store) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC)
	for _, q := range []string{
		`INSERT INTO schools (id, name, center, updated_at) VALUES ('SCH01', '一中', 'C1', 'x'), ('SCH02', '二中', 'C2', 'x')`,
		`INSERT INTO teachers (id, name, school_id, updated_at) VALUES ('T1', '王老师', 'SCH01', 'x'), ('T2', '李老师', 'SCH02', 'x')`,
		`INSERT INTO students (sid, key, id, name, birth_date, school_id, grade, class, created_at, updated_at) VALUES
			(1, 'k1', 'S1', '张一', '2011-05-01', 'SCH01', 9, '3班', 'x', 'x'),
			(2, 'k2', 'S2', '李二', '2011-05-01', 'SCH02', 8, '1班', 'x', 'x'),
			(3, 'k3', 'S3', '王三', '2011-05-01', 'SCH01', 9, '3班', 'x', 'x')`,
	} {
		if err := st.RawExec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]int64{}
	var tasks []int64 // of the first run: A's, B's, a pairing task
	run := func(at string, forced bool, fn func(tx *store.Tx, run int64) error) {
		t.Helper()
		err := st.InTx(ctx, func(tx *store.Tx) error {
			id, err := tx.InsertRun(ctx, &store.Run{Kind: "eval", StartedAt: store.FormatTime(now), At: at,
				RulesChecksum: "abc123", Students: 3, AlertsNew: 4, Forced: forced})
			if err != nil {
				return err
			}
			return fn(tx, id)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	task := func(alert string, sid int64, school, teacher, due string) store.NewTask {
		tk := store.NewTask{SID: sid, SchoolID: school, Kind: "contact_guardian", Rule: "r1", Assignee: teacher, Due: due,
			Severity: "high"}
		if alert != "" {
			tk.AlertID = sql.NullInt64{Int64: ids[alert], Valid: true}
			tk.Reasons = []store.NewReason{{AlertID: ids[alert], Rule: "r1", Severity: "high", Since: "2026-03-02", Message: "张一 缺勤"}}
		} else {
			tk.Kind, tk.Rule = "pairing", ""
		}
		return tk
	}
	open := func(tx *store.Tx, runID int64, at string, as map[string]store.NewAlert) error {
		var list []store.NewAlert
		for _, a := range as {
			list = append(list, a)
		}
		// Alerts get ids in the order they are given: A before B.
		slices.SortFunc(list, func(a, b store.NewAlert) int { return int(a.SID - b.SID) })
		got, err := tx.InsertAlerts(ctx, runID, at, list)
		if err != nil {
			return err
		}
		for l, a := range as {
			ids[l] = got[slices.Index(list, a)]
		}
		return nil
	}
	run("2026-03-02", false, func(tx *store.Tx, id int64) error {
		if err := open(tx, id, "2026-03-02", map[string]store.NewAlert{
			"A": {Rule: "r1", SID: 1, SchoolID: "SCH01", Severity: "high", Message: "张一 缺勤"},
			"B": {Rule: "r2", SID: 2, SchoolID: "SCH02", Severity: "low"},
			"C": {Rule: "r1", SID: 3, SchoolID: "SCH01", Severity: "high"},
		}); err != nil {
			return err
		}
		if err := open(tx, id, "2026-03-02", map[string]store.NewAlert{"D": {Rule: "old", SID: 1, SchoolID: "SCH01", Severity: "info"}}); err != nil {
			return err
		}
		var err error
		tasks, err = tx.InsertTasks(ctx, id, "2026-03-02", []store.NewTask{task("A", 1, "SCH01", "T1", "2026-03-04"),
			task("B", 2, "SCH02", "T2", "2026-03-06"), task("", 2, "SCH02", "T2", "2026-03-03")})
		return err
	})
	run("2026-03-05", true, func(tx *store.Tx, id int64) error {
		stamp := "2026-03-05T11:00:00.000000Z"
		for _, end := range []struct {
			outcome, alert string
		}{{"resolved", "C"}, {"student_transferred", "B"}, {"rule_retired", "D"}} {
			if err := tx.ResolveAlerts(ctx, id, "2026-03-05", end.outcome, []int64{ids[end.alert]}); err != nil {
				return err
			}
		}
		if err := tx.CloseTasks(ctx, stamp, "student_transferred",
			[]int64{tasks[1]}); err != nil {
			return err
		}
		if err := open(tx, id, "2026-03-05", map[string]store.NewAlert{"E": {Rule: "r2", SID: 3, SchoolID: "SCH01", Severity: "medium"}}); err != nil {
			return err
		}
		_, err := tx.InsertTasks(ctx, id, "2026-03-05", []store.NewTask{task("E", 3, "SCH01", "T1", "2026-03-09")})
		return err
	})
	if len(ids) != 5 || ids["A"] >= ids["B"] || ids["C"] >= ids["D"] {
		t.Fatalf("alert ids %v", ids)
	}
	return ids
}

func TestStreamAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ids := listed(t, st)
		letter := map[int64]string{}
		for l, id := range ids {
			letter[id] = l
		}
		list := func(f store.AlertFilter) string {
			t.Helper()
			got := ""
			err := st.StreamAlerts(ctx, f, func(a *store.AlertRow) error {
				got += letter[a.ID]
				return nil
			})
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			return got
		}
		for _, tc := range []struct {
			name string
			f    store.AlertFilter
			want string
		}{
			{"all, newest first", store.AlertFilter{}, "EDCBA"},
			{"open", store.AlertFilter{State: store.AlertsOpen}, "EA"},
			{"resolved, a student who left among them", store.AlertFilter{State: store.AlertsResolved}, "CB"},
			{"retired", store.AlertFilter{State: store.AlertsRetired}, "D"},
			{"school", store.AlertFilter{School: "SCH01"}, "EDCA"},
			{"center", store.AlertFilter{Center: "C2"}, "B"},
			{"rule", store.AlertFilter{Rule: "r1"}, "CA"},
			{"opened or ended since", store.AlertFilter{Since: "2026-03-05"}, "EDCB"},
			{"since a day after everything", store.AlertFilter{Since: "2026-03-06"}, ""},
			{"open, school and rule", store.AlertFilter{State: store.AlertsOpen, School: "SCH01", Rule: "r1"}, "A"},
			{"open since", store.AlertFilter{State: store.AlertsOpen, Since: "2026-03-03"}, "E"},
			{"resolved in a center", store.AlertFilter{State: store.AlertsResolved, Center: "C1"}, "C"},
			{"no such school", store.AlertFilter{School: "SCH09"}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := list(tc.f); got != tc.want {
					t.Errorf("got %q, want %q", got, tc.want)
				}
			})
		}
		// A row carries its student, school and task; an ended one its
		// outcome.
		rows := map[string]store.AlertRow{}
		if err := st.StreamAlerts(ctx, store.AlertFilter{}, func(a *store.AlertRow) error {
			rows[letter[a.ID]] = *a
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		a := rows["A"]
		want := store.AlertRow{ID: ids["A"], Rule: "r1", Severity: "high", OpenedAt: "2026-03-02", LastNotifiedAt: "2026-03-02",
			Notifications: 1, StudentKey: "k1", StudentName: "张一", Grade: 9, Class: "3班", SchoolID: "SCH01", SchoolName: "一中",
			Center: "C1", TaskID: a.TaskID, TaskKind: "contact_guardian", TaskStatus: "open", TaskDue: "2026-03-04",
			Assignee: "T1", AssigneeName: "王老师"}
		if a != want || a.TaskID == 0 || a.State() != store.AlertsOpen {
			t.Errorf("alert A:\n%+v\nwant\n%+v", a, want)
		}
		if b := rows["B"]; b.EndedAt != "2026-03-05" || b.Outcome != "student_transferred" || b.TaskStatus != "closed" || b.State() != store.AlertsResolved {
			t.Errorf("alert B: %+v", b)
		}
		if d := rows["D"]; d.Outcome != "rule_retired" || d.TaskID != 0 || d.Assignee != "" || d.State() != store.AlertsRetired {
			t.Errorf("alert D: %+v", d)
		}
		// An error from fn stops the stream and comes back as it is.
		stop := errors.New("stop")
		n := 0
		err := st.StreamAlerts(ctx, store.AlertFilter{}, func(*store.AlertRow) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("stopped stream: %d rows, %v", n, err)
		}
		if err := st.StreamAlerts(ctx, store.AlertFilter{State: "gone"}, func(*store.AlertRow) error { return nil }); err == nil {
			t.Error("an unknown state was accepted")
		}
	})
}

func TestStreamTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ids := listed(t, st)
		list := func(f store.TaskFilter) string {
			t.Helper()
			got := ""
			err := st.StreamTasks(ctx, f, func(tk *store.TaskRow) error {
				name := "P" // the pairing task
				for l, id := range ids {
					if id == tk.AlertID {
						name = l
					}
				}
				if tk.Overdue {
					name += "!"
				}
				got += name
				return nil
			})
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			return got
		}
		for _, tc := range []struct {
			name string
			f    store.TaskFilter
			want string
		}{
			{"all, by due date", store.TaskFilter{}, "PABE"},
			{"overdue marked at a day", store.TaskFilter{At: "2026-03-04"}, "P!A!BE"},
			{"open", store.TaskFilter{State: store.TasksOpen, At: "2026-03-03"}, "P!AE"},
			{"overdue: due on or before the day", store.TaskFilter{State: store.TasksOverdue, At: "2026-03-04"}, "P!A!"},
			{"closed", store.TaskFilter{State: store.TasksClosed, At: "2026-03-10"}, "B"},
			{"teacher", store.TaskFilter{Teacher: "T1"}, "AE"},
			{"school", store.TaskFilter{School: "SCH02"}, "PB"},
			{"overdue of a teacher", store.TaskFilter{State: store.TasksOverdue, Teacher: "T1", At: "2026-03-10"}, "A!E!"},
			{"open of a school and a teacher", store.TaskFilter{State: store.TasksOpen, School: "SCH01", Teacher: "T2"}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := list(tc.f); got != tc.want {
					t.Errorf("got %q, want %q", got, tc.want)
				}
			})
		}
		var rows []store.TaskRow
		if err := st.StreamTasks(ctx, store.TaskFilter{}, func(tk *store.TaskRow) error {
			rows = append(rows, *tk)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		b := rows[2]
		want := store.TaskRow{ID: b.ID, AlertID: ids["B"], Kind: "contact_guardian", Rule: "r1", Severity: "high", Status: "closed",
			Outcome: "student_transferred", Due: "2026-03-06", CreatedAt: "2026-03-02", ClosedAt: "2026-03-05T11:00:00.000000Z",
			StudentKey: "k2", StudentName: "李二", Grade: 8, Class: "1班", SchoolID: "SCH02", SchoolName: "二中",
			Assignee: "T2", AssigneeName: "李老师", Reasons: []store.TaskReasonRow{{AlertID: ids["B"], Rule: "r1", Severity: "high",
				Since: "2026-03-02", Message: "张一 缺勤", Ended: "2026-03-05", Outcome: "student_transferred"}}}
		if !reflect.DeepEqual(b, want) {
			t.Errorf("task of B:\n%+v\nwant\n%+v", b, want)
		}
		if p := rows[0]; p.AlertID != 0 || p.Kind != "pairing" || p.Status != "open" {
			t.Errorf("pairing task: %+v", p)
		}
		if err := st.StreamTasks(ctx, store.TaskFilter{State: store.TasksOverdue}, func(*store.TaskRow) error { return nil }); err == nil {
			t.Error("overdue without a day was accepted")
		}
	})
}

func TestStreamRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		listed(t, st)
		list := func(limit int) []store.Run {
			t.Helper()
			var rs []store.Run
			if err := st.StreamRuns(ctx, limit, func(r *store.Run) error {
				rs = append(rs, *r)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return rs
		}
		all := list(0)
		if len(all) != 2 || all[0].At != "2026-03-05" || !all[0].Forced || all[1].At != "2026-03-02" || all[1].Forced {
			t.Fatalf("runs, latest first: %+v", all)
		}
		r := all[0]
		if r.Kind != "eval" || r.RulesChecksum != "abc123" || r.Students != 3 || r.AlertsNew != 4 || r.FinishedAt.Valid {
			t.Errorf("run: %+v", r)
		}
		if got := list(1); len(got) != 1 || got[0].ID != all[0].ID {
			t.Errorf("limit 1: %+v", got)
		}
		if got := fmt.Sprint(len(list(-1))); got != "2" {
			t.Errorf("a negative limit gave %s runs, want all", got)
		}
	})
}
