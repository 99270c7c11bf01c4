package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"baoxue/civil"
	"baoxue/store"
	"baoxue/store/storetest"
)

// TestUnauthorized: no token, a malformed one, an unknown one, an expired
// one and a revoked one are each 401 with a Bearer challenge and a
// Chinese message saying which; nothing of the route is answered.
func TestUnauthorized(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := newDistrict(t, st)
		ctx := context.Background()
		expired, err := CreateToken(ctx, st, TokenRequest{Teacher: "T1", Life: time.Hour, Actor: "cli:test",
			Now: testNow.Add(-2 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		revoked, err := CreateToken(ctx, st, TokenRequest{Teacher: "T1", Actor: "cli:test", Now: testNow.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := RevokeTokens(ctx, st, []int64{revoked.ID}, "cli:test", testNow.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		unknown, _, _ := newToken()
		for _, tc := range []struct {
			name, header, want string
			invalid            bool
		}{
			{"missing", "", "需要令牌", false},
			{"basic", "Basic " + d.tokens["T1"], "令牌格式不对", true},
			{"not a token", "Bearer hunter2", "令牌格式不对", true},
			{"cut short", "Bearer " + d.tokens["T1"][:20], "令牌格式不对", true},
			{"unknown", "Bearer " + unknown, "令牌无效", true},
			{"expired", "Bearer " + expired.Token, "已于 2026-03-11 09:00 过期", true},
			{"revoked", "Bearer " + revoked.Token, "已被吊销", true},
		} {
			for _, path := range []string{"/api/v1/tasks", "/api/v1/students/kS1", "/api/v1/nothing"} {
				req, _ := http.NewRequest(http.MethodGet, d.srv.URL+path, nil)
				if tc.header != "" {
					req.Header.Set("Authorization", tc.header)
				}
				a := d.do(req)
				if a.status != http.StatusUnauthorized || !strings.Contains(a.errText(), tc.want) {
					t.Errorf("%s %s: %d %s, want 401 and %q", tc.name, path, a.status, a.raw, tc.want)
				}
				ch := a.header.Get("WWW-Authenticate")
				if !strings.HasPrefix(ch, "Bearer ") || strings.Contains(ch, "invalid_token") != tc.invalid {
					t.Errorf("%s: WWW-Authenticate %q", tc.name, ch)
				}
			}
		}
		if a := d.as("T1", http.MethodGet, "/api/v1/tasks", ""); a.status != http.StatusOK {
			t.Fatalf("a valid token: %d %s", a.status, a.raw)
		}
		// A teacher no longer in the directory: 403.
		d.exec(`DELETE FROM teachers WHERE id = 'T4'`)
		if a := d.as("T4", http.MethodGet, "/api/v1/tasks", ""); a.status != http.StatusForbidden || !strings.Contains(a.errText(), "T4") {
			t.Errorf("token of a removed teacher: %d %s", a.status, a.raw)
		}
	})
}

// TestScopes: each role sees the tasks and students of its scope (SPEC
// §8), and what is outside it answers 404 exactly as what does not exist.
func TestScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := newDistrict(t, st)
		for _, tc := range []struct {
			who      string
			tasks    []string // open, most urgent first
			students []string // of kS1 kS2 kS3 kS4 kS5
		}{
			{"T1", []string{"1"}, []string{"kS1", "kS5"}},                              // homeroom of S1, paired with S5
			{"T2", []string{"2", "5"}, []string{"kS1", "kS2", "kS5"}},                  // task #5 is of S1
			{"T3", []string{"3"}, []string{"kS3"}},                                     //
			{"P1", []string{"1", "2", "5"}, []string{"kS1", "kS2", "kS5"}},             // SCH01
			{"P3", []string{"3"}, []string{"kS3"}},                                     // SCH03
			{"A1", []string{"1", "2", "4", "5"}, []string{"kS1", "kS2", "kS4", "kS5"}}, // C1: SCH01, SCH02
			{"D1", []string{"1", "2", "3", "4", "5"}, []string{"kS1", "kS2", "kS3", "kS4", "kS5"}},
			{"admin", []string{"1", "2", "3", "4", "5"}, []string{"kS1", "kS2", "kS3", "kS4", "kS5"}},
		} {
			a := d.as(tc.who, http.MethodGet, "/api/v1/tasks", "")
			if got := taskIDs(a); a.status != http.StatusOK || !slices.Equal(got, tc.tasks) {
				t.Errorf("%s: tasks %v (%d), want %v", tc.who, got, a.status, tc.tasks)
			}
			for _, key := range []string{"kS1", "kS2", "kS3", "kS4", "kS5"} {
				a := d.as(tc.who, http.MethodGet, "/api/v1/students/"+key, "")
				want := slices.Contains(tc.students, key)
				switch {
				case want && a.status != http.StatusOK:
					t.Errorf("%s reads %s: %d %s, want 200", tc.who, key, a.status, a.raw)
				case !want && (a.status != http.StatusNotFound || a.raw != `{"error":"没有这个学生：`+key+`"}`+"\n"):
					t.Errorf("%s reads %s: %d %s, want 404 as for no student", tc.who, key, a.status, a.raw)
				}
			}
			// Acknowledging a task outside the scope is 404, with the body of
			// a task that does not exist; nothing changes.
			for _, id := range []string{"1", "2", "3", "4", "5"} {
				if slices.Contains(tc.tasks, id) {
					continue
				}
				a := d.as(tc.who, http.MethodPost, "/api/v1/tasks/"+id+"/ack", "")
				if a.status != http.StatusNotFound || a.raw != `{"error":"没有编号为 `+id+` 的任务"}`+"\n" {
					t.Errorf("%s acks task %s: %d %s, want 404", tc.who, id, a.status, a.raw)
				}
			}
		}
		if a := d.as("D1", http.MethodPost, "/api/v1/tasks/999/ack", ""); a.raw != `{"error":"没有编号为 999 的任务"}`+"\n" {
			t.Errorf("a task that does not exist: %s", a.raw)
		}
		if n := d.count("tasks", "status = 'acked'"); n != 0 {
			t.Errorf("%d tasks acknowledged by requests outside their scope", n)
		}
		if n := d.count("audit", "action = 'change'"); n != 0 {
			t.Errorf("%d changes audited by requests outside their scope", n)
		}
		if n := d.count("audit", "action = 'read'"); n != 2+3+1+3+1+4+5+5 {
			t.Errorf("%d reads audited, want one per student read", n)
		}
	})
}

// TestListTasks: status, limit and after; the SPEC's fields; bad query
// values are 400.
func TestListTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := newDistrict(t, st)
		for query, want := range map[string][]string{
			"":                     {"1", "2", "3", "4", "5"},
			"?status=open":         {"1", "2", "3", "4", "5"},
			"?status=overdue":      {"1"},
			"?status=closed":       {"6"},
			"?status=all":          {"6", "1", "2", "3", "4", "5"},
			"?limit=2":             {"1", "2"},
			"?limit=2&after=2":     {"3", "4"},
			"?limit=2&after=4":     {"5"},
			"?status=all&after=1":  {"2", "3", "4", "5"},
			"?status=all&after=6":  {"1", "2", "3", "4", "5"},
			"?status=open&limit=5": {"1", "2", "3", "4", "5"},
		} {
			a := d.as("admin", http.MethodGet, "/api/v1/tasks"+query, "")
			if got := taskIDs(a); a.status != http.StatusOK || !slices.Equal(got, want) {
				t.Errorf("tasks%s: %v (%d %s), want %v", query, got, a.status, a.raw, want)
			}
			next, more := a.body["next_after"]
			if wantMore := query == "?limit=2" || query == "?limit=2&after=2"; more != wantMore {
				t.Errorf("tasks%s: next_after %v", query, next)
			}
		}
		if a := d.as("admin", http.MethodGet, "/api/v1/tasks?limit=2", ""); a.body["next_after"] != float64(2) {
			t.Errorf("next_after of the first page: %v", a.body["next_after"])
		}
		a := d.as("T1", http.MethodGet, "/api/v1/tasks", "")
		task := a.body["tasks"].([]any)[0].(map[string]any)
		for k, v := range map[string]any{"id": float64(1), "kind": "contact_guardian", "student_key": "kS1",
			"student_name": "张一", "class": "1班", "school": "SCH01", "school_name": "SCH01学校",
			"rule": "absence", "rule_name": "近期缺勤", "due": "2026-03-10", "status": "open", "overdue": true,
			"assignee": "T1", "assignee_name": "教师T1", "grade": float64(9)} {
			if task[k] != v {
				t.Errorf("task field %s = %v, want %v", k, task[k], v)
			}
		}
		for _, q := range []string{"?status=done", "?limit=0", "?limit=5001", "?limit=x", "?after=0", "?after=x",
			"?after=3", "?stauts=open", "?status=open&status=closed", "?limit=%zz"} {
			who := "T1" // after=3 is another's task: as if it did not exist
			if a := d.as(who, http.MethodGet, "/api/v1/tasks"+q, ""); a.status != http.StatusBadRequest {
				t.Errorf("tasks%s: %d %s, want 400", q, a.status, a.raw)
			}
		}
		if a := d.as("T1", http.MethodPost, "/api/v1/tasks", "{}"); a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "GET" {
			t.Errorf("POST /tasks: %d %v", a.status, a.header)
		}
		if a := d.as("T1", http.MethodGet, "/api/v1/tasks/1", ""); a.status != http.StatusNotFound {
			t.Errorf("GET /tasks/1: %d %s", a.status, a.raw)
		}
	})
}

