package scheduler

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/civil"
	"baoxue/config"
	"baoxue/store"
	"baoxue/store/storetest"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// recorder is the caller's job functions, faked: each records the days it
// ran as of.
type recorder struct {
	mu   sync.Mutex
	runs map[JobName][]string
}

func (r *recorder) job(name JobName) Job {
	return func(ctx context.Context, at civil.Day) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.runs == nil {
			r.runs = map[JobName][]string{}
		}
		r.runs[name] = append(r.runs[name], at.String())
		return nil
	}
}

func (r *recorder) got(name JobName) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.runs[name])
}

func (r *recorder) jobs(names ...JobName) map[JobName]Job {
	m := map[JobName]Job{}
	for _, n := range names {
		m[n] = r.job(n)
	}
	return m
}

var allJobs = []JobName{Evaluate, HomeTeaching, Escalate, CampaignMarch, CampaignMay, CampaignSeptember}

var shanghai = config.Default().Location

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newScheduler(t *testing.T, st *store.Store, cfg *config.Config, jobs map[JobName]Job, clock Clock) *Scheduler {
	t.Helper()
	s, err := New(st, cfg, jobs, Options{Clock: clock, Logger: quiet(), Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tickOnce runs what is due at the clock's time and waits for it.
func tickOnce(s *Scheduler) {
	var wg sync.WaitGroup
	s.tick(context.Background(), &wg)
	wg.Wait()
}

func runsOf(t *testing.T, st *store.Store, job JobName) []store.JobRun {
	t.Helper()
	rs, err := st.JobRuns(context.Background(), string(job))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestCatchUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := &fakeClock{}
		rec := &recorder{}
		cfg := config.Default()
		// Down from 28 February to 3 March 2027 10:00: each job's latest
		// run in the 7 days runs once, as of its own date.
		clock.Set(at("2027-03-03 10:00"))
		s := newScheduler(t, st, cfg, rec.jobs(allJobs...), clock)
		tickOnce(s)
		want := map[JobName][]string{
			CampaignMarch: {"2027-03-01"},
			Evaluate:      {"2027-03-02"},
			Escalate:      {"2027-03-02"},
			HomeTeaching:  {"2027-02-28"},
		}
		for _, j := range allJobs {
			if got := rec.got(j); !slices.Equal(got, want[j]) {
				t.Errorf("%s ran as of %v, want %v", j, got, want[j])
			}
		}
		if rs := runsOf(t, st, CampaignMarch); len(rs) != 1 || rs[0].Status != store.JobDone ||
			rs[0].Scheduled != store.FormatTime(at("2027-03-01 08:00")) || rs[0].At != "2027-03-01" {
			t.Errorf("campaign_march records %+v, want one done at 2027-03-01 08:00", rs)
		}

		// A restart at the same time runs nothing again: the records decide.
		again := newScheduler(t, st, cfg, rec.jobs(allJobs...), clock)
		tickOnce(again)
		tickOnce(s)
		if got := rec.got(CampaignMarch); len(got) != 1 {
			t.Errorf("campaign_march ran %v, want once", got)
		}

		// Only the latest missed run of a job runs: 3 March 19:00 is the
		// evening evaluation's; the one of 2 March is done already.
		clock.Set(at("2027-03-05 08:00"))
		tickOnce(s)
		if got := rec.got(Evaluate); !slices.Equal(got, []string{"2027-03-02", "2027-03-04"}) {
			t.Errorf("evaluate ran as of %v, want 2027-03-02, 2027-03-04", got)
		}
	})
}

func TestCatchUpWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := &fakeClock{}
		rec := &recorder{}
		cfg := config.Default()
		cfg.Schedules.Evaluate, cfg.Schedules.Escalate, cfg.Schedules.HomeTeaching = config.Off, config.Off, config.Off
		// 8 days after 1 March 08:00: outside catch_up (7d).
		clock.Set(at("2027-03-09 09:00"))
		tickOnce(newScheduler(t, st, cfg, rec.jobs(allJobs...), clock))
		if got := rec.got(CampaignMarch); len(got) != 0 {
			t.Errorf("campaign_march ran as of %v past catch_up", got)
		}
		// catch_up 0 disables catch-up.
		cfg.Schedules.CatchUp = 0
		clock.Set(at("2027-03-01 09:00"))
		tickOnce(newScheduler(t, st, cfg, rec.jobs(allJobs...), clock))
		if got := rec.got(CampaignMarch); len(got) != 0 {
			t.Errorf("campaign_march ran as of %v with catch_up 0", got)
		}
	})
}

