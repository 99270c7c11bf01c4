package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"baoxue/report"
)

// district imports a school, a teacher and a student absent two days, and
// runs a writing evaluation, which queues one digest.
func district(t *testing.T, dir, db string) {
	t.Helper()
	write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\n")
	write(t, filepath.Join(dir, "teachers.csv"), "id,name,school_id,role,phone\nT1,王老师,SCH01,teacher,13800000001\n")
	write(t, filepath.Join(dir, "students.csv"), "id,name,birth_date,school_id,grade,homeroom_teacher_id,national_id\nG500234201105010015,张一,2011-05-01,SCH01,9,T1,500234201105010015\n")
	write(t, filepath.Join(dir, "attendance.csv"), "student_id,date,status\nG500234201105010015,2026-03-09,absent\nG500234201105010015,2026-03-10,absent\n")
	for _, kind := range []string{"schools", "teachers", "students", "attendance"} {
		if code, _, errs := cli(t, dir, "--db", db, "import", kind, kind+".csv"); code != 0 {
			t.Fatalf("import %s: %s", kind, errs)
		}
	}
	if code, out, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-10"); code != 0 {
		t.Fatalf("eval: exit %d\n%s%s", code, out, errs)
	}
}

// TestOutboxFlushWithTheLogChannel: without a configuration the log
// channel prints the digest as a JSON line, names masked, no identity
// number; list shows the row pending, then sent; a sent row is not
// requeued.
func TestOutboxFlushWithTheLogChannel(t *testing.T) {
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	district(t, dir, db)
	code, out, errs := cli(t, dir, "--db", db, "outbox", "list")
	if code != 0 || !strings.Contains(out, "#1") || !strings.Contains(out, "待发送") || !strings.Contains(out, "SCH01/C1") {
		t.Fatalf("list: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = cli(t, dir, "--db", db, "outbox", "flush")
	if code != 0 || !strings.Contains(errs, "已发送 1 条，失败 0 条") {
		t.Fatalf("flush: exit %d\n%s%s", code, out, errs)
	}
	var line map[string]string
	if err := json.Unmarshal([]byte(out), &line); err != nil || line["teacher"] != "T1" || !strings.Contains(line["text"], "张*") {
		t.Fatalf("the log line %q: %v", out, err)
	}
	for _, secret := range []string{"张一", "500234201105010015", "王老师"} {
		if strings.Contains(out+errs, secret) {
			t.Errorf("flush printed %q:\n%s%s", secret, out, errs)
		}
	}
	code, out, _ = cli(t, dir, "--db", db, "outbox", "list", "--sent", "--json")
	var row report.Outbox
	if err := json.Unmarshal([]byte(out), &row); code != 0 || err != nil || row.ID != 1 || row.Status != "sent" || row.Channel != "log" || row.SentAt == "" {
		t.Fatalf("list --sent --json: exit %d, %+v, %v\n%s", code, row, err, out)
	}
	if strings.Contains(out, "张") {
		t.Errorf("list shows the payload: %s", out)
	}
	code, out, errs = cli(t, dir, "--db", db, "outbox", "retry", "1")
	if code != 0 || !strings.Contains(errs, "#1 已发送") || !strings.Contains(out, "已重新排队 0 条") {
		t.Errorf("retry of a sent row: exit %d\n%s%s", code, out, errs)
	}
	if code, out, _ := cli(t, dir, "--db", db, "outbox", "list", "--pending"); code != 0 || !strings.Contains(out, "没有符合条件") {
		t.Errorf("list --pending after the flush: exit %d\n%s", code, out)
	}
}

// TestOutboxFlushFailedExits1: a webhook that refuses makes the row
// failed: flush says why and exits 1; retry requeues it, and the next
// flush sends it.
func TestOutboxFlushFailedExits1(t *testing.T) {
	var refuse atomic.Bool
	refuse.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refuse.Load() {
			http.Error(w, "no such hook", http.StatusNotFound)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	write(t, filepath.Join(dir, "baoxue.yaml"), "notifier:\n  channels:\n    - {name: hook, type: webhook, url: \""+srv.URL+"/hook?key=SECRETKEY\", secret: s}\n")
	district(t, dir, db)
	code, out, errs := cli(t, dir, "--db", db, "outbox", "flush")
	if code != 1 || !strings.Contains(errs, "失败 1 条") || !strings.Contains(errs, "#1 T1 王老师") || !strings.Contains(errs, "404") {
		t.Fatalf("flush: exit %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out+errs, "SECRETKEY") {
		t.Errorf("flush printed the URL's key:\n%s%s", out, errs)
	}
	if code, out, _ := cli(t, dir, "--db", db, "outbox", "list", "--failed"); code != 0 || !strings.Contains(out, "发送失败") || !strings.Contains(out, "404") {
		t.Errorf("list --failed: exit %d\n%s", code, out)
	}
	if code, out, errs := cli(t, dir, "--db", db, "outbox", "retry", "--failed"); code != 0 || !strings.Contains(out, "已重新排队 1 条") {
		t.Fatalf("retry --failed: exit %d\n%s%s", code, out, errs)
	}
	refuse.Store(false)
	if code, out, errs := cli(t, dir, "--db", db, "outbox", "flush"); code != 0 || !strings.Contains(errs, "已发送 1 条") {
		t.Errorf("flush after retry: exit %d\n%s%s", code, out, errs)
	}
}

func TestOutboxBadInput(t *testing.T) {
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	district(t, dir, db)
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"outbox"}, "用法：baoxue outbox list"},
		{[]string{"outbox", "send"}, `未知的子命令 "send"`},
		{[]string{"outbox", "list", "extra"}, `多余的参数 "extra"`},
		{[]string{"outbox", "flush", "--max-wait", "soon"}, `--max-wait "soon"`},
		{[]string{"outbox", "retry"}, "用法：baoxue outbox retry"},
		{[]string{"outbox", "retry", "x1"}, `"x1" 不是通知编号`},
		{[]string{"outbox", "retry", "99"}, "没有编号为 99 的通知"},
	} {
		code, out, errs := cli(t, dir, append([]string{"--db", db}, tc.args...)...)
		if code != 1 || !strings.Contains(errs, tc.stderr) {
			t.Errorf("%v: exit %d (want 1)\n%s%s\nwant stderr ~ %q", tc.args, code, out, errs, tc.stderr)
		}
	}
}
