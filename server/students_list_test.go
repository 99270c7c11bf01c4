package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

// entries are the students of a GET /students answer.
func entries(t *testing.T, a answer) []map[string]any {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("GET /students: %d %s", a.status, a.raw)
	}
	var out []map[string]any
	for _, s := range a.body["students"].([]any) {
		out = append(out, s.(map[string]any))
	}
	return out
}

// keysOf lists field key of each entry (or of each object of a list).
func keysOf(objs []map[string]any, key string) []string {
	var out []string
	for _, o := range objs {
		out = append(out, fmt.Sprint(o[key]))
	}
	return out
}

func objects(v any) []map[string]any {
	var out []map[string]any
	for _, o := range v.([]any) {
		out = append(out, o.(map[string]any))
	}
	return out
}

// studentsDistrict is the API's district with more alerts: S1 (张一) has a
// critical alert, the high one of the district and a low one inhibited by
// it; task #3 (of S3) is medium. The other tasks have no severity.
func studentsDistrict(t *testing.T, st *store.Store) *district {
	d := newDistrict(t, st)
	d.exec(`INSERT INTO alerts (rule, sid, school_id, severity, message, opened_at, opened_run, last_notified_at, inhibited_by)
		SELECT 'streak', sid, 'SCH01', 'critical', '', '2026-03-10', 1, '2026-03-10', '' FROM students WHERE key = 'kS1'`)
	d.exec(`INSERT INTO alerts (rule, sid, school_id, severity, message, opened_at, opened_run, last_notified_at, inhibited_by)
		SELECT 'late', sid, 'SCH01', 'low', '', '2026-03-10', 1, '', 'absence,streak' FROM students WHERE key = 'kS1'`)
	d.exec(`UPDATE tasks SET severity = 'medium' WHERE id = 3`)
	return d
}

// TestStudentsList: GET /api/v1/students lists each student of the
// caller's scope who has an open alert or an open task the caller sees,
// once, the most urgent first, with every open alert's rule (the most
// severe first) and those tasks; another teacher's student is not there.
func TestStudentsList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := studentsDistrict(t, st)
		for _, tc := range []struct {
			who      string
			students []string // in order
			tasks    []string // the tasks of each, ids joined by "+"
		}{
			{"T1", []string{"kS1"}, []string{"1"}}, // S5, paired with T1, has neither
			{"T2", []string{"kS1", "kS2"}, []string{"5", "2"}},
			{"T3", []string{"kS3"}, []string{"3"}},
			{"T4", []string{"kS4"}, []string{"4"}},
			{"P1", []string{"kS1", "kS2"}, []string{"1+5", "2"}},
			{"P3", []string{"kS3"}, []string{"3"}},
			{"A1", []string{"kS1", "kS2", "kS4"}, []string{"1+5", "2", "4"}},
			// kS3's medium task before the students of no severity, who
			// come by school: SCH01, SCH02.
			{"admin", []string{"kS1", "kS3", "kS2", "kS4"}, []string{"1+5", "3", "2", "4"}},
			{"D1", []string{"kS1", "kS3", "kS2", "kS4"}, []string{"1+5", "3", "2", "4"}},
		} {
			es := entries(t, d.as(tc.who, http.MethodGet, "/api/v1/students", ""))
			if got := keysOf(es, "key"); !slices.Equal(got, tc.students) {
				t.Errorf("%s: students %v, want %v", tc.who, got, tc.students)
				continue
			}
			for i, e := range es {
				if got := strings.Join(keysOf(objects(e["open_tasks"]), "id"), "+"); got != tc.tasks[i] {
					t.Errorf("%s: tasks of %s %s, want %s", tc.who, e["key"], got, tc.tasks[i])
				}
			}
		}

		// One entry: the name in full, as the API shows it to a teacher;
		// the highest severity; the rules most severe first, the
		// inhibited one with the rules inhibiting it; the tasks as /tasks
		// shows them.
		es := entries(t, d.as("P1", http.MethodGet, "/api/v1/students", ""))
		s1 := es[0]
		if s1["name"] != "张一" || s1["grade"] != float64(9) || s1["class"] != "1班" || s1["school"] != "SCH01" ||
			s1["school_name"] != "SCH01学校" || s1["center"] != "C1" || s1["severity"] != "critical" {
			t.Errorf("entry of S1: %v", s1)
		}
		rules := objects(s1["rules"])
		if got := keysOf(rules, "rule"); !slices.Equal(got, []string{"streak", "absence", "late"}) {
			t.Errorf("rules %v, want the most severe first", got)
		}
		if r := rules[1]; r["rule_name"] != "近期缺勤" || r["severity"] != "high" || r["since"] != "2026-03-09" ||
			fmt.Sprint(r["inhibited_by"]) != "[]" || r["alert"] == float64(0) {
			t.Errorf("rule absence: %v", r)
		}
		if got := fmt.Sprint(rules[2]["inhibited_by"]); got != "[absence streak]" {
			t.Errorf("inhibited rule: %v", rules[2])
		}
		tasks := d.as("P1", http.MethodGet, "/api/v1/tasks", "")
		first := objects(tasks.body["tasks"])[0]
		if got := objects(s1["open_tasks"])[0]; fmt.Sprint(got) != fmt.Sprint(first) {
			t.Errorf("a task of the list of students:\n%v\nas /tasks shows it:\n%v", got, first)
		}
		if strings.Contains(d.as("admin", http.MethodGet, "/api/v1/students", "").raw, "500234201105010015") {
			t.Error("an identity number in the list of students")
		}

		// Every read is audited, with how many students it showed: P1
		// read the list twice.
		actor := fmt.Sprintf("token:%d/P1", d.ids["P1"])
		if n := d.count("audit", "action = 'read' AND object = 'students' AND detail = 'list 2' AND actor = ?", actor); n != 2 {
			t.Errorf("the lists read by P1 audited %d times, want twice", n)
		}
	})
}

