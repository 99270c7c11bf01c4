package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// The ids InsertAlerts and InsertTasks return are the ids the rows got, in
// the order given, also after rows inserted by others with the column's
// own ids: the ids the rows would have taken one by one.
func TestInsertedIDsAreTheRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.RawExec(ctx, `INSERT INTO alerts (rule, sid, school_id, severity, opened_at, opened_run, last_notified_at)
			VALUES ('other', 9, 'S', 'low', '2026-03-01', 1, '2026-03-01')`); err != nil {
			t.Fatal(err)
		}
		var alerts, tasks [][]int64
		for day := range 2 {
			at := "2026-03-0" + string(rune('2'+day))
			err := st.InTx(ctx, func(tx *store.Tx) error {
				run, err := tx.InsertRun(ctx, &store.Run{Kind: "eval", StartedAt: store.FormatTime(time.Now()), At: at, RulesChecksum: "x"})
				if err != nil {
					return err
				}
				var as []store.NewAlert
				for sid := int64(3); sid > 0; sid-- {
					as = append(as, store.NewAlert{Rule: "r" + at, SID: sid, SchoolID: "S", Severity: "high"})
				}
				ids, err := tx.InsertAlerts(ctx, run, at, as)
				if err != nil {
					return err
				}
				ts := []store.NewTask{{SID: 2, SchoolID: "S", Kind: "home_visit", Assignee: "T" + at, Due: at},
					{SID: 1, SchoolID: "S", Kind: "home_visit", Assignee: "T" + at, Due: at}}
				tids, err := tx.InsertTasks(ctx, run, at, ts)
				if err != nil {
					return err
				}
				alerts, tasks = append(alerts, ids), append(tasks, tids)
				for i, a := range as {
					var id int64
					if err := tx.RawGet(ctx, &id, `SELECT id FROM alerts WHERE rule = ? AND sid = ?`, a.Rule, a.SID); err != nil {
						return err
					}
					if id != ids[i] {
						t.Errorf("%s: alert %d of student %d got id %d, InsertAlerts said %d", at, i, a.SID, id, ids[i])
					}
				}
				for i, tk := range ts {
					var id int64
					if err := tx.RawGet(ctx, &id, `SELECT id FROM tasks WHERE created_run = ? AND sid = ?`, run, tk.SID); err != nil {
						return err
					}
					if id != tids[i] {
						t.Errorf("%s: task %d of student %d got id %d, InsertTasks said %d", at, i, tk.SID, id, tids[i])
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// Another writer's row between the runs, with the column's own id.
			if err := st.RawExec(ctx, `INSERT INTO tasks (sid, school_id, kind, assignee, due, created_at)
				VALUES (7, 'S', 'home_visit', ?, '2026-03-09', 'x')`, "T9"+at); err != nil {
				t.Fatal(err)
			}
		}
		for _, ids := range [][]int64{alerts[0], alerts[1], tasks[0], tasks[1]} {
			if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
				t.Errorf("ids %v are not ascending", ids)
			}
		}
		if alerts[0][0] != 2 || alerts[1][0] != 5 || tasks[0][0] != 1 || tasks[1][0] != 4 {
			t.Errorf("ids %v and %v, want alerts from 2 and 5, tasks from 1 and 4 (the ids rows take one by one)", alerts, tasks)
		}
	})
}
