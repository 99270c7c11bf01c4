package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/scheduler"
	"baoxue/store"
)

// syncBuffer is a bytes.Buffer written by several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// imported imports district's directory and attendance, without running
// an evaluation.
func imported(t *testing.T, dir, db string) {
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
}

// outboxStatuses lists the statuses of st's outbox rows, in order.
func outboxStatuses(t *testing.T, st *store.Store) []string {
	t.Helper()
	var got []string
	if err := st.ListOutbox(context.Background(), store.OutboxFilter{}, func(r store.OutboxRow) error {
		got = append(got, r.Status)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestServeJobs: the daemon's Evaluate job writes a run and queues the
// digest; its Dispatch job delivers it on the log channel and returns when
// its context ends; /readyz answers 503 when the database does not.
func TestServeJobs(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			db := secretDB(t, engine, dir)
			imported(t, dir, db)
			t.Chdir(dir)
			out, errb := &syncBuffer{}, &syncBuffer{}
			a, err := newApp(global{db: db, config: "baoxue.yaml"}, out, errb)
			if err != nil {
				t.Fatal(err)
			}
			defer a.close()
			a.name = "serve"
			ctx := context.Background()
			c, err := a.conf()
			if err != nil {
				t.Fatal(err)
			}
			set, err := a.ruleSet()
			if err != nil {
				t.Fatal(err)
			}
			st, err := a.store(ctx, readWrite)
			if err != nil {
				t.Fatal(err)
			}
			logger := slog.New(slog.NewJSONHandler(errb, nil))
			d, err := newDaemon(ctx, a, c, st, set, logger)
			if err != nil {
				t.Fatal(err)
			}
			jobs := d.jobs()
			if jobs["escalate"] == nil || jobs["home_teaching"] != nil || jobs["evaluate"] == nil || jobs["dispatch"] == nil {
				t.Fatalf("jobs: %v", jobs)
			}
			// A day no school has reported: the run waits for the
			// attendance rather than failing.
			unreported, _ := civil.ParseDay("2026-03-11")
			if err := jobs["evaluate"](ctx, unreported); !errors.Is(err, scheduler.ErrWait) {
				t.Errorf("evaluate as of a day not reported: %v, want a run that waits", err)
			}
			at, _ := civil.ParseDay("2026-03-10")
			if err := jobs["evaluate"](ctx, at); err != nil {
				t.Fatalf("evaluate: %v", err)
			}
			if got := outboxStatuses(t, st); len(got) != 1 || got[0] != store.OutboxPending {
				t.Fatalf("outbox after the evaluation: %v", got)
			}
			if !strings.Contains(errb.String(), "评估运行 #1 已写入") {
				t.Errorf("log of the evaluation:\n%s", errb.String())
			}
			// The task of 10 March is due on the 12th: the escalation run
			// escalates it (the district has no principal to tell).
			due, _ := civil.ParseDay("2026-03-12")
			if err := jobs["escalate"](ctx, due); err != nil || !strings.Contains(errb.String(), "逾期任务升级：升级 1 项") {
				t.Errorf("escalate: %v\n%s", err, errb.String())
			}

			dctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- jobs["dispatch"](dctx, at) }()
			deadline := time.Now().Add(20 * time.Second)
			for !strings.Contains(out.String(), `"teacher":"T1"`) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("dispatch: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the dispatcher did not return after its context ended")
			}
			if got := outboxStatuses(t, st); len(got) != 1 || got[0] != store.OutboxSent {
				t.Fatalf("outbox after the dispatcher: %v\nstdout: %s", got, out.String())
			}
			if strings.Contains(out.String(), "张一") {
				t.Errorf("the log channel shows a name: %s", out.String())
			}

			// No daemon schedules yet: not ready.
			rec := httptest.NewRecorder()
			d.readyz(rec, httptest.NewRequest("GET", "/readyz", nil))
			if rec.Code != 503 || !strings.Contains(rec.Body.String(), "还没有哪个 baoxue 服务在负责定时任务") {
				t.Errorf("readyz with no leader: %d %s", rec.Code, rec.Body.String())
			}
			d.leading = func() bool { return true }
			rec = httptest.NewRecorder()
			d.readyz(rec, httptest.NewRequest("GET", "/readyz", nil))
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ready":true`) {
				t.Errorf("readyz: %d %s", rec.Code, rec.Body.String())
			}
			st.Close()
			rec = httptest.NewRecorder()
			d.readyz(rec, httptest.NewRequest("GET", "/readyz", nil))
			var body struct {
				Ready  bool
				Reason string
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); rec.Code != 503 || err != nil || body.Ready || !strings.Contains(body.Reason, "数据库无响应") {
				t.Errorf("readyz on a closed database: %d %s", rec.Code, rec.Body.String())
			}
		})
	}
}