// TestZoneOnUTCMachine: 19:00 in Asia/Shanghai is 11:00 UTC, whatever the
// machine's zone.
func TestZoneOnUTCMachine(t *testing.T) {
	saved := time.Local
	time.Local = time.UTC
	defer func() { time.Local = saved }()
	st := storetest.SQLite(t)
	clock := &fakeClock{}
	rec := &recorder{}
	cfg := config.Default()
	s := newScheduler(t, st, cfg, rec.jobs(Evaluate), clock)
	utc := func(s string) time.Time {
		t, _ := time.Parse("2006-01-02 15:04", s)
		return t
	}
	if got, want := s.Next(Evaluate, utc("2026-03-10 00:00")), utc("2026-03-10 11:00"); !got.Equal(want) {
		t.Errorf("next evaluation after 2026-03-10 00:00 UTC: %s, want %s", got.UTC(), want)
	}
	// 10:30 UTC is 18:30 in Shanghai: the latest evaluation is Monday's.
	clock.Set(utc("2026-03-10 10:30"))
	tickOnce(s)
	clock.Set(utc("2026-03-10 11:00"))
	tickOnce(s)
	if got, want := rec.got(Evaluate), []string{"2026-03-09", "2026-03-10"}; !slices.Equal(got, want) {
		t.Errorf("evaluate ran as of %v, want %v", got, want)
	}
	if rs := runsOf(t, st, Evaluate); len(rs) != 2 || rs[1].Scheduled != "2026-03-10T11:00:00.000000Z" {
		t.Errorf("records %+v, want the second scheduled at 2026-03-10T11:00Z", rs)
	}
}

// TestSchoolDays: the evaluation and escalation skip weekends and holidays
// and run on make-up days; a campaign moves to the first school day on or
// after its time; the home-teaching check runs every week regardless.
func TestSchoolDays(t *testing.T) {
	tests := []struct {
		job        JobName
		after      string
		wantNext   string
		tickAt     string
		wantRunsAs string
	}{
		{Evaluate, "2026-04-30 19:00", "2026-05-06 19:00", "2026-05-04 20:00", "2026-04-30"},
		{Escalate, "2026-04-30 12:00", "2026-05-06 12:00", "2026-05-05 20:00", "2026-04-30"},
		{Evaluate, "2026-05-08 19:00", "2026-05-09 19:00", "2026-05-09 20:00", "2026-05-09"},
		{Escalate, "2026-05-09 12:00", "2026-05-11 12:00", "2026-05-10 13:00", "2026-05-09"},
		{CampaignMay, "2026-04-30 00:00", "2026-05-06 08:00", "2026-05-06 09:00", "2026-05-06"},
		{CampaignMay, "2026-04-30 00:00", "2026-05-06 08:00", "2026-05-02 09:00", ""},
		{CampaignMarch, "2026-02-01 00:00", "2026-03-02 08:00", "2026-03-01 09:00", ""},
		{HomeTeaching, "2026-05-01 00:00", "2026-05-03 18:00", "2026-05-03 19:00", "2026-05-03"},
	}
	for _, tt := range tests {
		t.Run(string(tt.job)+" "+tt.tickAt, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				err := st.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.UpsertCalendar(ctx, []store.CalendarEntry{
						{From: "2026-05-01", To: "2026-05-05", Kind: "holiday", Note: "劳动节"},
						{From: "2026-05-09", To: "2026-05-09", Kind: "schoolday", Note: "调休"},
					}, nil)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				clock := &fakeClock{t: at(tt.tickAt)}
				rec := &recorder{}
				s := newScheduler(t, st, config.Default(), rec.jobs(allJobs...), clock)
				s.refreshCalendar(ctx)
				if got := s.Next(tt.job, at(tt.after)); !got.Equal(at(tt.wantNext)) {
					t.Errorf("next after %s: %s, want %s", tt.after, got.In(shanghai).Format("2006-01-02 15:04"), tt.wantNext)
				}
				tickOnce(s)
				var want []string
				if tt.wantRunsAs != "" {
					want = []string{tt.wantRunsAs}
				}
				if got := rec.got(tt.job); !slices.Equal(got, want) {
					t.Errorf("at %s it ran as of %v, want %v", tt.tickAt, got, want)
				}
			})
		})
	}
}