// TestAckAndClose: ack, ack again, close, close again (409), ack a closed
// task (409), each change audited once with the token and the teacher,
// and the outcome and note kept.
func TestAckAndClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := newDistrict(t, st)
		actor := "token:" + strconv.FormatInt(d.ids["T1"], 10) + "/T1"
		a := d.as("T1", http.MethodPost, "/api/v1/tasks/1/ack", "")
		task, _ := a.body["task"].(map[string]any)
		if a.status != http.StatusOK || task["status"] != "acked" {
			t.Fatalf("ack: %d %s", a.status, a.raw)
		}
		if a := d.as("T1", http.MethodPost, "/api/v1/tasks/1/ack", "{}"); a.status != http.StatusOK || !strings.Contains(a.raw, `"status":"acked"`) {
			t.Fatalf("ack again: %d %s", a.status, a.raw)
		}
		if n := d.count("audit", "action = 'change' AND object = 'task:1' AND detail = 'ack' AND actor = ?", actor); n != 1 {
			t.Errorf("ack audited %d times, want once (the second changed nothing)", n)
		}
		// Listed as open still (acknowledged is open).
		if got := taskIDs(d.as("T1", http.MethodGet, "/api/v1/tasks?status=open", "")); !slices.Equal(got, []string{"1"}) {
			t.Errorf("open tasks after ack: %v", got)
		}
		a = d.as("T1", http.MethodPost, "/api/v1/tasks/1/close", `{"outcome":"reached_family","note":"家长说明天返校\r\n会再跟进"}`)
		task, _ = a.body["task"].(map[string]any)
		if a.status != http.StatusOK || task["status"] != "closed" || task["outcome"] != "reached_family" ||
			task["close_note"] != "家长说明天返校\n会再跟进" || task["closed_by"] != "T1" || task["closed"] == "" {
			t.Fatalf("close: %d %s", a.status, a.raw)
		}
		for _, path := range []string{"/api/v1/tasks/1/close", "/api/v1/tasks/1/ack"} {
			a := d.as("T1", http.MethodPost, path, `{"outcome":"home_visited"}`)
			if path == "/api/v1/tasks/1/ack" {
				a = d.as("T1", http.MethodPost, path, "")
			}
			if a.status != http.StatusConflict || !strings.Contains(a.errText(), "已于 2026-03-11 10:00 关闭（reached_family）") {
				t.Errorf("%s of a closed task: %d %s, want 409", path, a.status, a.raw)
			}
		}
		if n := d.count("tasks", "id = 1 AND outcome = 'reached_family' AND closed_by = 'T1'"); n != 1 {
			t.Errorf("the close did not stay as the first one wrote it")
		}
		if n := d.count("audit", "action = 'change' AND object = 'task:1' AND detail = 'close reached_family' AND actor = ?", actor); n != 1 {
			t.Errorf("close audited %d times, want once", n)
		}
		// A task closed by a run is 409 too.
		if a := d.as("T2", http.MethodPost, "/api/v1/tasks/6/close", `{"outcome":"paired"}`); a.status != http.StatusConflict {
			t.Errorf("close of a task a run closed: %d %s", a.status, a.raw)
		}
		// The principal closes a teacher's task of the school; an admin
		// token closes any, named by its token.
		if a := d.as("P1", http.MethodPost, "/api/v1/tasks/2/close", `{"outcome":"other","note":"转学手续办理中"}`); a.status != http.StatusOK ||
			!strings.Contains(a.raw, `"closed_by":"P1"`) {
			t.Errorf("principal closes: %d %s", a.status, a.raw)
		}
		admin := "token:" + strconv.FormatInt(d.ids["admin"], 10) + "/admin"
		if a := d.as("admin", http.MethodPost, "/api/v1/tasks/3/close", `{"outcome":"student_returned"}`); a.status != http.StatusOK ||
			!strings.Contains(a.raw, `"closed_by":"`+admin+`"`) {
			t.Errorf("admin closes: %d %s", a.status, a.raw)
		}
	})
}

