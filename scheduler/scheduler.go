package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"baoxue/civil"
	"baoxue/config"
	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/store"
)

// JobName names a job: the key of its function in New's jobs and of its
// runs in the store.
type JobName string

// The daemon's jobs.
const (
	Evaluate          JobName = "evaluate"
	HomeTeaching      JobName = "home_teaching"
	Escalate          JobName = "escalate"
	CampaignMarch     JobName = "campaign_march"
	CampaignMay       JobName = "campaign_may"
	CampaignSeptember JobName = "campaign_september"
	// Dispatch is the dispatcher: not scheduled, it runs continuously on
	// every replica; its function returns when its context ends.
	Dispatch JobName = "dispatch"
)

// Job is the work of a job, run as of the day at (the scheduled time's date
// in the configured zone). It should return soon after ctx ends.
type Job func(ctx context.Context, at civil.Day) error

// Clock tells the time; tests inject one.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Options are a Scheduler's settings; every field has a default.
type Options struct {
	// Clock tells the time of the schedules and of catch-up. Default the
	// system clock. (robfig/cron's own timers use the system clock; each
	// firing asks Clock which run is due.)
	Clock Clock
	// Logger receives a line per run and per change of leadership.
	// Default slog.Default().
	Logger *slog.Logger
	// Printer renders the log lines' messages. Default Chinese.
	Printer *i18n.Printer
	// Name names this process in the run records. Default "HOST PID".
	Name string
	// Tick is how often the leader re-checks its lock and runs what is due
	// and not recorded (catch-up). Default 10s.
	Tick time.Duration
	// Retry is how often a replica that is not the leader tries to take
	// the lock, and how long a dispatcher that failed waits to start
	// again. Default 10s.
	Retry time.Duration
	// Wait is how long a run that waits for data (a job returning an error
	// made by Wait) is left before it is tried again. Default 15 minutes.
	Wait time.Duration
	// Observe, when set, is told of every run this scheduler ran and
	// recorded, as it ends: the job, the status recorded (store.JobDone,
	// JobFailed, JobWaiting, JobNotBuilt) and how long the job's function took (0 for
	// one not built). The daemon counts runs for /metrics with it, so
	// that the scheduler knows nothing of metrics.
	Observe func(job JobName, status string, took time.Duration)
}

// fireSlack is how far back a cron firing looks for its scheduled time
// when catch-up is off.
const fireSlack = time.Hour

// Scheduler runs the jobs of a configuration. Build it with New; Run it
// once.
type Scheduler struct {
	st      *store.Store
	loc     *time.Location
	catchUp time.Duration
	jobs    []*job
	disp    Job
	opt     Options
	log     *slog.Logger
	cal     atomic.Pointer[engine.Calendar]
	leading atomic.Bool
}

// job is one scheduled job.
type job struct {
	name  JobName
	sched schedule
	fn    Job // nil: not built yet
	// mu is held while the job runs: a run still going is not started
	// again, whichever path (cron or catch-up) asks.
	mu sync.Mutex
}

// New builds the Scheduler of cfg's schedules (a job "off" is left out),
// running the functions in jobs. A scheduled job without a function is
// scheduled all the same: its runs are recorded and logged as not built
// yet. cfg.Location is the zone of the schedules (default Asia/Shanghai's,
// as config.Default). It fails on a spec that does not parse.
func New(st *store.Store, cfg *config.Config, jobs map[JobName]Job, opt Options) (*Scheduler, error) {
	s := &Scheduler{st: st, loc: cfg.Location, catchUp: time.Duration(cfg.Schedules.CatchUp), disp: jobs[Dispatch], opt: opt}
	if s.loc == nil {
		s.loc = config.Default().Location
	}
	s.defaults()
	empty, _ := engine.NewCalendar(nil)
	s.cal.Store(empty)
	sc := cfg.Schedules
	for _, j := range []struct {
		name JobName
		spec string
		rule dayRule
	}{
		{Evaluate, sc.Evaluate, schoolDays},
		{HomeTeaching, sc.HomeTeaching, everyDay},
		{Escalate, sc.Escalate, schoolDays},
		{CampaignMarch, sc.Campaigns.March, firstSchoolDay},
		{CampaignMay, sc.Campaigns.May, firstSchoolDay},
		{CampaignSeptember, sc.Campaigns.September, firstSchoolDay},
	} {
		if j.spec == config.Off || j.spec == "" {
			continue
		}
		spec, err := cron.ParseStandard(j.spec)
		if err != nil {
			return nil, i18n.Errorf("scheduler.bad_spec", "schedules."+string(j.name), j.spec, err)
		}
		if ss, ok := spec.(*cron.SpecSchedule); ok {
			ss.Location = s.loc
		}
		s.jobs = append(s.jobs, &job{name: j.name, fn: jobs[j.name],
			sched: schedule{spec: spec, loc: s.loc, rule: j.rule, cal: s.cal.Load}})
	}
	return s, nil
}