// TestRunStatuses: a job not built yet is recorded and logged as such; a
// failing or panicking job is recorded as failed and the scheduler goes on.
// Options.Observe is told of each run with the status recorded.
func TestRunStatuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := &fakeClock{}
		cfg := config.Default()
		jobs := map[JobName]Job{
			Evaluate:     func(context.Context, civil.Day) error { return errors.New("rules do not compile") },
			Escalate:     func(context.Context, civil.Day) error { panic("boom") },
			HomeTeaching: func(context.Context, civil.Day) error { return nil },
		}
		var logs syncBuffer
		var mu sync.Mutex
		observed := map[JobName]string{}
		s, err := New(st, cfg, jobs, Options{Clock: clock, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			Observe: func(job JobName, status string, took time.Duration) {
				mu.Lock()
				defer mu.Unlock()
				if _, ok := observed[job]; ok {
					t.Errorf("%s observed twice", job)
				}
				observed[job] = status
				if status == store.JobNotBuilt && took != 0 {
					t.Errorf("%s not built took %v", job, took)
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Jobs(); !slices.Equal(got, []JobName{Evaluate, HomeTeaching, Escalate, CampaignMarch, CampaignMay, CampaignSeptember}) {
			t.Errorf("Jobs() = %v", got)
		}
		clock.Set(at("2027-03-03 10:00"))
		tickOnce(s)
		for _, tt := range []struct {
			job    JobName
			status string
			err    string
		}{
			{Evaluate, store.JobFailed, "rules do not compile"},
			{Escalate, store.JobFailed, "panic: boom"},
			{CampaignMarch, store.JobNotBuilt, ""},
			{HomeTeaching, store.JobDone, ""},
		} {
			rs := runsOf(t, st, tt.job)
			if len(rs) != 1 || rs[0].Status != tt.status || rs[0].Error != tt.err || !rs[0].FinishedAt.Valid {
				t.Errorf("%s: records %+v, want one %s (%q)", tt.job, rs, tt.status, tt.err)
			}
			mu.Lock()
			if observed[tt.job] != tt.status {
				t.Errorf("%s: observed %q, want %q", tt.job, observed[tt.job], tt.status)
			}
			mu.Unlock()
		}
		if len(observed) != 4 {
			t.Errorf("observed %v, want the four runs", observed)
		}
		for _, want := range []string{"三月控辍保学活动月（日期 2027-03-01）：这项功能尚未实现", "晚间评估（日期 2027-03-02）失败：rules do not compile"} {
			if !strings.Contains(logs.String(), want) {
				t.Errorf("log lacks %q:\n%s", want, logs.String())
			}
		}
	})
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestInterruptedRunRunsAgain: a run its scheduler left running (the
// process died mid-run) is run again by the scheduler that takes the lock
// next, once.
func TestInterruptedRunRunsAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clock := &fakeClock{}
		clock.Set(at("2027-03-03 10:00"))
		evening := store.FormatTime(at("2027-03-02 19:00"))
		if ok, err := st.ClaimJobRun(ctx, store.JobRun{Job: string(Evaluate), Scheduled: evening, At: "2027-03-02",
			Owner: "dead", StartedAt: evening}); err != nil || !ok {
			t.Fatalf("claim as the dead scheduler: %v, %v", ok, err)
		}
		rec := &recorder{}
		s := newScheduler(t, st, config.Default(), rec.jobs(Evaluate), clock)
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- s.Run(rctx) }()
		for deadline := time.Now().Add(20 * time.Second); len(rec.got(Evaluate)) == 0 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got := rec.got(Evaluate); !slices.Equal(got, []string{"2027-03-02"}) {
			t.Fatalf("evaluate ran as of %v, want 2027-03-02 once", got)
		}
		rs := runsOf(t, st, Evaluate)
		if len(rs) != 1 || rs[0].Status != store.JobDone || rs[0].Owner == "dead" {
			t.Errorf("records %+v, want the interrupted run done by the new scheduler", rs)
		}
	})
}