// TestBadBodies: what a body may not be, each 400 (413 for size) with a
// message saying what is wrong, and nothing changed.
func TestBadBodies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := newDistrict(t, st)
		big := `{"outcome":"other","note":"` + strings.Repeat("很", MaxBody/3+10) + `"}`
		for _, tc := range []struct {
			path, body string
			status     int
			want       string
		}{
			{"/api/v1/tasks/1/close", "", 400, "请求体为空"},
			{"/api/v1/tasks/1/close", `{"outcome":"reached_family"`, 400, "不完整"},
			{"/api/v1/tasks/1/close", `{"outcome":reached_family}`, 400, "不是有效的 JSON"},
			{"/api/v1/tasks/1/close", `{"outcome":"reached_family","when":"today"}`, 400, `不认识的字段 "when"`},
			{"/api/v1/tasks/1/close", `{"outcome":7}`, 400, "字段 outcome 的值类型不对"},
			{"/api/v1/tasks/1/close", `["reached_family"]`, 400, "须是一个 JSON 对象"},
			{"/api/v1/tasks/1/close", `{"outcome":"reached_family"} {}`, 400, "之后还有内容"},
			{"/api/v1/tasks/1/close", `{"outcome":"resolved"}`, 400, `outcome "resolved" 不是以下之一`},
			{"/api/v1/tasks/1/close", `{"note":"x"}`, 400, "缺少字段 outcome"},
			{"/api/v1/tasks/1/close", `{"outcome":"other"}`, 400, "须在 note 中写明"},
			{"/api/v1/tasks/1/close", `{"outcome":"other","note":"a\u0000b"}`, 400, "控制字符"},
			{"/api/v1/tasks/1/close", `{"outcome":"other","note":"` + strings.Repeat("很", 501) + `"}`, 400, "501 个字，最多 500 个"},
			{"/api/v1/tasks/1/close", big, 413, "请求体太大"},
			{"/api/v1/tasks/1/ack", `{"note":"x"}`, 400, `不认识的字段 "note"`},
			{"/api/v1/contacts", `{"student_key":"kS1","channel":"fax"}`, 400, `channel "fax" 不是以下之一`},
			{"/api/v1/contacts", `{"student_key":"kS1"}`, 400, "缺少字段 channel"},
			{"/api/v1/contacts", `{"channel":"phone"}`, 400, "缺少字段 student_key"},
			{"/api/v1/contacts", `{"student_key":"kS1","channel":"phone","date":"2026-03-12"}`, 400, "在今天（2026-03-11）之后"},
			{"/api/v1/contacts", `{"student_key":"kS1","channel":"phone","date":"3/9"}`, 400, `date "3/9" 不是日期`},
			{"/api/v1/contacts", `{"student_key":"kS1","channel":"phone","outcome":"` + strings.Repeat("x", 501) + `"}`, 400, "字段 outcome 太长"},
		} {
			a := d.as("T1", http.MethodPost, tc.path, tc.body)
			if a.status != tc.status || !strings.Contains(a.errText(), tc.want) {
				t.Errorf("%s %.80s: %d %s, want %d and %q", tc.path, tc.body, a.status, a.raw, tc.status, tc.want)
			}
		}
		if n := d.count("tasks", "id = 1 AND status = 'open'"); n != 1 {
			t.Errorf("a refused request changed task 1")
		}
		if n := d.count("contacts", ""); n != 1 {
			t.Errorf("contacts = %d, want the 1 of the fixture", n)
		}
		if n := d.count("audit", "action = 'change'"); n != 0 {
			t.Errorf("%d refused changes audited", n)
		}
	})
}

