package scheduler

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"baoxue/civil"
	"baoxue/config"
	"baoxue/store"
	"baoxue/store/storetest"
)

// eventually waits up to 10s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// running starts s.Run and returns a stop that cancels it and waits for
// its result.
func running(s *Scheduler) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return func() error { cancel(); return <-done }
}

func fastOptions(clock Clock, name string) Options {
	return Options{Clock: clock, Logger: quiet(), Name: name, Tick: 20 * time.Millisecond, Retry: 20 * time.Millisecond}
}

func eveningOnly() *config.Config {
	cfg := config.Default()
	s := &cfg.Schedules
	s.HomeTeaching, s.Escalate, s.Campaigns = config.Off, config.Off, config.Campaigns{March: config.Off, May: config.Off, September: config.Off}
	return cfg
}

// TestSQLiteSecondDaemon: a second daemon on one SQLite file is refused
// with ErrLeaderHeld; the dispatcher runs meanwhile on the first.
func TestSQLiteSecondDaemon(t *testing.T) {
	dsn := "file:" + filepath.Join(t.TempDir(), "one.db")
	ctx := context.Background()
	open := func() *store.Store {
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return st
	}
	clock := &fakeClock{t: at("2026-03-10 12:00")}
	var dispatching sync.WaitGroup
	dispatching.Add(1)
	first, err := New(open(), eveningOnly(), map[JobName]Job{Dispatch: func(ctx context.Context, _ civil.Day) error {
		dispatching.Done()
		<-ctx.Done()
		return nil
	}}, fastOptions(clock, "first"))
	if err != nil {
		t.Fatal(err)
	}
	stop := running(first)
	eventually(t, "the first daemon to lead", first.Leading)
	dispatching.Wait()

	second, err := New(open(), eveningOnly(), nil, fastOptions(clock, "second"))
	if err != nil {
		t.Fatal(err)
	}
	var held *store.LeaderHeldError
	if err := second.Run(ctx); !errors.As(err, &held) || !errors.Is(err, store.ErrLeaderHeld) {
		t.Fatalf("second daemon: %v, want a LeaderHeldError", err)
	}
	if held.Holder == "" {
		t.Errorf("LeaderHeldError names no holder: %v", held)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// Once the first has stopped, a daemon may start.
	stop = running(second)
	eventually(t, "the second daemon to lead", second.Leading)
	stop()
}

// TestReplicas: two schedulers on one PostgreSQL database: one leads; when
// it stops the other takes over; no run is recorded or done twice.
func TestReplicas(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	var stores []*store.Store
	for range 2 {
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		stores = append(stores, st)
	}
	clock := &fakeClock{t: at("2026-03-09 20:00")}
	rec := &recorder{}
	var scheds []*Scheduler
	var stops []func() error
	for i, st := range stores {
		s, err := New(st, eveningOnly(), rec.jobs(Evaluate), fastOptions(clock, []string{"a", "b"}[i]))
		if err != nil {
			t.Fatal(err)
		}
		scheds = append(scheds, s)
		stops = append(stops, running(s))
	}
	leaders := func() (n, which int) {
		for i, s := range scheds {
			if s.Leading() {
				n, which = n+1, i
			}
		}
		return n, which
	}
	eventually(t, "one leader", func() bool { n, _ := leaders(); return n == 1 })
	days := []string{"2026-03-09", "2026-03-10", "2026-03-11"}
	for i, d := range days {
		clock.Set(at(d + " 20:00"))
		eventually(t, "the evaluation of "+d, func() bool { return len(rec.got(Evaluate)) == i+1 })
		if n, _ := leaders(); n != 1 {
			t.Fatalf("%d leaders", n)
		}
	}
	_, first := leaders()
	if err := stops[first](); err != nil {
		t.Fatal(err)
	}
	other := 1 - first
	eventually(t, "the other to take over", scheds[other].Leading)
	clock.Set(at("2026-03-12 20:00"))
	eventually(t, "the evaluation of 2026-03-12", func() bool { return len(rec.got(Evaluate)) == 4 })
	time.Sleep(100 * time.Millisecond) // ticks that would run something twice
	if err := stops[other](); err != nil {
		t.Fatal(err)
	}
	want := append(days, "2026-03-12")
	if got := rec.got(Evaluate); !slices.Equal(got, want) {
		t.Errorf("evaluate ran as of %v, want each of %v once", got, want)
	}
	rs := runsOf(t, stores[0], Evaluate)
	owners := map[string]bool{}
	for _, r := range rs {
		owners[r.Owner] = true
		if r.Status != store.JobDone {
			t.Errorf("run %+v not done", r)
		}
	}
	if len(rs) != len(want) || len(owners) != 2 {
		t.Errorf("records %+v, want %d runs by both replicas", rs, len(want))
	}
}
