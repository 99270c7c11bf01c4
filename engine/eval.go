package engine

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/expr-lang/expr/vm"
	"golang.org/x/sync/errgroup"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/idnum"
	"baoxue/rules"
	"baoxue/store"
)

// Options configures one evaluation.
type Options struct {
	// At is the evaluation date T.
	At civil.Day
	// Campaign is "" for an ordinary run, or march, may or september: rules
	// listing it in `campaigns` run too, and `campaign` is set.
	Campaign string
	// DryRun computes everything and writes nothing.
	DryRun bool
	// Messages renders the message of every alert firing (for
	// `eval --json`). Otherwise only the messages stored with an alert that
	// opens or sent with a notification are rendered: none in a dry run.
	Messages bool
	// Force allows a writing run at a T earlier than the latest committed
	// one, and at a T whose attendance no school has reported.
	Force bool
	// Retire lets a writing run retire the open alerts of rules that are no
	// longer loaded or are disabled (outcome rule_retired); without it such
	// a run fails with ErrRetire.
	Retire bool
	// RetireRules lets a writing run retire the open alerts of these rules
	// only (the daemon's consent, given when it took the rules that retire
	// them); open alerts of any other rule refuse the run with ErrRetire.
	RetireRules map[string]bool
	// AllReported takes every school's attendance as reported through At:
	// for rule unit tests, whose inline attendance is complete by
	// definition. Otherwise each school is evaluated as of the last day it
	// reported (SPEC §4).
	AllReported bool
	// PairingCap is the most paired students a teacher takes while another
	// teacher of the school has room (pairing.max_per_teacher); default 5.
	PairingCap int
	// Norms are the configured thresholds rules read as `norms` (SPEC §5);
	// the zero value means rules.DefaultNorms().
	Norms rules.Norms
	// Lookback is the least number of days of attendance read, bounding how far
	// back absent_streak counts; the largest rule window raises it. Default 120.
	Lookback int
	// Workers evaluating rules in parallel; default GOMAXPROCS.
	Workers int
	// Progress, when non-nil, hears how many students have been read.
	Progress Progress
	// Now is the clock for recorded instants; default time.Now.
	Now func() time.Time
	// Zone is the installation's time zone (the configuration's
	// timezone): the day a teacher closed a task, from which its rule's
	// cooldown counts before the task is asked for again, is read in it.
	// Default UTC.
	Zone *time.Location
	// Logger; default slog.Default().
	Logger *slog.Logger

	// beforeCommit, in tests, fails a writing run after everything is
	// written and before the commit, to prove nothing partial remains.
	beforeCommit func() error
}

// phases returns a function that logs, at debug level, how long each phase
// of the run took since the previous one.
func (o *Options) phases() func(name string, args ...any) {
	last := time.Now()
	return func(name string, args ...any) {
		now := time.Now()
		o.Logger.Debug("eval phase", append([]any{"phase", name, "took", now.Sub(last).Round(time.Millisecond)}, args...)...)
		last = now
	}
}