// TestWaitingRunRunsAgain: a run that waits for data (the evening's
// evaluation before the day's attendance is imported) is recorded
// waiting, tried again once Options.Wait has passed, not before, and done
// when the data is there; a run still waiting when the job's next time
// comes is left as it is, and the next run goes ahead.
func TestWaitingRunRunsAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := &fakeClock{}
		var mu sync.Mutex
		reported := false
		var tried []string
		jobs := map[JobName]Job{Evaluate: func(_ context.Context, at civil.Day) error {
			mu.Lock()
			defer mu.Unlock()
			tried = append(tried, at.String())
			if !reported {
				return Wait(errors.New("no school reported " + at.String()))
			}
			return nil
		}}
		var logs syncBuffer
		observed := map[string]int{}
		s, err := New(st, config.Default(), jobs, Options{Clock: clock, Logger: slog.New(slog.NewTextHandler(&logs, nil)), Name: "test",
			Wait: 15 * time.Minute, Observe: func(_ JobName, status string, _ time.Duration) {
				mu.Lock()
				defer mu.Unlock()
				observed[status]++
			}})
		if err != nil {
			t.Fatal(err)
		}
		status := func() string {
			t.Helper()
			rs := runsOf(t, st, Evaluate)
			if len(rs) == 0 {
				return ""
			}
			return rs[len(rs)-1].Status
		}
		clock.Set(at("2026-03-10 19:00"))
		tickOnce(s)
		if got := status(); got != store.JobWaiting {
			t.Fatalf("after the first try: %q, want waiting", got)
		}
		if !strings.Contains(logs.String(), "晚间评估（日期 2026-03-10）暂时不能运行：no school reported 2026-03-10；每 15 分钟再试一次") {
			t.Errorf("log lacks the waiting line:\n%s", logs.String())
		}
		clock.Set(at("2026-03-10 19:10"))
		tickOnce(s)
		if len(tried) != 1 {
			t.Errorf("tried %v before the wait was over", tried)
		}
		clock.Set(at("2026-03-10 19:15"))
		tickOnce(s)
		if got := status(); len(tried) != 2 || got != store.JobWaiting {
			t.Errorf("after the wait: tried %v, status %q; want a second try, still waiting", tried, got)
		}
		mu.Lock()
		reported = true
		mu.Unlock()
		clock.Set(at("2026-03-10 19:31"))
		tickOnce(s)
		clock.Set(at("2026-03-10 20:00"))
		tickOnce(s)
		if rs := runsOf(t, st, Evaluate); len(tried) != 3 || len(rs) != 1 || rs[0].Status != store.JobDone || rs[0].Error != "" {
			t.Errorf("once reported: tried %v, records %+v; want one done run after three tries", tried, rs)
		}
		if observed[store.JobWaiting] != 2 || observed[store.JobDone] != 1 {
			t.Errorf("observed %v, want 2 waiting and 1 done", observed)
		}

		// A run still waiting at the job's next time stays waiting; the
		// next one runs as of its own day.
		mu.Lock()
		reported = false
		mu.Unlock()
		clock.Set(at("2026-03-11 19:00"))
		tickOnce(s)
		mu.Lock()
		reported = true
		mu.Unlock()
		clock.Set(at("2026-03-12 19:00"))
		tickOnce(s)
		clock.Set(at("2026-03-12 19:30"))
		tickOnce(s)
		rs := runsOf(t, st, Evaluate)
		var got []string
		for _, r := range rs {
			got = append(got, r.At+" "+r.Status)
		}
		if want := []string{"2026-03-10 done", "2026-03-11 waiting", "2026-03-12 done"}; !slices.Equal(got, want) {
			t.Errorf("records %v, want %v", got, want)
		}
	})
}