func (s *Scheduler) defaults() {
	if s.opt.Clock == nil {
		s.opt.Clock = realClock{}
	}
	if s.opt.Logger == nil {
		s.opt.Logger = slog.Default()
	}
	if s.opt.Printer == nil {
		s.opt.Printer = i18n.Default()
	}
	if s.opt.Name == "" {
		host, _ := os.Hostname()
		s.opt.Name = host + " " + strconv.Itoa(os.Getpid())
	}
	if s.opt.Tick <= 0 {
		s.opt.Tick = 10 * time.Second
	}
	if s.opt.Retry <= 0 {
		s.opt.Retry = 10 * time.Second
	}
	if s.opt.Wait <= 0 {
		s.opt.Wait = 15 * time.Minute
	}
	s.log = s.opt.Logger.With("component", "scheduler")
}

// Leading reports whether this Scheduler holds the scheduler lock now.
func (s *Scheduler) Leading() bool { return s.leading.Load() }

// Jobs returns the scheduled jobs (those not "off"), in a fixed order.
func (s *Scheduler) Jobs() []JobName {
	names := make([]JobName, len(s.jobs))
	for i, j := range s.jobs {
		names[i] = j.name
	}
	return names
}

// Next returns the next scheduled time of job after t (zero when the job
// is off, or has none), with the calendar as last read.
func (s *Scheduler) Next(name JobName, t time.Time) time.Time {
	for _, j := range s.jobs {
		if j.name == name {
			return j.sched.Next(t)
		}
	}
	return time.Time{}
}

// Run runs the dispatcher and, while this process holds the scheduler
// lock, the schedules, until ctx ends; then it waits for the runs under
// way and returns nil. A replica that cannot take the lock tries again
// every Options.Retry; one that loses it stops scheduling at once (the
// runs under way see their context end) and tries again. On SQLite a
// daemon already running on the database is a *store.LeaderHeldError.
func (s *Scheduler) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	if s.disp != nil {
		wg.Add(1)
		go func() { defer wg.Done(); s.dispatch(ctx) }()
	}
	waiting := false
	for ctx.Err() == nil {
		l, err := s.st.TakeLeader(ctx, s.opt.Name)
		if errors.Is(err, store.ErrLeaderHeld) {
			return err
		}
		if err == nil && l != nil {
			waiting = false
			s.lead(ctx, l)
			continue
		}
		if err != nil && ctx.Err() == nil {
			s.log.Warn(s.opt.Printer.Sprintf("scheduler.lock_failed", s.opt.Printer.Error(err)))
		} else if !waiting {
			s.log.Info(s.opt.Printer.Sprintf("scheduler.standby"))
			waiting = true
		}
		sleep(ctx, s.opt.Retry)
	}
	return nil
}

