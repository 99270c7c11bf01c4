package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"baoxue/i18n"
	"baoxue/store"
)

// testNow is the API's clock in the tests: Wednesday 2026-03-11, 10:00 in
// Shanghai.
var testNow = time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC)

func shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

const stamp = "2026-01-01T00:00:00.000000Z"

// district is the fixture the API tests share, on one store:
//
//	center C1: SCH01 (principal P1; teachers T1, T2), SCH02 (teacher T4)
//	center C2: SCH03 (principal P3; teacher T3)
//	A1 center admin of C1, D1 district admin
//
// Students (key k + id): S1 (SCH01, homeroom T1, identity numbers in its
// 学籍号 and national ID), S2 (SCH01, homeroom T2), S5 (SCH01, homeroom T2,
// paired with T1), S3 (SCH03, homeroom T3), S4 (SCH02, homeroom T4).
// Tasks: #1 S1→T1 due 03-10, #2 S2→T2 due 03-12, #3 S3→T3 due 03-12, #4
// S4→T4 due 03-13, #5 S1→T2 due 03-20, #6 S2→T2 closed.
type district struct {
	t      *testing.T
	st     *store.Store
	srv    *httptest.Server
	api    *API
	tokens map[string]string // by teacher id, and "admin"
	ids    map[string]int64  // token ids, the same way
}

func (d *district) exec(q string, args ...any) {
	d.t.Helper()
	if err := d.st.RawExec(context.Background(), q, args...); err != nil {
		d.t.Fatalf("%s: %v", q, err)
	}
}

