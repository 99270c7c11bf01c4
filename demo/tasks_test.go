package demo

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/importer"
	"baoxue/rules"
	"baoxue/store"
)

// TestDemoOneTaskPerStudentKindAndAssignee: on the demo district, after
// its run and after one on the next school day (tasks open from the first),
// no two open tasks share a student, a kind and an assignee; the alerts
// that asked for the same task are its reasons (some task has several);
// no open alert is a reason of two open tasks, and no inhibited one of
// any (SPEC §7); and no open task of an alert is left without an open
// reason.
func TestDemoOneTaskPerStudentKindAndAssignee(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the demo district takes seconds to build")
	}
	path := filepath.Join(t.TempDir(), "demo.db")
	ctx := context.Background()
	if err := Run(ctx, &bytes.Buffer{}, Options{Path: path}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	check := func(when string) {
		t.Helper()
		var n int
		for _, c := range []struct {
			what, q string
			want    func(int) bool
		}{
			{"open tasks sharing student, kind and assignee", `SELECT COUNT(*) FROM (SELECT sid, kind, assignee FROM tasks
				WHERE status IN ('open', 'acked') GROUP BY sid, kind, assignee HAVING COUNT(*) > 1) d`, func(n int) bool { return n == 0 }},
			{"open tasks with several reasons", `SELECT COUNT(*) FROM (SELECT r.task_id FROM task_reasons r
				JOIN tasks t ON t.id = r.task_id WHERE t.status IN ('open', 'acked') GROUP BY r.task_id HAVING COUNT(*) > 1) m`,
				func(n int) bool { return n > 0 }},
			{"open alerts that are reasons of two open tasks",
				`SELECT COUNT(*) FROM alerts a WHERE a.resolved_at IS NULL AND 1 < (SELECT COUNT(*) FROM task_reasons r
				JOIN tasks t ON t.id = r.task_id WHERE r.alert_id = a.id AND r.left_at = '' AND t.status IN ('open', 'acked'))`,
				func(n int) bool { return n == 0 }},
			{"inhibited alerts that are reasons of an open task", `SELECT COUNT(*) FROM alerts a JOIN task_reasons r ON r.alert_id = a.id
				JOIN tasks t ON t.id = r.task_id WHERE a.resolved_at IS NULL AND a.inhibited_by <> '' AND r.left_at = ''
				AND t.status IN ('open', 'acked')`, func(n int) bool { return n == 0 }},
			{"inhibited alerts", `SELECT COUNT(*) FROM alerts WHERE resolved_at IS NULL AND inhibited_by <> ''`,
				func(n int) bool { return n > 0 }},
			{"open tasks of an alert without an open reason", `SELECT COUNT(*) FROM tasks t WHERE t.status IN ('open', 'acked')
				AND t.alert_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM task_reasons r JOIN alerts a ON a.id = r.alert_id
				WHERE r.task_id = t.id AND a.resolved_at IS NULL AND r.left_at = '')`, func(n int) bool { return n == 0 }},
		} {
			if err := st.RawGet(ctx, &n, c.q); err != nil {
				t.Fatalf("%s: %v", c.what, err)
			}
			if !c.want(n) {
				t.Errorf("%s: %s: %d", when, c.what, n)
			}
		}
	}
	check("after the demo's run")
	set, err := rules.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	// Every school reports Monday 11-30 with nobody absent, as the
	// README's walkthrough does: streaks end, other alerts open.
	var schools []string
	if err := st.RawSelect(ctx, &schools, `SELECT id FROM schools ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	rows := make([][]string, len(schools))
	for i, id := range schools {
		rows[i] = []string{id, "2026-11-30"}
	}
	if _, err := importer.ImportRows(ctx, st, "reports", "reports.csv", []string{"school_id", "date"}, rows, nil,
		importer.Options{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	at, _ := civil.ParseDay("2026-11-30")
	res, err := engine.Evaluate(ctx, st, set, engine.Options{At: at})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Resolved) == 0 || res.TasksGrown == 0 {
		t.Errorf("the next school day: %d resolved, %d open tasks given reasons; want some of each", len(res.Resolved), res.TasksGrown)
	}
	check("the next school day")
}