// lead schedules while l holds: until ctx ends or the lock is lost.
func (s *Scheduler) lead(ctx context.Context, l *store.Leader) {
	defer l.Release()
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.leading.Store(true)
	defer s.leading.Store(false)
	s.log.Info(s.opt.Printer.Sprintf("scheduler.leading"))
	// Holding the lock, no other scheduler runs a job: a run still
	// recorded as running died with its scheduler, and runs again.
	if n, err := s.st.InterruptJobRuns(lctx, s.opt.Clock.Now()); err != nil {
		s.log.Error(s.opt.Printer.Sprintf("scheduler.record_failed", "job_runs", s.opt.Printer.Error(err)))
	} else if n > 0 {
		s.log.Warn(s.opt.Printer.Sprintf("scheduler.interrupted", n))
	}

	var runs sync.WaitGroup
	defer runs.Wait()
	logger := cronLogger{s.log}
	c := cron.New(cron.WithLocation(s.loc), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	s.refreshCalendar(lctx)
	for _, j := range s.jobs {
		c.Schedule(j.sched, cron.FuncJob(func() { s.fire(lctx, j) }))
		if j.fn == nil {
			s.log.Info(s.opt.Printer.Sprintf("scheduler.scheduled_not_built", s.label(j.name)), "job", string(j.name))
		}
	}
	c.Start()
	defer func() { <-c.Stop().Done() }()

	t := time.NewTicker(s.opt.Tick)
	defer t.Stop()
	for {
		s.tick(lctx, &runs)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := l.Check(ctx); err != nil {
			if ctx.Err() == nil {
				s.log.Warn(s.opt.Printer.Sprintf("scheduler.lock_lost", s.opt.Printer.Error(err)))
			}
			return
		}
	}
}

// tick runs, each in its own goroutine, the latest run within catch_up of
// each job that has no record yet, or that waits for data and has waited
// Options.Wait since it last tried.
func (s *Scheduler) tick(ctx context.Context, runs *sync.WaitGroup) {
	if s.catchUp <= 0 {
		return
	}
	s.refreshCalendar(ctx)
	now := s.opt.Clock.Now()
	for _, j := range s.jobs {
		at, ok := j.sched.prev(now, s.catchUp)
		if !ok {
			continue
		}
		rec, err := s.st.JobRunOf(ctx, string(j.name), store.FormatTime(at))
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error(s.opt.Printer.Sprintf("scheduler.record_failed", s.label(j.name), s.opt.Printer.Error(err)), "job", string(j.name))
			}
			continue
		}
		switch {
		case rec == nil || rec.Status == store.JobInterrupted:
			runs.Add(1)
			go func() { defer runs.Done(); s.run(ctx, j, at, false) }()
		case rec.Status == store.JobWaiting && s.waited(rec, now):
			runs.Add(1)
			go func() { defer runs.Done(); s.run(ctx, j, at, true) }()
		}
	}
}

// waited reports whether the waiting run rec last tried Options.Wait or
// more before now.
func (s *Scheduler) waited(rec *store.JobRun, now time.Time) bool {
	if !rec.FinishedAt.Valid {
		return false
	}
	t, err := time.Parse(time.RFC3339Nano, rec.FinishedAt.String)
	return err == nil && !now.Before(t.Add(s.opt.Wait))
}

// fire is a cron firing of j: it runs the run due now.
func (s *Scheduler) fire(ctx context.Context, j *job) {
	s.refreshCalendar(ctx)
	if at, ok := j.sched.prev(s.opt.Clock.Now(), max(s.catchUp, fireSlack)); ok {
		s.run(ctx, j, at, false)
	}
}