// TestContacts: a contact recorded through the API is the caller's, with
// source api, dated today unless said; sent again it is the same (200), a
// different one for the same key is 409; a student outside the scope is
// 404 and an admin token 403. The store's read of contacts that
// contacts(n) counts sees it.
func TestContacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := newDistrict(t, st)
		body := `{"student_key":"kS1","channel":"visit","outcome":"见到家长","note":"孩子在家，明天返校"}`
		a := d.as("T1", http.MethodPost, "/api/v1/contacts", body)
		c, _ := a.body["contact"].(map[string]any)
		if a.status != http.StatusCreated || c["date"] != "2026-03-11" || c["teacher"] != "T1" || c["source"] != "api" ||
			c["channel"] != "visit" || c["student_key"] != "kS1" {
			t.Fatalf("contact: %d %s", a.status, a.raw)
		}
		if a := d.as("T1", http.MethodPost, "/api/v1/contacts", body); a.status != http.StatusOK || a.body["contact"].(map[string]any)["id"] != c["id"] {
			t.Errorf("the same contact again: %d %s, want 200 and the one recorded", a.status, a.raw)
		}
		if a := d.as("T1", http.MethodPost, "/api/v1/contacts", `{"student_key":"kS1","channel":"visit","outcome":"没见到"}`); a.status != http.StatusConflict {
			t.Errorf("another contact of the same key: %d %s, want 409", a.status, a.raw)
		}
		if a := d.as("T1", http.MethodPost, "/api/v1/contacts", `{"student_key":"kS1","channel":"phone","date":"2026-03-10"}`); a.status != http.StatusCreated {
			t.Errorf("a contact of yesterday: %d %s", a.status, a.raw)
		}
		if a := d.as("T1", http.MethodPost, "/api/v1/contacts", `{"student_key":"kS3","channel":"phone"}`); a.status != http.StatusNotFound ||
			a.raw != `{"error":"没有这个学生：kS3"}`+"\n" {
			t.Errorf("a student of another school: %d %s", a.status, a.raw)
		}
		if a := d.as("admin", http.MethodPost, "/api/v1/contacts", `{"student_key":"kS1","channel":"phone"}`); a.status != http.StatusForbidden {
			t.Errorf("an admin token: %d %s", a.status, a.raw)
		}
		if n := d.count("contacts", "source = 'api' AND teacher_id = 'T1'"); n != 2 {
			t.Errorf("contacts of the API = %d, want 2", n)
		}
		if n := d.count("audit", "action = 'change' AND object = 'student:kS1' AND detail LIKE 'contact %'"); n != 2 {
			t.Errorf("contacts audited %d times, want 2", n)
		}
		// What contacts(n) reads: the contacts marked the student's facts
		// stale, and the next evaluation builds them from the records.
		stale, err := st.StaleFacts(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		var dates []string
		stale.Each(func(_ int64, f store.Facts) {
			var l store.FactList
			for l.Reset(f.Contacts); ; {
				d, ok := l.Day()
				if !ok {
					break
				}
				if s := civil.Day(d).String(); s >= "2026-03-05" && s <= "2026-03-11" {
					dates = append(dates, s)
				}
			}
		})
		slices.Sort(dates)
		if !slices.Equal(dates, []string{"2026-03-09", "2026-03-10", "2026-03-11"}) {
			t.Errorf("contacts the engine reads: %v", dates)
		}
	})
}

