package scheduler

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"baoxue/civil"
	"baoxue/store"
	"baoxue/store/storetest"
)

// TestCronFiresInZone: on a machine whose zone is UTC, cron itself (its
// timers, not catch-up) fires the evening evaluation at the schedule's
// Shanghai clock time, and the run is as of the Shanghai date. The
// evaluation's spec is made to fire two seconds from now in Shanghai (a
// spec with seconds, swapped in after New): read in UTC it would fire
// eight hours away. Today in Shanghai is made a school day (调休), so that
// the test runs on any day of the week.
func TestCronFiresInZone(t *testing.T) {
	saved := time.Local
	time.Local = time.UTC
	defer func() { time.Local = saved }()
	st := storetest.SQLite(t)
	ctx := context.Background()

	fireAt := time.Now().Add(2 * time.Second).Truncate(time.Second).In(shanghai)
	day := civil.DayOf(fireAt)
	err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.UpsertCalendar(ctx, []store.CalendarEntry{{From: day.String(), To: day.String(), Kind: "schoolday", Note: "调休"}}, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := eveningOnly()
	cfg.Schedules.CatchUp = 0 // only cron's firing runs anything
	rec := &recorder{}
	s, err := New(st, cfg, rec.jobs(Evaluate), Options{Logger: quiet(), Name: "utc", Tick: 20 * time.Millisecond, Retry: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// New read "0 19 * * *" in Shanghai: 11:00 UTC.
	evening := s.jobs[0]
	if got := evening.sched.Next(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)); !got.Equal(time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC)) {
		t.Fatalf("the evaluation after 2026-03-10 00:00 UTC: %s, want 11:00 UTC", got.UTC())
	}
	spec, err := cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow).
		Parse(fmt.Sprintf("%d %d %d * * *", fireAt.Second(), fireAt.Minute(), fireAt.Hour()))
	if err != nil {
		t.Fatal(err)
	}
	evening.sched.spec = spec

	stop := running(s)
	deadline := time.Now().Add(20 * time.Second)
	for len(rec.got(Evaluate)) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := rec.got(Evaluate); !slices.Equal(got, []string{day.String()}) {
		t.Fatalf("cron ran the evaluation as of %v, want once as of %s (Shanghai's date at %s)", got, day, fireAt.UTC().Format(time.TimeOnly))
	}
	if rs := runsOf(t, st, Evaluate); len(rs) != 1 || rs[0].Scheduled != store.FormatTime(fireAt) {
		t.Errorf("records %+v, want one scheduled at %s", rs, store.FormatTime(fireAt))
	}
}