// run claims the run of j scheduled at and runs it, unless it is recorded
// already or j is still running; again, when it waits for data and has
// waited long enough, with again.
func (s *Scheduler) run(ctx context.Context, j *job, scheduled time.Time, again bool) {
	if !j.mu.TryLock() {
		return
	}
	defer j.mu.Unlock()
	at := civil.DayOf(scheduled.In(s.loc))
	key := store.FormatTime(scheduled)
	log := s.log.With("job", string(j.name), "scheduled", scheduled.In(s.loc).Format(time.RFC3339), "at", at.String())
	rec := store.JobRun{Job: string(j.name), Scheduled: key, At: at.String(),
		Owner: s.opt.Name, StartedAt: store.FormatTime(s.opt.Clock.Now())}
	var claimed bool
	var err error
	if again {
		claimed, err = s.st.RetryJobRun(ctx, rec, store.FormatTime(s.opt.Clock.Now().Add(-s.opt.Wait)))
	} else {
		claimed, err = s.st.ClaimJobRun(ctx, rec)
	}
	if err != nil || !claimed {
		if err != nil && ctx.Err() == nil {
			log.Error(s.opt.Printer.Sprintf("scheduler.record_failed", s.label(j.name), s.opt.Printer.Error(err)))
		}
		return
	}
	p := s.opt.Printer
	status, errText := store.JobDone, ""
	var took time.Duration
	switch {
	case j.fn == nil:
		status = store.JobNotBuilt
		log.Info(p.Sprintf("scheduler.not_built", s.label(j.name), at.String()))
	default:
		if late := s.opt.Clock.Now().Sub(scheduled); late > time.Minute {
			log.Info(p.Sprintf("scheduler.catch_up", s.label(j.name), at.String()))
		} else {
			log.Info(p.Sprintf("scheduler.start", s.label(j.name), at.String()))
		}
		begun := time.Now()
		err := call(ctx, j.fn, at)
		took = time.Since(begun)
		switch {
		case errors.Is(err, ErrWait):
			status, errText = store.JobWaiting, err.Error()
			log.Warn(p.Sprintf("scheduler.waiting", s.label(j.name), at.String(), p.Error(err),
				strconv.Itoa(int(s.opt.Wait/time.Minute))))
		case err != nil:
			status, errText = store.JobFailed, err.Error()
			log.Error(p.Sprintf("scheduler.failed", s.label(j.name), at.String(), p.Error(err)))
		default:
			log.Info(p.Sprintf("scheduler.done", s.label(j.name), at.String()), "took", took.Round(time.Millisecond))
		}
	}
	// The record is written even when ctx ended (the lock lost, a
	// shutdown): the run happened, however it ended.
	if err := s.st.FinishJobRun(context.WithoutCancel(ctx), string(j.name), key, status, errText, s.opt.Clock.Now()); err != nil {
		log.Error(p.Sprintf("scheduler.record_failed", s.label(j.name), p.Error(err)))
	}
	if s.opt.Observe != nil {
		s.opt.Observe(j.name, status, took)
	}
}

// ErrWait matches the errors Wait makes.
var ErrWait = errors.New("waits for data")

// Wait marks err, returned by a job, as a run that cannot do its work yet
// for want of data (the evening's evaluation before any school reported
// the day): the run is recorded waiting and tried again every
// Options.Wait until the job's next scheduled time, rather than failed.
func Wait(err error) error { return waitError{err} }

type waitError struct{ err error }

func (e waitError) Error() string        { return e.err.Error() }
func (e waitError) Unwrap() error        { return e.err }
func (e waitError) Is(target error) bool { return target == ErrWait }

// call runs fn, turning a panic into an error.
func call(ctx context.Context, fn Job, at civil.Day) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return fn(ctx, at)
}

// dispatch runs the dispatcher until ctx ends, starting it again, after
// Options.Retry, when it returns early or panics.
func (s *Scheduler) dispatch(ctx context.Context) {
	for ctx.Err() == nil {
		err := call(ctx, s.disp, civil.DayOf(s.opt.Clock.Now().In(s.loc)))
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.log.Error(s.opt.Printer.Sprintf("scheduler.dispatch_failed", s.opt.Printer.Error(err)), "job", string(Dispatch))
		}
		sleep(ctx, s.opt.Retry)
	}
}

// refreshCalendar reads the school calendar again; on failure it keeps the
// last one read.
func (s *Scheduler) refreshCalendar(ctx context.Context) {
	rows, err := s.st.CalendarSpans(ctx)
	var c *engine.Calendar
	if err == nil {
		c, err = engine.NewCalendar(rows)
	}
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn(s.opt.Printer.Sprintf("scheduler.calendar_failed", s.opt.Printer.Error(err)))
		}
		return
	}
	s.cal.Store(c)
}

// label is the name of a job a person reads.
func (s *Scheduler) label(name JobName) string {
	return s.opt.Printer.Sprintf("scheduler.job." + string(name))
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// cronLogger is robfig/cron's logger on slog: its panics and skips.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug(msg, kv...) }

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error(msg, append(kv, "error", err)...)
}
