package engine

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/inputerr"
	"baoxue/rules"
	"baoxue/store"
)

// ErrNoStudents is returned when a run finds no enrolled or suspended
// student at all: a cron job pointed at the wrong database must not pass.
var ErrNoStudents error = inputerr.Refusal("refusal.no_students")

// ErrRetire is returned for a writing run that would retire alerts (their
// rule is no longer loaded, or disabled), unless Options.Retire or
// Options.RetireRules allows it: a rule that disappears by mistake must not
// close a district's cases.
var ErrRetire error = inputerr.Refusal("refusal.retire")

// ErrEarlierThanLatest is returned for a writing run at a T before the latest
// committed run's, unless Options.Force: replaying the past would reopen and
// resolve alerts out of order.
var ErrEarlierThanLatest error = inputerr.Refusal("refusal.earlier")

// Result is what one evaluation found and (unless a dry run) did.
type Result struct {
	RunID    int64 // 0 for a dry run
	At       civil.Day
	Campaign string
	DryRun   bool
	Students int
	// Alerts are the alerts firing, sorted by rule then student; Resolved
	// the resolved lines (writing runs only), in the same order.
	Alerts   []Alert
	Resolved []ResolvedLine
	// Retired are the alerts closed because their rule is no longer loaded
	// or is disabled (writing runs only); RetiredByRule counts them by rule
	// (for a dry run too: what a writing run would retire).
	Retired       []ResolvedLine
	RetiredByRule map[string]int
	Pairings      []Pairing
	Escalations   []Escalation
	Gaps          []Gap
	// Warnings are what a person must know about the run besides its
	// results (a writing run would be refused, no calendar covers the
	// lookback), as messages to render in the reader's language.
	Warnings []i18n.Message
	// Unreported are the schools whose attendance is not reported through
	// At: evaluated as of their last reported day, or not at all (SPEC §4).
	Unreported []Unreported
	// NotEvaluated counts the students of schools not evaluated at all.
	NotEvaluated int
	// Undelivered are the notifications of earlier runs that ended failed
	// or undeliverable and that no run has reported yet, in outbox order:
	// a writing run reports them (its summary, the center admins' digests)
	// and records that it did; a dry run shows what it would report.
	// UndeliveredUnlisted counts those no center admin's digest lists
	// (the recipient is not in the directory, or the center has no admin).
	Undelivered         []DigestUndelivered
	UndeliveredUnlisted int
	// Counts. New and Ongoing leave out the inhibited alerts, which
	// Inhibited counts (new or not), so that an alert another rule speaks
	// for is not counted twice. WouldResolve is, for a dry run, how many
	// alerts a writing run would resolve. TasksCreated counts the tasks the
	// run created (pairing tasks included), TasksGrown the open tasks it
	// gave new reasons, Reasons the alerts that became reasons of either,
	// and Merged those of them that joined a task another alert asked for
	// (SPEC §7: one task per student, kind and assignee).
	New, Ongoing, Inhibited, Notified, TasksCreated, TasksGrown, Reasons, Merged, WouldResolve int
	// AtRisk counts the students at least one rule fires for, NewAtRisk
	// those of them who had no open alert before the run: the counts a
	// person reads first, since a child is one child however many rules
	// fire for them.
	AtRisk, NewAtRisk int
	// TasksByTeacher counts the tasks created by assignee.
	TasksByTeacher map[string]int
	// SchoolNames and TeacherNames are the names of the directory's schools
	// and teachers by id, for reports that show a name beside an id.
	SchoolNames, TeacherNames map[string]string
}