// TestStudentDetails: what a teacher sees of a student, never the 学籍号
// or the national ID, even inside a message; the read is audited.
func TestStudentDetails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := newDistrict(t, st)
		a := d.as("T1", http.MethodGet, "/api/v1/students/kS1", "")
		if a.status != http.StatusOK {
			t.Fatalf("student: %d %s", a.status, a.raw)
		}
		for _, s := range []string{"500234201105010015", "201105010015", "2011-05-01", "national"} {
			if strings.Contains(a.raw, s) {
				t.Errorf("the student's answer shows %q: %s", s, a.raw)
			}
		}
		msg := a.body["student"].(map[string]any)["open_alerts"].([]any)[0].(map[string]any)["message"]
		if msg != "张一（G500234********0015）近14天缺勤2天" {
			t.Errorf("alert message: %v", msg)
		}
		s := a.body["student"].(map[string]any)
		for k, v := range map[string]any{"key": "kS1", "grade": float64(9), "class": "1班", "school": "SCH01",
			"status": "enrolled", "guardian_phone": "13900000000"} {
			if s[k] != v {
				t.Errorf("student field %s = %v, want %v", k, s[k], v)
			}
		}
		if g := s["groups"].(map[string]any); g["left_behind"] != float64(2) || g["poverty"] != "monitored" {
			t.Errorf("groups: %v", g)
		}
		if h := s["homeroom_teacher"].(map[string]any); h["id"] != "T1" || h["name"] != "教师T1" || s["pairing_teacher"] != nil {
			t.Errorf("teachers: %v %v", s["homeroom_teacher"], s["pairing_teacher"])
		}
		if ts := s["open_tasks"].([]any); len(ts) != 1 || ts[0].(map[string]any)["id"] != float64(1) {
			t.Errorf("open tasks T1 sees of S1: %v (task #5 is T2's)", ts)
		}
		if cs := s["recent_contacts"].([]any); len(cs) != 1 || cs[0].(map[string]any)["outcome"] != "家长说孩子生病" {
			t.Errorf("contacts: %v", cs)
		}
		if ab := s["recent_absences"].([]any); len(ab) != 2 || ab[0].(map[string]any)["status"] != "sick" {
			t.Errorf("absences: %v", ab)
		}
		for _, k := range []string{"id", "national_id", "birth_date", "student_id"} {
			if _, ok := s[k]; ok {
				t.Errorf("the student's answer has %q", k)
			}
		}
		actor := "token:" + strconv.FormatInt(d.ids["T1"], 10) + "/T1"
		if n := d.count("audit", "action = 'read' AND object = 'student:kS1' AND actor = ?", actor); n != 1 {
			t.Errorf("student read audited %d times, want once", n)
		}
		if n := d.count("audit", "action = 'read'"); n != 1 {
			t.Errorf("reads audited: %d", n)
		}
	})
}

