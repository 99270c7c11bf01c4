package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

// moreListed adds to listed three students of SCH01 grade 9 and one of
// SCH00, each with an open alert: 赵四 (k0, 10班, r3 high, inhibited by r1:
// "10班" sorts before "3班" byte by byte), 钱五 (k5, SCH00, r3 medium), 孙六
// (k6, 3班, r3 critical) and 李七 (k7, 3班, r3 high: by name between 张一
// and 王三 of the same class, unlike their keys). It returns their alert
// ids by name.
func moreListed(t *testing.T, st *store.Store) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO schools (id, name, center, updated_at) VALUES ('SCH00', '零中', 'C1', 'x')`,
		`INSERT INTO students (sid, key, id, name, birth_date, school_id, grade, class, created_at, updated_at) VALUES
			(4, 'k0', 'S4', '赵四', '2011-05-01', 'SCH01', 9, '10班', 'x', 'x'),
			(5, 'k5', 'S5', '钱五', '2011-05-01', 'SCH00', 9, '3班', 'x', 'x'),
			(6, 'k6', 'S6', '孙六', '2011-05-01', 'SCH01', 9, '3班', 'x', 'x'),
			(7, 'k7', 'S7', '李七', '2011-05-01', 'SCH01', 9, '3班', 'x', 'x')`,
		`INSERT INTO alerts (rule, sid, school_id, severity, message, opened_at, opened_run, last_notified_at, inhibited_by) VALUES
			('r3', 4, 'SCH01', 'high', '', '2026-03-05', 2, '', 'r1'),
			('r3', 5, 'SCH00', 'medium', '', '2026-03-05', 2, '2026-03-05', ''),
			('r3', 6, 'SCH01', 'critical', '', '2026-03-05', 2, '2026-03-05', ''),
			('r3', 7, 'SCH01', 'high', '', '2026-03-05', 2, '2026-03-05', '')`,
	} {
		if err := st.RawExec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]int64{}
	for sid, name := range map[int]string{4: "赵四", 5: "钱五", 6: "孙六", 7: "李七"} {
		var id int64
		if err := st.RawGet(ctx, &id, `SELECT id FROM alerts WHERE sid = ?`, sid); err != nil {
			t.Fatal(err)
		}
		ids[name] = id
	}
	return ids
}

// TestStreamStudentAlerts: one group per student, the most severe first,
// then by school, grade, class, name (byte by byte) and key; in a group the
// alerts most severe first, then by rule, and the student's open tasks,
// whatever alert they follow; the same on both engines.
func TestStreamStudentAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ids := listed(t, st)
		for n, id := range moreListed(t, st) {
			ids[n] = id
		}
		letter := map[int64]string{}
		for l, id := range ids {
			letter[id] = l
		}
		list := func(f store.AlertFilter) string {
			t.Helper()
			var groups []string
			err := st.StreamStudentAlerts(ctx, f, func(g *store.StudentAlerts) error {
				s := g.Student.Key + ":" + g.Severity + ":"
				for _, a := range g.Alerts {
					s += letter[a.ID]
				}
				for _, tk := range g.Tasks {
					s += "+" + tk.Kind + "@" + tk.Due
				}
				groups = append(groups, s)
				return nil
			})
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			return strings.Join(groups, " ")
		}
		for _, tc := range []struct {
			name string
			f    store.AlertFilter
			want string
		}{
			// 张一 (k1): A high, D info; 王三 (k3): C high, E medium; 李二
			// (k2): B low, and their open pairing task.
			{"all", store.AlertFilter{},
				"k6:critical:孙六 k0:high:赵四 k1:high:AD+contact_guardian@2026-03-04 k7:high:李七 k3:high:CE+contact_guardian@2026-03-09 " +
					"k5:medium:钱五 k2:low:B+pairing@2026-03-03"},
			{"open", store.AlertFilter{State: store.AlertsOpen},
				"k6:critical:孙六 k0:high:赵四 k1:high:A+contact_guardian@2026-03-04 k7:high:李七 k5:medium:钱五 k3:medium:E+contact_guardian@2026-03-09"},
			// The groups are made of the selected alerts: 王三's group is
			// high for C, whose task is closed, and lists E's open task.
			{"rule r1", store.AlertFilter{Rule: "r1"}, "k1:high:A+contact_guardian@2026-03-04 k3:high:C+contact_guardian@2026-03-09"},
			{"center", store.AlertFilter{Center: "C2"}, "k2:low:B+pairing@2026-03-03"},
			{"nothing", store.AlertFilter{School: "SCH09"}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := list(tc.f); got != tc.want {
					t.Errorf("got\n%s\nwant\n%s", got, tc.want)
				}
			})
		}
		// A group carries the student as the roster has them, and each
		// alert as StreamAlerts lists it.
		var g store.StudentAlerts
		if err := st.StreamStudentAlerts(ctx, store.AlertFilter{State: store.AlertsOpen, Rule: "r1"}, func(x *store.StudentAlerts) error {
			g = *x
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var a store.AlertRow
		if err := st.StreamAlerts(ctx, store.AlertFilter{State: store.AlertsOpen, Rule: "r1"}, func(x *store.AlertRow) error {
			a = *x
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := store.StudentOf{SID: 1, Key: "k1", Name: "张一", Grade: 9, Class: "3班", SchoolID: "SCH01", SchoolName: "一中", Center: "C1"}
		if g.Student != want || len(g.Alerts) != 1 || g.Alerts[0] != a || len(g.Tasks) != 1 {
			t.Errorf("group %+v\nwant student %+v and alert %+v", g, want, a)
		}
		if tk := g.Tasks[0]; tk.Status != "open" || tk.Assignee != "T1" || tk.AssigneeName != "王老师" || tk.ID != a.TaskID {
			t.Errorf("open task %+v", tk)
		}
		stop := errors.New("stop")
		n := 0
		if err := st.StreamStudentAlerts(ctx, store.AlertFilter{}, func(*store.StudentAlerts) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Errorf("stopped stream: %d groups, %v", n, err)
		}
		if err := st.StreamStudentAlerts(ctx, store.AlertFilter{State: "gone"}, func(*store.StudentAlerts) error { return nil }); err == nil {
			t.Error("an unknown state was accepted")
		}
	})
}

// TestStreamStudentTasks: one group per student, the most severe task
// first, then by school, grade, class and key; in a group the tasks most
// urgent first, each with its reasons.
func TestStreamStudentTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ids := listed(t, st)
		// 王三's task is medium, so 王三 comes after 李二 of SCH02.
		if err := st.RawExec(ctx, `UPDATE tasks SET severity = 'medium' WHERE sid = 3`); err != nil {
			t.Fatal(err)
		}
		list := func(f store.TaskFilter) string {
			t.Helper()
			var groups []string
			err := st.StreamStudentTasks(ctx, f, func(g *store.StudentTasks) error {
				s := g.Student.Key + ":" + g.Severity + ":"
				for _, tk := range g.Tasks {
					s += fmt.Sprintf("[%s %s %d]", tk.Kind, tk.Due, len(tk.Reasons))
				}
				groups = append(groups, s)
				return nil
			})
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			return strings.Join(groups, " ")
		}
		for _, tc := range []struct {
			name string
			f    store.TaskFilter
			want string
		}{
			{"all", store.TaskFilter{}, "k1:high:[contact_guardian 2026-03-04 1] " +
				"k2:high:[pairing 2026-03-03 0][contact_guardian 2026-03-06 1] k3:medium:[contact_guardian 2026-03-09 1]"},
			{"open", store.TaskFilter{State: store.TasksOpen}, "k1:high:[contact_guardian 2026-03-04 1] " +
				"k2:high:[pairing 2026-03-03 0] k3:medium:[contact_guardian 2026-03-09 1]"},
			{"overdue", store.TaskFilter{State: store.TasksOverdue, At: "2026-03-04"}, "k1:high:[contact_guardian 2026-03-04 1] " +
				"k2:high:[pairing 2026-03-03 0]"},
			{"teacher", store.TaskFilter{Teacher: "T1"}, "k1:high:[contact_guardian 2026-03-04 1] k3:medium:[contact_guardian 2026-03-09 1]"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := list(tc.f); got != tc.want {
					t.Errorf("got\n%s\nwant\n%s", got, tc.want)
				}
			})
		}
		var g store.StudentTasks
		if err := st.StreamStudentTasks(ctx, store.TaskFilter{School: "SCH02", At: "2026-03-04"}, func(x *store.StudentTasks) error {
			g = *x
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := store.StudentOf{SID: 2, Key: "k2", Name: "李二", Grade: 8, Class: "1班", SchoolID: "SCH02", SchoolName: "二中", Center: "C2"}
		if g.Student != want || len(g.Tasks) != 2 || !g.Tasks[0].Overdue || g.Tasks[1].Reasons[0].AlertID != ids["B"] {
			t.Errorf("group %+v, want student %+v", g, want)
		}
		// A task of no student is a group of its own.
		if err := st.RawExec(ctx, `INSERT INTO tasks (sid, school_id, kind, rule, assignee, due, status, created_at, severity)
			VALUES (NULL, 'SCH02', 'ledger', '', 'T2', '2026-03-01', 'open', '2026-03-01', 'critical'),
			(NULL, 'SCH02', 'ledger', '', 'T2', '2026-03-02', 'open', '2026-03-01', 'critical')`); err != nil {
			t.Fatal(err)
		}
		if got := list(store.TaskFilter{State: store.TasksOpen, School: "SCH02"}); got !=
			":critical:[ledger 2026-03-01 0] :critical:[ledger 2026-03-02 0] k2:high:[pairing 2026-03-03 0]" {
			t.Errorf("tasks of no student: %s", got)
		}
		if err := st.StreamStudentTasks(ctx, store.TaskFilter{State: store.TasksOverdue}, func(*store.StudentTasks) error { return nil }); err == nil {
			t.Error("overdue without a day was accepted")
		}
	})
}
