package engine

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/expr-lang/expr/vm"

	"baoxue/rules"
	"baoxue/store"
)

// Options configures one evaluation.
type Options struct {
	// At is the evaluation date T.
	At Day
	// Campaign is "" for an ordinary run, or march, may or september: rules
	// listing it in `campaigns` run too, and `campaign` is set.
	Campaign string
	// DryRun computes everything and writes nothing.
	DryRun bool
	// Force allows a writing run at a T earlier than the latest committed one.
	Force bool
	// PairingCap is the most paired students a teacher takes while another
	// teacher of the school has room (pairing.max_per_teacher); default 5.
	PairingCap int
	// Lookback is the least number of days of attendance read, bounding how far
	// back absent_streak counts; the largest rule window raises it. Default 120.
	Lookback int
	// Workers evaluating rules in parallel; default GOMAXPROCS.
	Workers int
	// Progress, when non-nil, receives a progress line now and then (a terminal).
	Progress io.Writer
	// Now is the clock for recorded instants; default time.Now.
	Now func() time.Time
	// Logger; default slog.Default().
	Logger *slog.Logger

	// beforeCommit, in tests, fails a writing run after everything is
	// written and before the commit, to prove nothing partial remains.
	beforeCommit func() error
}

func (o *Options) defaults() {
	if o.PairingCap <= 0 {
		o.PairingCap = 5
	}
	if o.Lookback <= 0 {
		o.Lookback = 120
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// fired is a student for whom at least one rule fired, kept after the
// evaluation for the lifecycle, recipients and summary.
type fired struct {
	SID               int64
	Key               string
	ID                string
	Name              string
	School            string
	Class             string
	Grade             int
	Homeroom          string
	Pairing           string
	LeftBehind        bool
	Migrant           bool
	Returning         bool
	Disabled          bool
	Hardship          bool
	Orphan            bool
	Poverty           string
	AbsentStreak      int
	UnexcusedStreak   int
	assignedPairing   string // set by pairing during this run
	assignedPairingBy string
}

// firing is one (rule, student) that holds at T.
type firing struct {
	rule    *rules.Rule
	stu     *fired
	message string
}

const batchSize = 2048

// scan reads every evaluated student and evaluates the active rules on each,
// returning what fired (unordered) and the number of students evaluated.
func scan(ctx context.Context, st *store.Store, cal *Calendar, active []*rules.Rule, opt *Options, maxWindow int) ([]firing, int, error) {
	length := max(opt.Lookback, maxWindow)
	if length > 32000 {
		length = 32000
	}
	t := opt.At
	from, to := (t - Day(length) + 1).String(), t.String()
	ws := newWindows(cal, t, length)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, opt.Workers+4)
	var readers sync.WaitGroup
	absences := &cursor{ch: streamInto(ctx, &readers, errs, func(ctx context.Context, fn func(*store.DatedRow) error) error {
		return st.StreamAbsences(ctx, from, to, fn)
	})}
	contacts := &cursor{ch: streamInto(ctx, &readers, errs, func(ctx context.Context, fn func(*store.DatedRow) error) error {
		return st.StreamContacts(ctx, from, to, fn)
	})}
	teaching := &cursor{ch: streamInto(ctx, &readers, errs, func(ctx context.Context, fn func(*store.DatedRow) error) error {
		return st.StreamHomeTeaching(ctx, from, to, fn)
	})}

	batches := make(chan []student, opt.Workers*2)
	results := make(chan []firing, opt.Workers*2)
	var workers sync.WaitGroup
	for i := 0; i < opt.Workers; i++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			if err := evalWorker(ctx, batches, results, active, t, opt.Campaign); err != nil {
				errs <- err
				cancel()
			}
		}()
	}
	var out []firing
	collected := make(chan struct{})
	go func() {
		for fs := range results {
			out = append(out, fs...)
		}
		close(collected)
	}()

	n := 0
	progress := newProgress(opt.Progress, "eval", "students")
	batch := make([]student, 0, batchSize)
	readErr := st.StreamEvalStudents(ctx, func(es *store.EvalStudent) error {
		batch = append(batch, student{})
		s := &batch[len(batch)-1]
		s.row = *es
		if err := s.load(ws, t); err != nil {
			return err
		}
		sid := es.SID
		absences.each(sid, func(r *rec) { s.addAbsence(t, r.day, r.flag) })
		contacts.each(sid, func(r *rec) { s.addDated(&s.contacts, t, r.day, 0) })
		teaching.each(sid, func(r *rec) { s.addDated(&s.teaching, t, r.day, r.hours) })
		s.finish()
		n++
		if len(batch) == batchSize {
			select {
			case batches <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
			batch = make([]student, 0, batchSize)
			progress.set(n)
		}
		return nil
	})
	if readErr == nil && len(batch) > 0 {
		select {
		case batches <- batch:
		case <-ctx.Done():
		}
	}
	close(batches)
	workers.Wait()
	close(results)
	<-collected
	cancel()
	for _, c := range []*cursor{absences, contacts, teaching} {
		c.drain()
	}
	readers.Wait()
	progress.done(n)
	close(errs)
	if readErr != nil {
		return nil, 0, readErr
	}
	for err := range errs {
		if err != nil && err != context.Canceled {
			return nil, 0, err
		}
	}
	return out, n, nil
}

