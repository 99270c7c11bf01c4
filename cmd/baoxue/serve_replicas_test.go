package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/notifier"
	"baoxue/scheduler"
	"baoxue/store"
	"baoxue/store/storetest"
)

// receiver is a webhook endpoint on loopback that counts each idempotency
// key it is sent, slowly enough that two dispatchers overlap.
type receiver struct {
	mu   sync.Mutex
	keys map[string]int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	io.Copy(io.Discard, req.Body)
	time.Sleep(5 * time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys[req.Header.Get("Idempotency-Key")]++
}

func (r *receiver) counts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, n := range r.keys {
		out[k] = n
	}
	return out
}

// replicaDistrict imports 24 teachers, each with a ninth-grader absent two
// days: the first eight on 5–6 March 2026 (alerts on the 9th), the next
// eight on 9–10 March (the 10th), the last eight on 10–11 March (the 11th).
func replicaDistrict(t *testing.T, dir, db string) {
	t.Helper()
	teachers := "id,name,school_id,role,phone\n"
	students := "id,name,birth_date,school_id,grade,homeroom_teacher_id\n"
	absences := "student_id,date,status\n"
	for i := 1; i <= 24; i++ {
		teachers += fmt.Sprintf("T%02d,老师%02d,SCH01,teacher,138%08d\n", i, i, i)
		students += fmt.Sprintf("S%02d,学生%02d,2011-05-01,SCH01,9,T%02d\n", i, i, i)
		days := [][2]string{{"2026-03-05", "2026-03-06"}, {"2026-03-09", "2026-03-10"}, {"2026-03-10", "2026-03-11"}}[(i-1)/8]
		for _, d := range days {
			absences += fmt.Sprintf("S%02d,%s,absent\n", i, d)
		}
	}
	write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\n")
	write(t, filepath.Join(dir, "teachers.csv"), teachers)
	write(t, filepath.Join(dir, "students.csv"), students)
	write(t, filepath.Join(dir, "attendance.csv"), absences)
	for _, kind := range []string{"schools", "teachers", "students", "attendance"} {
		if code, _, errs := cli(t, dir, "--db", db, "import", kind, kind+".csv"); code != 0 {
			t.Fatalf("import %s: %s", kind, errs)
		}
	}
}

// replica is one baoxue serve of TestServeReplicas: the daemon's jobs (the
// real evaluation and dispatcher) on a scheduler with the test's clock.
type replica struct {
	name  string
	st    *store.Store
	sched *scheduler.Scheduler
	stop  context.CancelFunc
	done  chan error
}