// TestRequireAdmin: another route protected by an admin token: 401 with
// none, 403 for a teacher's or a district admin's token, through for an
// admin token, whose actor the route learns.
func TestRequireAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := newDistrict(t, st)
		var actor string
		mux := http.NewServeMux()
		mux.Handle("POST /-/reload", d.api.RequireAdmin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			actor, _ = ActorOf(r.Context())
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			w.Write([]byte(`{"ok":true}`))
		})))
		d.srv.Config.Handler = mux
		for who, want := range map[string]int{"": 401, "T1": 403, "D1": 403, "admin": 200} {
			req, _ := http.NewRequest(http.MethodPost, d.srv.URL+"/-/reload", nil)
			if who != "" {
				req.Header.Set("Authorization", "Bearer "+d.tokens[who])
			}
			a := d.do(req)
			if a.status != want {
				t.Errorf("%q: %d %s, want %d", who, a.status, a.raw, want)
			}
			if want == 403 && !strings.Contains(a.errText(), "需要管理员令牌") {
				t.Errorf("%q: %s", who, a.raw)
			}
		}
		if want := "token:" + strconv.FormatInt(d.ids["admin"], 10) + "/admin"; actor != want {
			t.Errorf("ActorOf = %q, want %q", actor, want)
		}
	})
}