// load parses the student's dates and picks the school's window.
func (s *student) load(ws *windows, t Day) error {
	b, ok := parseDayBytes([]byte(s.row.BirthDate))
	if !ok {
		return fmt.Errorf("student %s: birth date %q is not YYYY-MM-DD", s.row.ID, s.row.BirthDate)
	}
	s.birth = b
	if s.row.ReturnedAt != "" {
		if r, ok := parseDayBytes([]byte(s.row.ReturnedAt)); ok {
			s.returned, s.hasRet = r, true
		}
	}
	s.win = ws.of(s.row.SchoolID)
	return nil
}

// evalWorker evaluates batches with its own VM and Facts, reused for every
// student so that the hot loop allocates nothing but what fires.
func evalWorker(ctx context.Context, batches <-chan []student, results chan<- []firing, active []*rules.Rule, t Day, campaign string) error {
	var machine vm.VM
	sw := &studentWindows{}
	f := &rules.Facts{W: sw, Today: t.String(), Campaign: campaign}
	_, f.Month, _ = t.Date()
	for batch := range batches {
		var out []firing
		for i := range batch {
			s := &batch[i]
			fill(f, sw, s, t)
			var fs *fired
			for _, r := range active {
				ok, err := r.Eval(&machine, f)
				if err != nil {
					return fmt.Errorf("rule %s on student %s: %w", r.ID, s.row.ID, err)
				}
				if !ok {
					continue
				}
				if fs == nil {
					fs = newFired(s, f)
				}
				msg, err := r.Render(f)
				if err != nil {
					return fmt.Errorf("rule %s message for student %s: %w", r.ID, s.row.ID, err)
				}
				out = append(out, firing{rule: r, stu: fs, message: msg})
			}
		}
		select {
		case results <- out:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func newFired(s *student, f *rules.Facts) *fired {
	r := &s.row
	return &fired{
		SID: r.SID, Key: r.Key, ID: r.ID, Name: r.Name, School: r.SchoolID, Class: r.Class, Grade: r.Grade,
		Homeroom: r.HomeroomTeacherID, Pairing: r.PairingTeacherID,
		LeftBehind: r.LeftBehind > 0, Migrant: r.Migrant, Returning: r.Returning, Disabled: r.Disabled,
		Hardship: r.Hardship, Orphan: r.Orphan, Poverty: r.Poverty,
		AbsentStreak: f.AbsentStreak, UnexcusedStreak: f.UnexcusedStreak,
	}
}