// startReplica wires a daemon as serve does, on a store of its own, with
// a dispatcher that polls often and claims two rows at a time, so that the
// two replicas' dispatchers share the outbox.
func startReplica(t *testing.T, name, conf, db string, clock scheduler.Clock) *replica {
	t.Helper()
	a, err := newApp(global{db: db, config: conf, configSet: true}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	a.name = "serve"
	c, err := a.conf()
	if err != nil {
		t.Fatal(err)
	}
	set, err := a.ruleSet()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	st, err := a.store(ctx, readWrite)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := newDaemon(ctx, a, c, st, set, logger)
	if err != nil {
		t.Fatal(err)
	}
	chans, err := notifier.New(c.Notifier, notifier.Deps{Types: channelTypes(), Out: io.Discard, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	for n, ch := range chans {
		chans[n] = drainChannel{Channel: ch, d: d.drain}
	}
	d.disp, err = notifier.NewDispatcher(st, c.Notifier, chans, notifier.Options{Logger: logger, Owner: name,
		Batch: 2, Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sched, err := scheduler.New(st, c, d.jobs(), scheduler.Options{Clock: clock, Logger: logger, Name: name,
		Tick: 20 * time.Millisecond, Retry: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{name: name, st: st, sched: sched, stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- sched.Run(ctx) }()
	return r
}

// TestServeReplicas: two daemons on one PostgreSQL database, each running
// the scheduler and the dispatcher with a webhook channel. One leads and
// runs the evenings' evaluations; when it stops, the other takes over
// within seconds and runs the next. No evaluation runs twice (job_runs and
// the runs), and the receiver gets every notification once.
func TestServeReplicas(t *testing.T) {
	db := storetest.PostgresDSN(t)
	dir := t.TempDir()
	replicaDistrict(t, dir, db)
	rec := &receiver{keys: map[string]int{}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	conf := filepath.Join(dir, "baoxue.yaml")
	write(t, conf, `schedules: {evaluate: "0 19 * * *", home_teaching: "off", escalate: "off", campaigns: {march: "off", may: "off", september: "off"}}
notifier:
  channels:
    - {name: hook, type: webhook, url: "`+srv.URL+`/hook"}
`)
	evening := func(day string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", day+" 20:00", shanghaiZone)
		return t
	}
	clock := &settableClock{t: evening("2026-03-09")}
	reps := []*replica{startReplica(t, "replica-a", conf, db, clock), startReplica(t, "replica-b", conf, db, clock)}
	defer func() {
		for _, r := range reps {
			r.stop()
		}
	}()
	reader := reps[0].st
	leaders := func() (n int, which *replica) {
		for _, r := range reps {
			if r.sched.Leading() {
				n, which = n+1, r
			}
		}
		return n, which
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			if n, _ := leaders(); n > 1 {
				t.Fatalf("%d replicas lead at once", n)
			}
		}
	}
	evaluations := func() []store.JobRun {
		rs, err := reader.JobRuns(context.Background(), string(scheduler.Evaluate))
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	doneRuns := func(n int) func() bool {
		return func() bool {
			rs := evaluations()
			return len(rs) == n && rs[n-1].Status == store.JobDone
		}
	}
	delivered := func(n int) func() bool {
		return func() bool { return len(rec.counts()) == n }
	}

	waitFor("a leader", func() bool { n, _ := leaders(); return n == 1 })
	_, first := leaders()
	waitFor("the evaluation of 9 March", doneRuns(1))
	waitFor("the digests of 9 March", delivered(8))
	clock.Set(evening("2026-03-10"))
	waitFor("the evaluation of 10 March", doneRuns(2))
	waitFor("the digests of 10 March", delivered(16))

	// The leader stops as serve does on SIGTERM; the other takes over.
	first.stop()
	select {
	case err := <-first.done:
		if err != nil {
			t.Fatalf("%s: %v", first.name, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not stop", first.name)
	}
	var second *replica
	for _, r := range reps {
		if r != first {
			second = r
		}
	}
	waitFor("the other replica to lead", second.sched.Leading)
	clock.Set(evening("2026-03-11"))
	waitFor("the evaluation of 11 March", doneRuns(3))
	waitFor("the digests of 11 March", delivered(24))
	// Ticks and polls that would run or send something twice.
	time.Sleep(200 * time.Millisecond)
	second.stop()
	<-second.done

	rs := evaluations()
	wantOwner := []string{first.name, first.name, second.name}
	for i, day := range []string{"2026-03-09", "2026-03-10", "2026-03-11"} {
		if len(rs) != 3 || rs[i].At != day || rs[i].Status != store.JobDone || rs[i].Owner != wantOwner[i] {
			t.Fatalf("job_runs %+v, want 9, 10 and 11 March done, the last by the replica that took over", rs)
		}
	}
	var runs []string
	if err := reader.RawSelect(context.Background(), &runs, "SELECT at_date FROM runs ORDER BY id"); err != nil {
		t.Fatal(err)
	}
	if strings.Join(runs, " ") != "2026-03-09 2026-03-10 2026-03-11" {
		t.Errorf("evaluation runs as of %v, want one for each evening", runs)
	}
	counts := rec.counts()
	for key, n := range counts {
		if n != 1 || !strings.HasPrefix(key, "bx-") {
			t.Errorf("notification %q delivered %d times", key, n)
		}
	}
	statuses := outboxStatuses(t, reader)
	for _, s := range statuses {
		if s != store.OutboxSent {
			t.Errorf("outbox statuses %v, want all sent", statuses)
			break
		}
	}
	if len(statuses) != 24 || len(counts) != 24 {
		t.Errorf("%d outbox rows, %d keys delivered, want 24 each", len(statuses), len(counts))
	}
}