func (o *Options) defaults() {
	if o.PairingCap <= 0 {
		o.PairingCap = 5
	}
	if o.Lookback <= 0 {
		o.Lookback = 120
	}
	if o.Norms == (rules.Norms{}) {
		o.Norms = rules.DefaultNorms()
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Zone == nil {
		o.Zone = time.UTC
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Progress == nil {
		o.Progress = noProgress{}
	}
}

// FiredStudent is a student for whom at least one rule fired, as the run saw
// them: kept after the evaluation for the lifecycle, the recipients and the
// reports. Every alert of the student points to the same FiredStudent.
type FiredStudent struct {
	SID  int64  // the database's key of the student
	Key  string // the opaque student key digests name students by
	ID   string // the student id of the roster
	Name string
	// School is the school id; Homeroom and Pairing are the homeroom and
	// pairing teachers' ids, "" when the roster names none.
	School   string
	Class    string
	Grade    int
	Homeroom string
	Pairing  string
	// The special groups of the roster; Poverty is the household's status
	// ("" or "none" when it is none).
	LeftBehind bool
	Migrant    bool
	Returning  bool
	Disabled   bool
	Hardship   bool
	Orphan     bool
	Poverty    string
	// AbsentStreak and UnexcusedStreak are the school days absent in a row
	// through the day the student was evaluated as of.
	AbsentStreak    int
	UnexcusedStreak int
	assignedPairing string // set by pairing during this run
}

// firing is one (rule, student) that holds at T.
type firing struct {
	rule    *rules.Rule
	stu     *FiredStudent
	message string
	// open is the index of the firing's open alert in the run's open
	// alerts (lifecycle.open), -1 when the alert is new (matchOpen).
	open int
}

// batchSize is the number of students read into a batch. (A variable so
// that a test can make batches small and many, and so reused.)
var batchSize = 2048

// scan reads every evaluated student and evaluates the active rules on each,
// returning what fired (unordered) and the number of students evaluated.
//
// The students are split into as many sid ranges as there are workers; each
// range is read by its own goroutine in one streamed query of the
// students' facts (store.StreamEvalStudents), so decoding runs on every
// core; the workers evaluate the batches. The students whose facts are
// stale (their rows written since an import or a writing run rebuilt them)
// are read from their roster rows and records first, and their facts
// built from those.
func scan(ctx context.Context, st *store.Store, cal *Calendar, active []*rules.Rule, opt *Options, length, maxWindow int,
	rp *reporting, msgs *messageNeed) (*scanned, error) {
	bounds, err := st.SIDBounds(ctx)
	if err != nil {
		return nil, err
	}
	// A school evaluated as of an earlier day needs its lookback before
	// that day.
	earliest := rp.earliest(opt.At)
	from := earliest - civil.Day(length) + 1
	// contacts(n) and home_teaching_*(n) never look past the largest
	// window; only absences need the longer lookback (for streaks).
	datedFrom := earliest - civil.Day(max(1, min(maxWindow, length))) + 1
	stale, err := st.StaleFacts(ctx, min(from, datedFrom).String())
	if err != nil {
		return nil, err
	}
	opt.Progress.Start("eval", "students")
	rd := &reader{st: st, length: length, ws: newWindows(cal, opt.At, length, rp.asOf, rp.skip),
		from: from, datedFrom: datedFrom, stale: stale,
		progress: opt.Progress, perSchool: map[string]int{}, skipped: map[string]int{}, loads: map[string]int{}}

	// Each range holds a connection for as long as it reads; keep the
	// ranges within the pool, with room for the lifecycle reads, the run's
	// transaction and others.
	parts := split(bounds, max(1, min(opt.Workers, store.MaxReadRanges, st.MaxConns()-6)))
	batches := make(chan *batch, opt.Workers*2)
	// Batches the workers are done with go back to the readers: a city's
	// million student structs in fresh batches touched fresh memory all
	// run long, and a reused student keeps its slices' room.
	free := make(chan *batch, opt.Workers*2+len(parts)+2)
	results := make(chan []firing, opt.Workers*2)
	// The first error stops everything: the errors that follow (canceled
	// queries) are consequences, not causes. The readers close batches when
	// they are done, the workers results; the calling goroutine collects.
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(batches)
		readers, ctx := errgroup.WithContext(ctx)
		for _, part := range parts {
			readers.Go(func() error { return rd.read(ctx, part, batches, free) })
		}
		return readers.Wait()
	})
	g.Go(func() error {
		defer close(results)
		workers, ctx := errgroup.WithContext(ctx)
		for range opt.Workers {
			workers.Go(func() error {
				return evalWorker(ctx, batches, free, results, active, opt.At, opt.Campaign, opt.Norms, msgs)
			})
		}
		return workers.Wait()
	})
	var out []firing
	for fs := range results {
		out = append(out, fs...)
	}
	err = g.Wait()
	rd.progress.Done(int(rd.n.Load()))
	if err != nil {
		return nil, err
	}
	return &scanned{firings: out, perSchool: rd.perSchool, skipped: rd.skipped, loads: rd.loads}, nil
}

// scanned is what a scan found.
type scanned struct {
	firings []firing
	// perSchool counts the evaluated students of each school; skipped the
	// students of schools not evaluated (attendance not reported).
	perSchool, skipped map[string]int
	// loads counts the students read (evaluated or skipped) of each
	// pairing teacher: the load pairing weighs against its cap.
	loads map[string]int
}

// counts returns how many students were evaluated and how many skipped.
func (sc *scanned) counts() (evaluated, skipped int) {
	for _, n := range sc.perSchool {
		evaluated += n
	}
	for _, n := range sc.skipped {
		skipped += n
	}
	return evaluated, skipped
}

// split cuts r into at most n ranges of about equal width.
func split(r store.SIDRange, n int) []store.SIDRange {
	width := r.Hi - r.Lo
	if n < 1 || width < int64(n)*int64(batchSize) {
		return []store.SIDRange{r}
	}
	parts := make([]store.SIDRange, n)
	for i := range parts {
		parts[i] = store.SIDRange{Lo: r.Lo + width*int64(i)/int64(n), Hi: r.Lo + width*int64(i+1)/int64(n)}
	}
	return parts
}