// Evaluate runs set against the database at opt.At (SPEC §7): it evaluates
// every enrolled or suspended student, decides the alert lifecycle, pairing,
// tasks and escalations, and, unless opt.DryRun, writes all of it with the
// outbox notifications and the run record in one transaction.
//
// A writing run holds the data lock (store.DataLock) from before it reads
// until it commits, so that two runs, or a run and an import, never decide
// from the same state: the second waits and then sees what the first wrote.
func Evaluate(ctx context.Context, st *store.Store, set *rules.Set, opt Options) (*Result, error) {
	opt.defaults()
	started := opt.Now()
	var tx *store.Tx
	if !opt.DryRun {
		// Students written to since the last import or run (contacts
		// through the API, hand edits, a migrate stopped before its
		// rebuild) would be read from their rows and held in memory all
		// at once: rebuild their facts first, in a transaction of its own.
		if _, err := st.RebuildFacts(ctx, false); err != nil {
			return nil, err
		}
		var err error
		if tx, err = st.BeginBulk(ctx, store.DataLock); err != nil {
			return nil, err
		}
		defer tx.Rollback()
		if !opt.Force {
			if err := checkNotEarlier(ctx, tx, opt.At); err != nil {
				return nil, err
			}
		}
	}
	phase := opt.phases()
	res, p, err := evaluate(ctx, st, set, &opt, phase)
	if err != nil {
		return nil, err
	}
	if opt.DryRun {
		if !opt.Force {
			if err := checkNotEarlier(ctx, st, opt.At); err != nil {
				res.Warnings = append(res.Warnings, i18n.M("engine.warn.would_refuse", err))
			}
		}
		return res, nil
	}
	if refused := opt.unconsented(res.RetiredByRule); len(refused) > 0 {
		return nil, retireError(refused, set)
	}
	run := &store.Run{Kind: "eval", StartedAt: store.FormatTime(started), At: opt.At.String(), Campaign: opt.Campaign,
		RulesChecksum: set.Checksum, Students: res.Students, AlertsNew: res.New, AlertsOngoing: res.Ongoing,
		AlertsInhibited: res.Inhibited, StudentsAtRisk: sql.NullInt64{Int64: int64(res.AtRisk), Valid: true},
		StudentsNew: sql.NullInt64{Int64: int64(res.NewAtRisk), Valid: true}, AlertsResolved: len(p.resolved), AlertsRetired: len(p.retired), SchoolsBehind: len(res.Unreported), Forced: opt.Force}
	if opt.Campaign != "" {
		run.Kind = "campaign"
	}
	if res.RunID, err = tx.InsertRun(ctx, run); err != nil {
		return nil, err
	}
	// The digests are encoded while the database writes.
	digests := startNotifications(res.RunID, opt.At, p)
	if err := write(ctx, tx, res.RunID, p, opt.At, store.FormatTime(opt.Now()), digests, phase); err != nil {
		return nil, err
	}
	if err := tx.FinishRun(ctx, res.RunID, store.FormatTime(opt.Now())); err != nil {
		return nil, err
	}
	// The pairings written marked their students' facts stale: rebuild
	// them (and any others) with the run, so the next run reads them.
	if _, err := tx.RefreshFacts(ctx); err != nil {
		return nil, err
	}
	phase("write facts")
	if opt.beforeCommit != nil {
		if err := opt.beforeCommit(); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, i18n.Errorf("engine.commit", err)
	}
	phase("commit", "run", res.RunID)
	return res, nil
}