// launchServe runs `baoxue serve ARGS` in the current directory until ctx
// ends, writing to out and errb, and returns the base URL it listens on
// and the channel of its exit status. The test fails when serve exits or
// does not listen within 20 seconds.
func launchServe(t *testing.T, ctx context.Context, out, errb io.Writer, args ...string) (base string, code <-chan int) {
	t.Helper()
	addr := make(chan string, 1)
	serveListening = func(a string) { addr <- a }
	t.Cleanup(func() { serveListening = nil })
	c := make(chan int, 1)
	go func() { c <- run(ctx, append([]string{"serve"}, args...), out, errb) }()
	select {
	case a := <-addr:
		return "http://" + a, c
	case n := <-c:
		t.Fatalf("serve exited %d:\n%s", n, errb)
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not listen")
	}
	return "", nil
}

// TestServe: the daemon answers /healthz and /readyz; a second daemon on
// the same SQLite file exits 1 saying why, in Chinese; the first stops
// promptly with status 0 when its context ends.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	imported(t, dir, "file:"+path)
	write(t, filepath.Join(dir, "baoxue.yaml"), `database: {dsn: "file:`+path+`"}
http: {listen: "127.0.0.1:0"}
schedules: {evaluate: "off", home_teaching: "0 18 * * 0", escalate: "0 12 * * *", campaigns: {march: "off", may: "off", september: "off"}}
`)
	t.Chdir(dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	base, code := launchServe(t, ctx, &out, &errb)
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if c, body := get("/healthz"); c != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz: %d %q", c, body)
	}
	// Ready once the daemon holds the scheduler's lock, a moment after it
	// listens.
	deadline := time.Now().Add(20 * time.Second)
	c, body := get("/readyz")
	for c != 200 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		c, body = get("/readyz")
	}
	if c != 200 || !strings.Contains(body, `"ready":true`) {
		t.Errorf("/readyz: %d %q", c, body)
	}
	if c, body := get("/metrics"); c != 200 || !strings.Contains(body, "\nbaoxue_leader ") {
		t.Errorf("/metrics: %d\n%s", c, body)
	}

	var out2, errb2 bytes.Buffer
	if c := run(context.Background(), []string{"serve"}, &out2, &errb2); c != 1 || !strings.Contains(errb2.String(), "已有另一个 baoxue 服务在使用这个数据库") {
		t.Errorf("second serve: exit %d\n%s", c, errb2.String())
	}
	var en bytes.Buffer
	if c := run(context.Background(), []string{"--lang", "en", "serve"}, io.Discard, &en); c != 1 || !strings.Contains(en.String(), "another baoxue daemon runs on this database") {
		t.Errorf("second serve --lang en: exit %d\n%s", c, en.String())
	}

	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("serve exited %d:\n%s", c, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10s of its context ending")
	}
	logs := errb.String()
	for _, want := range []string{"baoxue 服务已启动", "送教上门周检", "尚未实现", "baoxue 服务已停止"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log does not say %q:\n%s", want, logs)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("not a JSON log line: %s", line)
		}
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the HTTP server still answers after serve stopped")
	}
}

// TestServeRefusesArguments: serve takes no argument; help shows --migrate.
func TestServeRefusesArguments(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := cli(t, dir, "serve", "now"); code != 1 || !strings.Contains(errs, `serve：多余的参数 "now"`) {
		t.Errorf("serve now: exit %d\n%s", code, errs)
	}
	if code, out, _ := cli(t, dir, "serve", "--help"); code != 0 || !strings.Contains(out, "--migrate") || !strings.Contains(out, i18n.NewPrinter(i18n.Chinese).Sprintf("serve.flag.migrate")) {
		t.Errorf("serve --help: exit %d\n%s", code, out)
	}
}