// TestTokensStoredHashed: a token is bxt_ and 43 characters of base64,
// different every time; the database holds its SHA-256 and never the
// token; creation and revocation are audited; bad requests are refused.
func TestTokensStoredHashed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := newDistrict(t, st)
		ctx := context.Background()
		tok := d.tokens["T1"]
		if !strings.HasPrefix(tok, "bxt_") || len(tok) != 47 || tok == d.tokens["T2"] {
			t.Fatalf("token %q", tok)
		}
		var hashes []string
		if err := st.RawSelect(ctx, &hashes, `SELECT hash FROM tokens ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if hashes[0] != HashToken(tok) || len(hashes[0]) != 64 {
			t.Errorf("stored %q, want the SHA-256 of the token", hashes[0])
		}
		rows, err := st.RawQuery(ctx, `SELECT * FROM tokens`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			for _, v := range vals {
				for _, token := range d.tokens {
					if s, ok := v.(string); ok && strings.Contains(s, token[4:]) {
						t.Errorf("a token is stored: %v", vals)
					}
				}
			}
		}
		rows.Close()
		if n := d.count("audit", "action = 'token' AND actor = 'cli:test' AND detail LIKE 'create %'"); n != 9 {
			t.Errorf("token creations audited: %d, want 9", n)
		}
		for _, req := range []TokenRequest{
			{Actor: "cli:test", Now: testNow},                             // neither
			{Teacher: "T1", Admin: true, Actor: "cli:test", Now: testNow}, // both
			{Teacher: "T9", Actor: "cli:test", Now: testNow},              // not in the directory
			{Teacher: "T1", Life: 367 * 24 * time.Hour, Actor: "cli:test", Now: testNow},
			{Teacher: "T1", Life: -time.Hour, Actor: "cli:test", Now: testNow},
		} {
			if _, err := CreateToken(ctx, st, req); err == nil {
				t.Errorf("%+v: made a token", req)
			}
		}
		if _, err := RevokeTokens(ctx, st, []int64{d.ids["T1"], 999}, "cli:test", testNow); err == nil {
			t.Errorf("revoking an unknown token succeeded")
		}
		if a := d.as("T1", http.MethodGet, "/api/v1/tasks", ""); a.status != http.StatusOK {
			t.Errorf("a refused revocation revoked T1's token: %d", a.status)
		}
		done, err := RevokeTokens(ctx, st, []int64{d.ids["T1"], d.ids["T1"]}, "cli:test", testNow)
		if err != nil || len(done) != 2 || done[0].Already || !done[1].Already {
			t.Fatalf("revoke: %+v %v", done, err)
		}
		if n := d.count("audit", "action = 'token' AND detail = 'revoke'"); n != 1 {
			t.Errorf("revocations audited: %d, want 1", n)
		}
	})
}
