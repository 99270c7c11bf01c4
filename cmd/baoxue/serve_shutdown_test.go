package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/scheduler"
	"baoxue/store"
)

var shanghaiZone, _ = time.LoadLocation("Asia/Shanghai")

// holdingReceiver is a webhook endpoint that holds its first request until
// released, and counts the requests it answered.
type holdingReceiver struct {
	entered, release chan struct{}
	once             sync.Once
	mu               sync.Mutex
	answered         int
}

func (h *holdingReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	first := false
	h.once.Do(func() { first = true })
	if first {
		close(h.entered)
		<-h.release
	}
	h.mu.Lock()
	h.answered++
	h.mu.Unlock()
}

// TestServeStopsGracefully: SIGTERM (the context ending) while an
// evaluation runs and a delivery is in flight: serve waits for both, the
// run is recorded done and the notification sent, the delivery that had
// not started is given back to the outbox, and serve exits 0.
func TestServeStopsGracefully(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			db := secretDB(t, engine, dir)
			write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\n")
			write(t, filepath.Join(dir, "teachers.csv"), "id,name,school_id,role,phone\nT1,王老师,SCH01,teacher,13800000001\nT2,李老师,SCH01,teacher,13800000002\n")
			write(t, filepath.Join(dir, "students.csv"), "id,name,birth_date,school_id,grade,homeroom_teacher_id\nS1,张一,2011-05-01,SCH01,9,T1\nS2,张二,2011-05-01,SCH01,9,T2\n")
			write(t, filepath.Join(dir, "attendance.csv"), "student_id,date,status\nS1,2026-03-09,absent\nS1,2026-03-10,absent\nS2,2026-03-09,absent\nS2,2026-03-10,absent\n")
			for _, kind := range []string{"schools", "teachers", "students", "attendance"} {
				if code, _, errs := cli(t, dir, "--db", db, "import", kind, kind+".csv"); code != 0 {
					t.Fatalf("import %s: %s", kind, errs)
				}
			}
			// Two digests for one webhook: its deliveries go one after
			// the other.
			if code, _, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-10"); code != 0 {
				t.Fatal(errs)
			}
			// The district reported the last week without an absence, so
			// that serve's evaluation, as of today, has its attendance.
			now := time.Now().In(shanghaiZone)
			write(t, filepath.Join(dir, "none.csv"), "student_id,date,status\n")
			if code, _, errs := cli(t, dir, "--db", db, "import", "attendance", "--reported", "--reported-dates",
				now.AddDate(0, 0, -8).Format(time.DateOnly)+".."+now.Format(time.DateOnly), "none.csv"); code != 0 {
				t.Fatal(errs)
			}
			hook := &holdingReceiver{entered: make(chan struct{}), release: make(chan struct{})}
			srv := httptest.NewServer(hook)
			defer srv.Close()
			// The evening evaluation's latest school day within catch_up
			// runs when serve starts.
			write(t, filepath.Join(dir, "baoxue.yaml"), `http: {listen: "127.0.0.1:0"}
schedules: {evaluate: "0 19 * * *", home_teaching: "off", escalate: "off", campaigns: {march: "off", may: "off", september: "off"}}
notifier:
  channels:
    - {name: hook, type: webhook, url: "`+srv.URL+`/hook"}
`)
			evaluating, finish := make(chan struct{}), make(chan struct{})
			serveEvaluating = func() {
				close(evaluating)
				<-finish
			}
			defer func() { serveEvaluating = nil }()

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var errb syncBuffer
			code := make(chan int, 1)
			go func() { code <- run(ctx, []string{"--db", db, "serve"}, io.Discard, &errb) }()
			for _, ch := range []chan struct{}{evaluating, hook.entered} {
				select {
				case <-ch:
				case c := <-code:
					t.Fatalf("serve exited %d:\n%s", c, errb.String())
				case <-time.After(20 * time.Second):
					t.Fatalf("no evaluation and delivery under way:\n%s", errb.String())
				}
			}

			cancel() // as SIGTERM does
			select {
			case c := <-code:
				t.Fatalf("serve exited %d with a run and a delivery under way:\n%s", c, errb.String())
			case <-time.After(300 * time.Millisecond):
			}
			close(hook.release)
			close(finish)
			select {
			case c := <-code:
				if c != 0 {
					t.Errorf("serve exited %d:\n%s", c, errb.String())
				}
			case <-time.After(serveGrace):
				t.Fatalf("serve did not stop:\n%s", errb.String())
			}

			st, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			rs, err := st.JobRuns(context.Background(), string(scheduler.Evaluate))
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].Status != store.JobDone || rs[0].Error != "" {
				t.Errorf("job_runs %+v, want the evaluation done", rs)
			}
			var runs int
			if err := st.RawGet(context.Background(), &runs, "SELECT count(*) FROM runs"); err != nil || runs != 2 {
				t.Errorf("%d runs (%v), want eval's and serve's", runs, err)
			}
			got := outboxStatuses(t, st)
			if strings.Join(got, " ") != store.OutboxSent+" "+store.OutboxPending {
				t.Errorf("outbox %v, want the delivery in flight sent and the other given back", got)
			}
			hook.mu.Lock()
			answered := hook.answered
			hook.mu.Unlock()
			if answered != 1 {
				t.Errorf("the webhook answered %d requests, want 1", answered)
			}
			logs := errb.String()
			done, stopped := strings.Index(logs, "已写入"), strings.Index(logs, "baoxue 服务已停止")
			if done < 0 || stopped < done {
				t.Errorf("the log does not say the run was written, then serve stopped:\n%s", logs)
			}
		})
	}
}