// reader reads ranges of students with their facts.
type reader struct {
	st     *store.Store
	length int
	ws     *windows
	// from is the first day of absences read, datedFrom of contacts and
	// home-teaching sessions.
	from, datedFrom civil.Day
	// stale holds the facts of the students whose stored facts are stale,
	// built from their rows.
	stale    *store.StaleFacts
	n        atomic.Int64
	mu       sync.Mutex
	progress Progress
	// perSchool counts the evaluated students of each school, skipped
	// those of schools not evaluated, loads the students of each pairing
	// teacher (under mu).
	perSchool, skipped, loads map[string]int
}

// batch is a batch of students read, with the arena their roster text is
// kept in: both are reused once a worker is done with the batch, so
// nothing of a student of a batch may be kept past that (newFired copies
// what it keeps).
type batch struct {
	students []student
	text     store.Arena
}

// tally counts by key, for keys that may share the driver's buffer: a key
// new to it is cloned. (Counts behind pointers: an assignment to a map of
// strings stores the key it is given, even over an equal one.)
type tally map[string]*int

func (t tally) add(key string) {
	if n, ok := t[key]; ok {
		*n++
		return
	}
	n := 1
	t[strings.Clone(key)] = &n
}

// addTo adds the counts to m.
func (t tally) addTo(m map[string]int) {
	for k, n := range t {
		m[k] += *n
	}
}