func (d *district) count(table, where string, args ...any) int {
	d.t.Helper()
	var n int
	q := "SELECT COUNT(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	if err := d.st.RawGet(context.Background(), &n, q, args...); err != nil {
		d.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (d *district) school(id, center string) {
	d.exec(`INSERT INTO schools (id, name, center, updated_at) VALUES (?, ?, ?, ?)`, id, id+"学校", center, stamp)
}

func (d *district) teacher(id, school, center, role string) {
	d.exec(`INSERT INTO teachers (id, name, school_id, center, role, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, "教师"+id, school, center, role, stamp)
}

// student inserts an enrolled grade 9 student and returns their sid.
func (d *district) student(id, school, homeroom, pairing string) int64 {
	d.t.Helper()
	d.exec(`INSERT INTO students (key, id, name, birth_date, school_id, grade, class, homeroom_teacher_id,
		pairing_teacher_id, guardian_phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 9, '1班', ?, ?, '13900000000', ?, ?)`,
		"k"+id, id, "学生"+id, "2011-05-01", school, homeroom, pairing, stamp, stamp)
	var sid int64
	if err := d.st.RawGet(context.Background(), &sid, `SELECT sid FROM students WHERE id = ?`, id); err != nil {
		d.t.Fatal(err)
	}
	return sid
}

func (d *district) task(sid int64, school, assignee, due, status string) {
	d.exec(`INSERT INTO tasks (sid, school_id, kind, rule, assignee, due, status, created_at) VALUES (?, ?, 'contact_guardian', 'absence', ?, ?, ?, '2026-03-09')`,
		sid, school, assignee, due, status)
}

// newDistrict seeds the fixture on st, makes a token for every teacher
// and an admin token, and serves the API on a loopback listener.
func newDistrict(t *testing.T, st *store.Store) *district {
	t.Helper()
	d := &district{t: t, st: st, tokens: map[string]string{}, ids: map[string]int64{}}
	d.school("SCH01", "C1")
	d.school("SCH02", "C1")
	d.school("SCH03", "C2")
	for _, tc := range [][4]string{{"T1", "SCH01", "", "teacher"}, {"T2", "SCH01", "", "teacher"},
		{"T3", "SCH03", "", "teacher"}, {"T4", "SCH02", "", "teacher"}, {"P1", "SCH01", "", "principal"},
		{"P3", "SCH03", "", "principal"}, {"A1", "", "C1", "center_admin"}, {"D1", "", "", "district_admin"}} {
		d.teacher(tc[0], tc[1], tc[2], tc[3])
	}
	s1 := d.student("G500234201105010015", "SCH01", "T1", "")
	d.exec(`UPDATE students SET key = 'kS1', name = '张一', national_id = '500234201105010015', left_behind = 2, poverty = 'monitored' WHERE sid = ?`, s1)
	s2 := d.student("S2", "SCH01", "T2", "")
	s3 := d.student("S3", "SCH03", "T3", "")
	s4 := d.student("S4", "SCH02", "T4", "")
	d.student("S5", "SCH01", "T2", "T1")
	d.task(s1, "SCH01", "T1", "2026-03-10", "open")
	d.task(s2, "SCH01", "T2", "2026-03-12", "open")
	d.task(s3, "SCH03", "T3", "2026-03-12", "open")
	d.task(s4, "SCH02", "T4", "2026-03-13", "open")
	d.task(s1, "SCH01", "T2", "2026-03-20", "open")
	d.task(s2, "SCH01", "T2", "2026-03-05", "closed")
	d.exec(`UPDATE tasks SET outcome = 'resolved', closed_at = '2026-03-06T11:00:00.000000Z' WHERE status = 'closed'`)
	d.exec(`INSERT INTO alerts (rule, sid, school_id, severity, message, opened_at, opened_run, last_notified_at)
		VALUES ('absence', ?, 'SCH01', 'high', '张一（G500234201105010015）近14天缺勤2天', '2026-03-09', 1, '2026-03-09')`, s1)
	d.exec(`INSERT INTO attendance (sid, date, status, note) VALUES (?, '2026-03-09', 'absent', ''), (?, '2026-03-10', 'sick', '发烧')`, s1, s1)
	d.exec(`INSERT INTO contacts (sid, date, teacher_id, channel, outcome, note, source, created_at)
		VALUES (?, '2026-03-09', 'T1', 'phone', '家长说孩子生病', '', 'import', ?)`, s1, stamp)

	d.serve("T1", "T2", "T3", "T4", "P1", "P3", "A1", "D1", "admin")
	return d
}

// serve makes a token for each of who (a teacher's id, or "admin" for an
// admin token) and serves the API on a loopback listener.
func (d *district) serve(who ...string) {
	t := d.t
	t.Helper()
	ctx := context.Background()
	for _, who := range who {
		req := TokenRequest{Teacher: who, Life: 30 * 24 * time.Hour, Actor: "cli:test", Now: testNow.Add(-time.Hour)}
		if who == "admin" {
			req = TokenRequest{Admin: true, Actor: "cli:test", Now: testNow.Add(-time.Hour)}
		}
		c, err := CreateToken(ctx, d.st, req)
		if err != nil {
			t.Fatalf("token for %s: %v", who, err)
		}
		d.tokens[who], d.ids[who] = c.Token, c.ID
	}
	d.api = New(d.st, Options{Location: shanghai(t), Printer: i18n.NewPrinter(i18n.Chinese), Now: func() time.Time { return testNow },
		RuleName: func(id string) string {
			if id == "absence" {
				return "近期缺勤"
			}
			return ""
		}})
	mux := http.NewServeMux()
	mux.Handle(Prefix, d.api)
	d.srv = httptest.NewServer(mux)
	t.Cleanup(d.srv.Close)
}

// answer is one HTTP answer of the API.
type answer struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// errText is the answer's "error".
func (a answer) errText() string {
	s, _ := a.body["error"].(string)
	return s
}

// call sends method path with body (none when "") and the bearer token
// (none when ""), and reads the JSON answer; every answer must be JSON
// that no one caches.
func (d *district) call(token, method, path, body string) answer {
	d.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, d.srv.URL+path, rd)
	if err != nil {
		d.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return d.do(req)
}

func (d *district) do(req *http.Request) answer {
	d.t.Helper()
	resp, err := d.srv.Client().Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		d.t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		d.t.Errorf("%s %s: Content-Type %q", req.Method, req.URL.Path, ct)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		d.t.Errorf("%s %s: Cache-Control %q", req.Method, req.URL.Path, cc)
	}
	if err := json.Unmarshal(b, &a.body); err != nil {
		d.t.Fatalf("%s %s: not a JSON object: %q", req.Method, req.URL.Path, b)
	}
	if a.status >= 400 && a.errText() == "" {
		d.t.Errorf("%s %s: %d without an error message: %s", req.Method, req.URL.Path, a.status, b)
	}
	return a
}

// as calls as teacher who (a key of d.tokens).
func (d *district) as(who, method, path, body string) answer {
	d.t.Helper()
	return d.call(d.tokens[who], method, path, body)
}

// taskIDs lists the ids of the tasks of a GET /tasks answer.
func taskIDs(a answer) []string {
	var ids []string
	ts, _ := a.body["tasks"].([]any)
	for _, t := range ts {
		ids = append(ids, fmt.Sprint(t.(map[string]any)["id"]))
	}
	return ids
}
