package store_test

import (
	"context"
	"strings"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

// TestMigrateMergesDuplicateTasks: 0013, on a database as 0010-0012 left
// it (0011: tasks closed because their alert became inhibited, and a second
// task of an alert active again), gives every task of an alert its alert as
// a reason (one that 0011 closed as inhibited: a reason that left it), and
// merges the open tasks of one student, kind and
// assignee into the oldest: earliest due date, highest severity and
// escalation, acknowledged if one was, every reason; the others close as
// merged and name it. Nothing else changes, and nothing is deleted.
func TestMigrateMergesDuplicateTasks(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{
		{"sqlite", storetest.SQLiteUnmigrated},
		{"postgres", storetest.PostgresUnmigrated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st := tc.open(t)
			if _, err := st.MigrateTo(ctx, 12); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`INSERT INTO students (sid, key, id, name, birth_date, school_id, grade, class, created_at, updated_at) VALUES
					(1, 'k1', 'S1', '伍一', '2011-05-01', 'SCH01', 9, '3班', 'x', 'x'),
					(2, 'k2', 'S2', '伍二', '2011-05-01', 'SCH01', 9, '3班', 'x', 'x')`,
				`INSERT INTO alerts (id, rule, sid, school_id, severity, message, opened_at, opened_run, last_notified_at, resolved_at, outcome) VALUES
					(1, 'r1', 1, 'SCH01', 'high', '伍一缺勤', '2026-03-02', 1, '2026-03-02', NULL, ''),
					(2, 'r2', 1, 'SCH01', 'low', '', '2026-03-03', 2, '2026-03-03', NULL, ''),
					(3, 'r3', 1, 'SCH01', 'medium', '', '2026-03-03', 2, '2026-03-03', NULL, ''),
					(4, 'r1', 2, 'SCH01', 'high', '', '2026-03-03', 2, '2026-03-03', NULL, ''),
					(5, 'r2', 1, 'SCH01', 'low', '', '2026-02-02', 0, '2026-02-02', '2026-02-20', 'resolved')`,
				`INSERT INTO alerts (id, rule, sid, school_id, severity, message, opened_at, opened_run, last_notified_at, resolved_at,
					outcome, inhibited_by) VALUES
					(6, 'r4', 2, 'SCH01', 'medium', '', '2026-03-02', 1, '2026-03-02', NULL, '', 'r9'),
					(7, 'r5', 2, 'SCH01', 'medium', '', '2026-03-02', 1, '2026-03-05', NULL, '', '')`,
				`INSERT INTO tasks (id, alert_id, sid, school_id, kind, rule, assignee, due, status, outcome, created_at, created_run,
					acked_at, closed_at, escalation) VALUES
					(1, 1, 1, 'SCH01', 'contact_guardian', 'r1', 'T1', '2026-03-06', 'open', '', '2026-03-02', 1, NULL, NULL, 0),
					(2, 2, 1, 'SCH01', 'contact_guardian', 'r2', 'T1', '2026-03-04', 'acked', '', '2026-03-03', 2, '2026-03-03T09:00:00.000000Z', NULL, 1),
					(3, 3, 1, 'SCH01', 'contact_guardian', 'r3', 'T2', '2026-03-05', 'open', '', '2026-03-03', 2, NULL, NULL, 0),
					(4, 5, 1, 'SCH01', 'contact_guardian', 'r2', 'T1', '2026-02-04', 'closed', 'resolved', '2026-02-02', 0, NULL, '2026-02-20T11:00:00.000000Z', 0),
					(5, NULL, 1, 'SCH01', 'pairing', 'r1', 'T1', '2026-03-09', 'open', '', '2026-03-02', 1, NULL, NULL, 0),
					(6, 4, 2, 'SCH01', 'contact_guardian', 'r1', 'T1', '2026-03-05', 'open', '', '2026-03-03', 2, NULL, NULL, 0),
					(7, 6, 2, 'SCH01', 'home_visit', 'r4', 'T1', '2026-03-04', 'closed', 'inhibited', '2026-03-02', 1, NULL, '2026-03-04T10:00:00.000000Z', 0),
					(8, 7, 2, 'SCH01', 'home_visit', 'r5', 'T2', '2026-03-04', 'closed', 'inhibited', '2026-03-02', 1, NULL, '2026-03-04T10:00:00.000000Z', 0),
					(9, 7, 2, 'SCH01', 'home_visit', 'r5', 'T2', '2026-03-09', 'open', '', '2026-03-05', 4, NULL, NULL, 0)`,
				`INSERT INTO escalations (task_id, level, at, run_id) VALUES (2, 1, '2026-03-04', 3)`,
			} {
				if err := st.RawExec(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			dump := func(q string) string {
				t.Helper()
				rows, err := st.RawQuery(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				cols, _ := rows.Columns()
				var lines []string
				for rows.Next() {
					vals := make([]string, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					if err := rows.Scan(ptrs...); err != nil {
						t.Fatal(err)
					}
					lines = append(lines, strings.Join(vals, "|"))
				}
				return strings.Join(lines, "\n")
			}
			for _, c := range []struct{ what, q, want string }{
				{"tasks", `SELECT id, status, outcome, due, severity, escalation, COALESCE(merged_into, 0),
					COALESCE(acked_at, ''), CASE WHEN closed_at IS NULL THEN 'open' ELSE 'closed' END FROM tasks ORDER BY id`,
					"1|acked||2026-03-04|high|1|0|2026-03-03T09:00:00.000000Z|open\n" +
						"2|closed|merged|2026-03-04|low|1|1|2026-03-03T09:00:00.000000Z|closed\n" +
						"3|open||2026-03-05|medium|0|0||open\n" +
						"4|closed|resolved|2026-02-04|low|0|0||closed\n" +
						"5|open||2026-03-09|high|0|0||open\n" +
						"6|open||2026-03-05|high|0|0||open\n" +
						"7|closed|inhibited|2026-03-04|medium|0|0||closed\n" +
						"8|closed|inhibited|2026-03-04|medium|0|0||closed\n" +
						"9|open||2026-03-09|medium|0|0||open"},
				{"reasons", `SELECT task_id, alert_id, rule, severity, since, message, added_at, added_run, left_at FROM task_reasons
					ORDER BY task_id, alert_id`,
					"1|1|r1|high|2026-03-02|伍一缺勤|2026-03-02|1|\n1|2|r2|low|2026-03-03||2026-03-03|2|\n" +
						"3|3|r3|medium|2026-03-03||2026-03-03|2|\n4|5|r2|low|2026-02-02||2026-02-02|0|\n" +
						"6|4|r1|high|2026-03-03||2026-03-03|2|\n7|6|r4|medium|2026-03-02||2026-03-02|1|2026-03-04\n" +
						"8|7|r5|medium|2026-03-02||2026-03-02|1|2026-03-04\n9|7|r5|medium|2026-03-02||2026-03-05|4|"},
				{"escalations", `SELECT task_id, level, at, run_id FROM escalations ORDER BY task_id, level`,
					"1|1|2026-03-04|3\n2|1|2026-03-04|3"},
			} {
				if got := dump(c.q); got != c.want {
					t.Errorf("%s:\n%s\nwant\n%s", c.what, got, c.want)
				}
			}
			// The lifecycle reads alert 6 (inhibited) as having left task 7,
			// and alert 7 (active again) as a reason of its open task 9.
			as, err := st.OpenAlerts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				switch {
				case a.ID == 6 && (a.TaskID.Int64 != 7 || !a.TaskLeft || a.TaskOpen()):
					t.Errorf("alert 6: task %d left %v open %v, want task 7 left", a.TaskID.Int64, a.TaskLeft, a.TaskOpen())
				case a.ID == 7 && (a.TaskID.Int64 != 9 || a.TaskLeft || !a.TaskOpen()):
					t.Errorf("alert 7: task %d left %v open %v, want task 9 open", a.TaskID.Int64, a.TaskLeft, a.TaskOpen())
				}
			}
			// No second open task of one student, kind and assignee.
			if err := st.RawExec(ctx, `INSERT INTO tasks (id, sid, school_id, kind, assignee, due, created_at)
				VALUES (99, 1, 'SCH01', 'contact_guardian', 'T1', '2026-03-10', 'x')`); err == nil {
				t.Error("a second open task of one student, kind and assignee was stored")
			}
			if err := st.RawExec(ctx, `INSERT INTO tasks (id, sid, school_id, kind, assignee, due, created_at)
				VALUES (99, 1, 'SCH01', 'contact_guardian', 'T3', '2026-03-10', 'x')`); err != nil {
				t.Errorf("another assignee's task: %v", err)
			}
		})
	}
}