// read reads the students of part with their facts and sends them to
// batches, in batches taken from free when there are.
func (rd *reader) read(ctx context.Context, part store.SIDRange, batches chan<- *batch, free <-chan *batch) error {
	perSchool, skipped, loads := tally{}, tally{}, tally{}
	defer func() {
		rd.mu.Lock()
		perSchool.addTo(rd.perSchool)
		skipped.addTo(rd.skipped)
		loads.addTo(rd.loads)
		rd.mu.Unlock()
	}()
	fresh := func() *batch {
		select {
		case b := <-free:
			b.students = b.students[:0]
			b.text.Reset()
			return b
		default:
			return &batch{students: make([]student, 0, batchSize)}
		}
	}
	b := fresh()
	send := func() error {
		// (Counted before it goes: once sent, the batch is a worker's, and
		// may be back with another reader.)
		k := len(b.students)
		select {
		case batches <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		n := rd.n.Add(int64(k))
		b = fresh()
		rd.mu.Lock()
		rd.progress.Set(int(n))
		rd.mu.Unlock()
		return nil
	}
	err := rd.st.StreamEvalStudents(ctx, part, rd.stale, func(es *store.EvalStudent) error {
		// Every student read is enrolled or suspended: what counts toward
		// a pairing teacher's cap.
		if t := es.PairingTeacherID; t != "" {
			loads.add(t)
		}
		w := rd.ws.of(es.SchoolID)
		if w == nil {
			// The school has not reported in the lookback.
			skipped.add(es.SchoolID)
			return nil
		}
		perSchool.add(es.SchoolID)
		b.students = b.students[:len(b.students)+1]
		s := &b.students[len(b.students)-1]
		*s = student{row: *es, win: w, abs: s.abs[:0], contacts: s.contacts[:0], teaching: s.teaching[:0]}
		if err := s.load(); err != nil {
			return err
		}
		if !s.addFacts(es.Facts, rd.from, rd.datedFrom) {
			return i18n.Errorf("engine.student.facts", idnum.Mask(s.row.ID))
		}
		// The facts lists are read; the roster text goes with the batch.
		s.row.Facts = store.Facts{}
		b.text.Keep(&s.row)
		if len(b.students) == batchSize {
			return send()
		}
		return nil
	})
	if err == nil && len(b.students) > 0 {
		err = send()
	}
	if d := (*store.DamagedFactsError)(nil); errors.As(err, &d) {
		return i18n.Errorf("engine.facts.row", strconv.FormatInt(d.SID, 10))
	}
	return err
}

// load parses the student's dates.
func (s *student) load() error {
	b, ok := civil.ParseDayBytes([]byte(s.row.BirthDate))
	if !ok {
		return i18n.Errorf("engine.student.birth_date", idnum.Mask(s.row.ID), strings.Clone(s.row.BirthDate))
	}
	s.birth = b
	if s.row.ReturnedAt != "" {
		if r, ok := civil.ParseDayBytes([]byte(s.row.ReturnedAt)); ok {
			s.returned, s.hasRet = r, true
		}
	}
	return nil
}

// evalWorker evaluates batches with its own VM and Facts, reused for every
// student so that the hot loop allocates nothing but what fires.
// A batch done with goes back to free (when it has room): nothing of it is
// kept, the firings hold FiredStudents of their own, and a message is
// rendered into a string of its own. (A batch whose rule failed is not
// given back: the error may quote a field.)
func evalWorker(ctx context.Context, batches <-chan *batch, free chan<- *batch, results chan<- []firing, active []*rules.Rule, t civil.Day,
	campaign string, norms rules.Norms, msgs *messageNeed) error {
	var machine vm.VM
	sw := &studentWindows{}
	f := &rules.Facts{W: sw, Campaign: campaign, Norms: norms}
	kept := store.Interner{}
	for {
		var b *batch
		select {
		case next, ok := <-batches:
			if !ok {
				return nil
			}
			b = next
		case <-ctx.Done():
			return ctx.Err()
		}
		var out []firing
		for i := range b.students {
			s := &b.students[i]
			fill(f, sw, s)
			var fs *FiredStudent
			for _, r := range active {
				// A rule that fails on one student fails the whole run,
				// before anything is written (SPEC §5): placed in the rule
				// file, naming the student by the masked id.
				ok, err := r.Eval(&machine, f)
				if err != nil {
					return rules.OnStudent(err, idnum.Mask(s.row.ID))
				}
				if !ok {
					continue
				}
				if fs == nil {
					fs = newFired(s, f, kept)
				}
				var msg string
				if msgs.needed(ctx, r, s.row.SID) {
					if msg, err = r.Render(f); err != nil {
						return rules.OnStudent(err, idnum.Mask(s.row.ID))
					}
				}
				out = append(out, firing{rule: r, stu: fs, message: msg})
			}
		}
		select {
		case results <- out:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case free <- b:
		default:
		}
	}
}

// messageNeed tells the workers whether a firing's message will be used: it
// is stored with an alert that opens and sent with a notification, and
// stored with a reason that joins a task, so a firing whose alert is open,
// not inhibited (it may be active again: notified at once, and asking for
// its task) and within its cooldown (since its last notification, and since
// the day a teacher closed its task), or any firing of a dry run, needs
// none, unless all asks for every message (Options.Messages). The open
// alerts arrive while the scan runs; a worker waits for them at its first
// firing.
type messageNeed struct {
	dry   bool
	all   bool
	t     civil.Day
	ready chan struct{}
	open  []store.OpenAlert
	index openBy
	last  []civil.Day // last notified, by index in open
	// handled is the day a teacher closed the alert's task, noDay when
	// its task is open or it has none.
	handled []civil.Day
}

// noDay marks a day that is not there.
const noDay civil.Day = math.MinInt32

func (m *messageNeed) needed(ctx context.Context, r *rules.Rule, sid int64) bool {
	if r.Message == "" {
		return false
	}
	if m.all {
		return true
	}
	if m.dry {
		return false
	}
	select {
	case <-m.ready:
	case <-ctx.Done():
		return false
	}
	i, ok := m.index[store.AlertKey{Rule: r.ID, SID: sid}]
	if !ok || m.open[i].InhibitedBy != "" || time.Duration(m.t-m.last[i])*24*time.Hour >= r.Cooldown {
		return true
	}
	return r.Task != nil && m.handled[i] != noDay && time.Duration(m.t-m.handled[i])*24*time.Hour >= r.Cooldown
}

// newFired copies what the run keeps of a student that fired out of its
// batch: the values that repeat (schools, classes, teachers) interned in
// kept, the student's own in one string.
func newFired(s *student, f *rules.Facts, kept store.Interner) *FiredStudent {
	r := &s.row
	// (A Builder, not +: a concatenation of one non-empty string is that
	// string, still in the batch.)
	var sb strings.Builder
	sb.Grow(len(r.Key) + len(r.ID) + len(r.Name))
	sb.WriteString(r.Key)
	sb.WriteString(r.ID)
	sb.WriteString(r.Name)
	own := sb.String()
	key, id, name := own[:len(r.Key)], own[len(r.Key):len(r.Key)+len(r.ID)], own[len(r.Key)+len(r.ID):]
	return &FiredStudent{
		SID: r.SID, Key: key, ID: id, Name: name, School: kept.Intern(r.SchoolID), Class: kept.Intern(r.Class), Grade: r.Grade,
		Homeroom: kept.Intern(r.HomeroomTeacherID), Pairing: kept.Intern(r.PairingTeacherID),
		LeftBehind: r.LeftBehind > 0, Migrant: r.Migrant, Returning: r.Returning, Disabled: r.Disabled,
		Hardship: r.Hardship, Orphan: r.Orphan, Poverty: kept.Intern(r.Poverty),
		AbsentStreak: f.AbsentStreak, UnexcusedStreak: f.UnexcusedStreak,
	}
}