// TestStudentsPages: limit and after page through the list in its order;
// a bad limit or after is 400 and reads nothing.
func TestStudentsPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := studentsDistrict(t, st)
		all := keysOf(entries(t, d.as("admin", http.MethodGet, "/api/v1/students", "")), "key")
		for _, limit := range []int{1, 2, 3, 4} {
			var got []string
			after := ""
			for pages := 0; ; pages++ {
				if pages > len(all) {
					t.Fatalf("limit %d: the pages do not end", limit)
				}
				path := fmt.Sprintf("/api/v1/students?limit=%d", limit)
				if after != "" {
					path += "&after=" + after
				}
				a := d.as("admin", http.MethodGet, path, "")
				es := entries(t, a)
				if len(es) > limit {
					t.Fatalf("limit %d: a page of %d", limit, len(es))
				}
				got = append(got, keysOf(es, "key")...)
				next, _ := a.body["next_after"].(string)
				if next == "" {
					break
				}
				after = next
			}
			if !slices.Equal(got, all) {
				t.Errorf("limit %d: pages %v, want %v", limit, got, all)
			}
		}
		// A page continues after its cursor even when the student of the
		// cursor is no longer listed (their last task closed meanwhile).
		a := d.as("admin", http.MethodGet, "/api/v1/students?limit=2", "")
		next := a.body["next_after"].(string)
		d.exec(`UPDATE tasks SET status = 'closed' WHERE id = 3`)
		if got := keysOf(entries(t, d.as("admin", http.MethodGet, "/api/v1/students?after="+next, "")), "key"); !slices.Equal(got, []string{"kS2", "kS4"}) {
			t.Errorf("the page after %s: %v", next, got)
		}
		reads := d.count("audit", "object = 'students'")
		for _, q := range []string{"limit=0", "limit=5001", "limit=x", "after=", "after=kS1", "after=W10", "after=WzEsIiIsOSwiIiwiIl0",
			"status=open", "limit=1&limit=2"} {
			a := d.as("admin", http.MethodGet, "/api/v1/students?"+q, "")
			if a.status != http.StatusBadRequest {
				t.Errorf("%s: %d %s, want 400", q, a.status, a.raw)
			}
		}
		if a := d.as("admin", http.MethodGet, "/api/v1/students?after=kS1", ""); !strings.Contains(a.errText(), "next_after") {
			t.Errorf("a bad after: %s", a.raw)
		}
		if n := d.count("audit", "object = 'students'"); n != reads {
			t.Errorf("%d refused requests audited", n-reads)
		}
		if a := d.as("T1", http.MethodPost, "/api/v1/students", ""); a.status != http.StatusMethodNotAllowed {
			t.Errorf("POST /students: %d", a.status)
		}
	})
}