// evaluate reads, evaluates and decides: everything of a run but the writes.
func evaluate(ctx context.Context, st *store.Store, set *rules.Set, opt *Options, phase func(string, ...any)) (*Result, *plan, error) {
	t := opt.At
	spans, err := st.CalendarSpans(ctx)
	if err != nil {
		return nil, nil, err
	}
	cal, err := NewCalendar(spans)
	if err != nil {
		return nil, nil, err
	}
	length := min(max(opt.Lookback, set.MaxWindow), 32000)
	rp, err := readReporting(ctx, st, cal, t, length, opt.AllReported)
	if err != nil {
		return nil, nil, err
	}
	var warnings []i18n.Message
	if refusal := rp.refuse(t); refusal != nil {
		switch {
		case opt.DryRun:
			warnings = append(warnings, i18n.M("engine.warn.dry_not_reported", t.String()))
		case opt.Force:
			warnings = append(warnings, i18n.M("engine.warn.forced_not_reported", t.String()))
		default:
			// No roster at all is the more basic mistake: say that first.
			if bounds, err := st.SIDBounds(ctx); err != nil {
				return nil, nil, err
			} else if bounds.Hi == bounds.Lo {
				return nil, nil, noStudents()
			}
			return nil, nil, refusal
		}
	}
	var active []*rules.Rule
	for _, r := range set.Rules {
		if r.RunsIn(opt.Campaign) {
			active = append(active, r)
		}
	}
	// The state the lifecycle needs is read while the students are scanned;
	// the first to fail stops the other.
	msgs := &messageNeed{dry: opt.DryRun, all: opt.Messages, t: t, ready: make(chan struct{})}
	var (
		state *runState
		sc    *scanned
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		state, err = readState(gctx, st, t, opt.Zone, msgs)
		return err
	})
	g.Go(func() (err error) {
		sc, err = scan(gctx, st, cal, active, opt, length, set.MaxWindow, rp, msgs)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	n, skipped := sc.counts()
	if n+skipped == 0 {
		return nil, nil, noStudents()
	}
	phase("scan", "students", n, "firings", len(sc.firings))
	fired := matchOpen(state.index, len(state.open), sc.firings, opt.Workers)
	if err := state.fillStudents(ctx, st, fired); err != nil {
		return nil, nil, err
	}
	frozen := make(map[string]bool, len(rp.skip))
	for school := range rp.skip {
		frozen[school] = true
	}
	l := &lifecycle{open: state.open, index: state.index, tasks: state.tasks, taskIdx: state.taskIdx, set: set,
		campaign: opt.Campaign, dir: state.dir, cal: cal, loads: sc.loads, pairCap: opt.PairingCap, t: t, zone: opt.Zone,
		frozen: frozen, workers: opt.Workers}
	p := l.decide(sc.firings, fired)
	if !opt.DryRun {
		l.digestReasons(p)
	}
	l.escalate(p, state.overdue)
	p.unreported = unreported(rp, sc.perSchool, sc.skipped, state.dir, cal)
	p.undelivered = undeliveredFor(state.undelivered, state.dir)
	phase("decide", "open alerts", len(state.open), "open tasks", len(state.tasks))
	res := newResult(p, opt, n)
	res.NotEvaluated = skipped
	res.Warnings = append(res.Warnings, warnings...)
	if lookback := civil.Day(length); !cal.Covers(t-lookback+1, t) {
		res.Warnings = append(res.Warnings, i18n.M("engine.warn.no_calendar", (t-lookback+1).String(), t.String()))
	}
	res.SchoolNames, res.TeacherNames = state.dir.names()
	return res, p, nil
}

// newResult summarises a plan. Resolved lines belong to writing runs only
// (SPEC §7); a dry run counts them in WouldResolve.
func newResult(p *plan, opt *Options, students int) *Result {
	res := &Result{At: opt.At, Campaign: opt.Campaign, DryRun: opt.DryRun, Students: students,
		Pairings: p.pairings, Escalations: p.escalations, Gaps: p.gaps, Unreported: p.unreported,
		Alerts: make([]Alert, 0, len(p.decisions)), AtRisk: p.atRisk, NewAtRisk: p.newAtRisk}
	if opt.DryRun {
		res.WouldResolve = len(p.resolved)
	} else {
		res.Resolved = p.resolved
		res.Retired = p.retired
	}
	for _, r := range p.retired {
		if res.RetiredByRule == nil {
			res.RetiredByRule = map[string]int{}
		}
		res.RetiredByRule[r.Rule]++
	}
	for _, d := range p.decisions {
		line := d.line
		line.Message = d.message
		res.Alerts = append(res.Alerts, Alert{Line: line, Rule: d.rule, Student: d.stu, NewTask: d.task != nil && d.task.id == 0})
		switch {
		case len(d.line.InhibitedBy) > 0:
			res.Inhibited++
		case d.line.New:
			res.New++
		default:
			res.Ongoing++
		}
		if d.line.Notified {
			res.Notified++
		}
	}
	res.TasksByTeacher = map[string]int{}
	for _, rt := range p.tasks {
		if rt.id == 0 {
			res.TasksCreated++
			res.TasksByTeacher[rt.key.Assignee]++
		} else {
			res.TasksGrown++
		}
		res.Reasons += len(rt.reasons)
		if rt.id == 0 && rt.forAlert && len(rt.reasons) > 0 {
			res.Merged += len(rt.reasons) - 1
		} else {
			res.Merged += len(rt.reasons)
		}
	}
	res.setUndelivered(p.undelivered)
	return res
}

// setUndelivered lists the undelivered notifications the run reports.
func (res *Result) setUndelivered(us []undelivered) {
	res.Undelivered, res.UndeliveredUnlisted = make([]DigestUndelivered, len(us)), 0
	for i, u := range us {
		res.Undelivered[i] = u.DigestUndelivered
		if len(u.admins) == 0 {
			res.UndeliveredUnlisted++
		}
	}
}

// runState is what the lifecycle reads besides the facts.
type runState struct {
	dir     *directory
	open    []store.OpenAlert
	index   openBy
	tasks   []store.OpenTask
	taskIdx taskIndex
	overdue []store.OverdueTask
	// undelivered are the notifications no run has reported yet.
	undelivered []store.Undelivered
}

// fillStudents reads who the students of the open alerts that did not
// fire are now (store.OpenAlerts leaves it out): an alert that ends says
// whose it was, and ends by the student's status; an alert that fires
// (fired, by index in rs.open: matchOpen) needs neither.
func (rs *runState) fillStudents(ctx context.Context, st *store.Store, fired []bool) error {
	var sids []int64
	for i := range rs.open {
		if !fired[i] {
			sids = append(sids, rs.open[i].SID)
		}
	}
	if len(sids) == 0 {
		return nil
	}
	slices.Sort(sids)
	states, err := st.StudentStates(ctx, slices.Compact(sids))
	if err != nil {
		return err
	}
	for i := range rs.open {
		if a := &rs.open[i]; !fired[i] {
			s := states[a.SID]
			a.StudentID, a.StudentStatus, a.StudentSchool = s.ID, s.Status, s.School
		}
	}
	return nil
}

// readState reads the lifecycle state; it hands the open alerts to msgs as
// soon as it has them (and lets msgs go, empty, if it fails before). zone
// is the installation's time zone, in which the day a teacher closed a
// task is read. The open alerts, the open tasks and the rest are read at
// once, each on a connection of its own: read one after the other beside
// a city's scan, they were done after it.
func readState(ctx context.Context, st *store.Store, t civil.Day, zone *time.Location, msgs *messageNeed) (*runState, error) {
	rs := &runState{}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		rs.open, err = st.OpenAlerts(ctx)
		rs.index = make(openBy, len(rs.open))
		msgs.last = make([]civil.Day, len(rs.open))
		msgs.handled = make([]civil.Day, len(rs.open))
		for i, a := range rs.open {
			rs.index[store.AlertKey{Rule: a.Rule, SID: a.SID}] = i
			msgs.last[i], _ = civil.ParseDay(a.LastNotifiedAt)
			msgs.handled[i] = noDay
			if a.TaskID.Valid && !a.TaskLeft && !a.TaskOpen() {
				if closed, err := store.ParseTime(a.TaskClosedAt.String); err == nil {
					msgs.handled[i] = civil.DayOf(closed.In(zone))
				} else {
					msgs.handled[i] = 0
				}
			}
		}
		msgs.open, msgs.index = rs.open, rs.index
		close(msgs.ready)
		return err
	})
	g.Go(func() (err error) {
		rs.tasks, err = st.OpenTasks(ctx)
		return err
	})
	g.Go(func() error {
		schools, teachers, err := st.Directory(ctx)
		if err != nil {
			return err
		}
		rs.dir = newDirectory(schools, teachers)
		if rs.overdue, err = st.OverdueTasks(ctx, t.String()); err != nil {
			return err
		}
		rs.undelivered, err = st.UnreportedOutbox(ctx)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// (Indexed here, while the students are scanned: a city's open tasks
	// took a tenth of the decision's time to index after it.)
	rs.taskIdx = indexTasks(rs.tasks, rs.open)
	return rs, nil
}

// latestRunReader is a Store, or the run's Tx.
type latestRunReader interface {
	LatestRunAt(ctx context.Context) (string, error)
}

// checkNotEarlier refuses a T before the latest committed run's, as db
// (the Store, or the run's transaction) sees it.
func checkNotEarlier(ctx context.Context, db latestRunReader, t civil.Day) error {
	latest, err := db.LatestRunAt(ctx)
	if err != nil {
		return err
	}
	if latest != "" && t.String() < latest {
		return i18n.Errorf("engine.refuse.earlier", ErrEarlierThanLatest, t.String(), latest)
	}
	return nil
}

// write applies a plan in the run's transaction.
// digests gives the run's notifications once the escalations are known
// (startNotifications). Each step's time goes to phase (the debug log).
func write(ctx context.Context, tx *store.Tx, runID int64, p *plan, t civil.Day, now string,
	digests func([]Escalation) ([]store.OutboxMessage, error), phase func(string, ...any)) error {
	at := t.String()
	n := 0
	for i := range p.decisions {
		if p.decisions[i].line.New {
			n++
		}
	}
	opens := make([]store.NewAlert, 0, n)
	opened := make([]int, 0, n) // the decisions of opens
	for i := range p.decisions {
		if d := &p.decisions[i]; d.line.New {
			opens = append(opens, store.NewAlert{Rule: d.rule.ID, SID: d.stu.SID, SchoolID: d.stu.School,
				Severity: d.line.Severity, Message: d.message, InhibitedBy: strings.Join(d.line.InhibitedBy, ",")})
			opened = append(opened, i)
		}
	}
	ids, err := tx.InsertAlerts(ctx, runID, at, opens)
	if err != nil {
		return err
	}
	for k, i := range opened {
		p.decisions[i].alertID = ids[k]
	}
	phase("write alerts", "new", len(opens))
	if err := tx.MarkAlertsNotified(ctx, at, p.notifyIDs); err != nil {
		return err
	}
	if err := writeRaises(ctx, tx, p); err != nil {
		return err
	}
	if err := writeInhibitions(ctx, tx, p, at); err != nil {
		return err
	}
	if err := tx.ResolveAlerts(ctx, runID, at, "resolved", p.resolvedIDs); err != nil {
		return err
	}
	if err := tx.ResolveAlerts(ctx, runID, at, "rule_retired", p.retiredIDs); err != nil {
		return err
	}
	for _, o := range sortedKeys(p.leftIDs) {
		if err := tx.ResolveAlerts(ctx, runID, at, o, p.leftIDs[o]); err != nil {
			return err
		}
	}
	// Tasks close before others are created: a key is open once at most.
	for _, o := range sortedKeys(p.closing) {
		if err := tx.CloseTasks(ctx, now, o, p.closing[o]); err != nil {
			return err
		}
	}
	assign := make([]store.PairingAssignment, len(p.pairings))
	for i, pr := range p.pairings {
		assign[i] = store.PairingAssignment{SID: pr.sid, Teacher: pr.Teacher, Reason: pr.Rule + ": " + pr.Reason}
	}
	phase("write lifecycle")
	if _, err := tx.AssignPairings(ctx, runID, assign, now); err != nil {
		return err
	}
	phase("write pairings", "pairings", len(assign))
	creates, grows := taskWrites(p)
	if _, err := tx.InsertTasks(ctx, runID, at, creates); err != nil {
		return err
	}
	if err := tx.GrowTasks(ctx, runID, at, grows); err != nil {
		return err
	}
	phase("write tasks", "new", len(creates), "grown", len(grows))
	var escalated []Escalation
	for _, e := range p.escalations {
		ok, err := tx.EscalateTask(ctx, runID, e.Task, e.Level, at)
		if err != nil {
			return err
		}
		if ok {
			escalated = append(escalated, e)
		}
	}
	reported := make([]int64, len(p.undelivered))
	for i, u := range p.undelivered {
		reported[i] = u.ID
	}
	if err := tx.ReportOutbox(ctx, runID, reported); err != nil {
		return err
	}
	phase("write escalations", "escalated", len(escalated))
	msgs, err := digests(escalated)
	if err != nil {
		return err
	}
	phase("write digests", "digests", len(msgs))
	if err := tx.Enqueue(ctx, now, msgs); err != nil {
		return err
	}
	phase("write outbox", "notifications", len(msgs))
	return nil
}

// writeInhibitions records which open alerts are inhibited now, and by
// which rules, and takes those that became inhibited off the open tasks
// they are reasons of, before any task closes (the tasks left with no open
// reason close with the others, as "inhibited") and before the run's tasks
// are written: an alert active again may join its task again.
func writeInhibitions(ctx context.Context, tx *store.Tx, p *plan, at string) error {
	values := make([]string, 0, len(p.inhibitedBy))
	for by := range p.inhibitedBy {
		values = append(values, by)
	}
	sort.Strings(values)
	for _, by := range values {
		if err := tx.SetAlertsInhibitedBy(ctx, by, p.inhibitedBy[by]); err != nil {
			return err
		}
	}
	return tx.LeaveTasks(ctx, at, p.leaving)
}

// taskWrites turns the run's tasks into the tasks to create and the open
// tasks to grow, each with its new reasons (the alerts' ids known). Tasks
// are created in the order their alerts fire, pairing tasks last.
// writeRaises raises the severity of the open alerts that came to inhibit
// a more severe one, and of their open tasks, lowest severity first so that
// a task raised twice keeps the higher. A task the run also gives reasons
// is raised again by GrowTasks, to the highest of all (written after).
func writeRaises(ctx context.Context, tx *store.Tx, p *plan) error {
	for _, sev := range rules.Severities() {
		if len(p.raised[sev]) == 0 && len(p.raisedTasks[sev]) == 0 {
			continue
		}
		if err := tx.RaiseSeverity(ctx, sev, p.raised[sev], p.raisedTasks[sev]); err != nil {
			return err
		}
	}
	return nil
}

func taskWrites(p *plan) (creates []store.NewTask, grows []store.TaskGrowth) {
	ordered := make([]*runTask, 0, len(p.tasks))
	for _, pairing := range []bool{false, true} {
		for _, rt := range p.tasks {
			if rt.pairing == pairing {
				ordered = append(ordered, rt)
			}
		}
	}
	raisedTo := map[int64]string{}
	for sev, ids := range p.raisedTasks {
		for _, id := range ids {
			if rules.SeverityRank(sev) > rules.SeverityRank(raisedTo[id]) {
				raisedTo[id] = sev
			}
		}
	}
	creates = make([]store.NewTask, 0, len(ordered))
	for _, rt := range ordered {
		reasons := make([]store.NewReason, len(rt.reasons))
		for j, i := range rt.reasons {
			d := &p.decisions[i]
			reasons[j] = store.NewReason{AlertID: d.alertID, Rule: d.rule.ID, Severity: d.line.Severity, Since: d.since,
				Message: d.message, Rejoin: d.rejoin}
		}
		if rt.id != 0 {
			sev := rt.severity
			if r := raisedTo[rt.id]; rules.SeverityRank(r) > rules.SeverityRank(sev) {
				sev = r // (writeRaises wrote r before; GrowTasks writes the highest)
			}
			grows = append(grows, store.TaskGrowth{ID: rt.id, Due: rt.due, Severity: sev, Reasons: reasons})
			continue
		}
		nt := store.NewTask{SID: rt.key.SID, SchoolID: rt.school, Kind: rt.key.Kind, Rule: rt.rule,
			Assignee: rt.key.Assignee, Due: rt.due, Severity: rt.severity, Note: rt.note, Reasons: reasons}
		if rt.forAlert && len(reasons) > 0 {
			nt.AlertID = sql.NullInt64{Int64: reasons[0].AlertID, Valid: true}
		}
		creates = append(creates, nt)
	}
	return creates, grows
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string][]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// retireError names the rules whose alerts a writing run would retire, and
// whether each was removed or disabled.
func retireError(byRule map[string]int, set *rules.Set) error {
	list, total := RetireList(byRule, set)
	return i18n.Errorf("engine.refuse.retire", ErrRetire, list, total)
}

// messageList is messages a person reads as one list, joined as the
// reader's language joins a list.
type messageList []i18n.Message

// Localize renders the list in p's language.
func (l messageList) Localize(p *i18n.Printer) string {
	parts := make([]string, len(l))
	for i, m := range l {
		parts[i] = p.Text(m)
	}
	return strings.Join(parts, p.Sprintf("common.list.sep"))
}

func noStudents() error {
	return i18n.Errorf("engine.refuse.no_students", ErrNoStudents)
}
