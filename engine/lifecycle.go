package engine

import (
	"cmp"
	"encoding/binary"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"baoxue/civil"
	"baoxue/rules"
	"baoxue/store"
)

// AlertLine is one `alert` line of `eval --json` (SPEC §7). InhibitedBy
// are the rules firing for the same student that inhibit this alert (SPEC
// §5 `inhibits`), sorted, left out when none does: an inhibited alert is
// kept but neither notified nor given a task.
type AlertLine struct {
	Type        string    `json:"type"`
	Rule        string    `json:"rule"`
	Student     string    `json:"student"`
	School      string    `json:"school"`
	Severity    string    `json:"severity"`
	Recipients  []string  `json:"recipients"`
	New         bool      `json:"new"`
	Notified    bool      `json:"notified"`
	InhibitedBy []string  `json:"inhibited_by,omitempty"`
	Task        *TaskLine `json:"task,omitempty"`
	// Message is the rule's message rendered for the student, stored with
	// an alert that opens and sent with a notification; "" (left out) when
	// the run rendered none: a rule without a message, or, unless
	// Options.Messages, a dry run or an open alert within its cooldown.
	Message string `json:"message,omitempty"`
}

// Alert is one alert a run found firing, in one record: its line of
// `eval --json` (with the message), the rule that fired and the student.
// NewTask says the run created (a dry run: would create) the task of the
// line; an alert that joins a task another alert asked for, in this run or
// before, has one that is not new (SPEC §7).
type Alert struct {
	Line    AlertLine
	Rule    *rules.Rule
	Student *FiredStudent
	NewTask bool
}

// Inhibited reports whether the alert is inhibited: kept, not notified,
// no task (SPEC §7).
func (a *Alert) Inhibited() bool { return len(a.Line.InhibitedBy) > 0 }

// TaskLine is the follow-up task of an alert.
type TaskLine struct {
	Kind     string `json:"kind"`
	Assignee string `json:"assignee"`
	Due      string `json:"due"`
}

// ResolvedLine is one `resolved` line: an alert that was open and no longer fires.
type ResolvedLine struct {
	Type    string `json:"type"`
	Rule    string `json:"rule"`
	Student string `json:"student"`
	School  string `json:"school"`
}

// Escalation is an overdue task escalated at this run.
type Escalation struct {
	Task    int64    `json:"task"`
	Level   int      `json:"level"` // 1: the school's principal; 2: the center admins
	Student string   `json:"student"`
	School  string   `json:"school"`
	Rule    string   `json:"rule"`
	Due     string   `json:"due"`
	To      []string `json:"to"`
	key     string
	name    string
}

// decision is what a writing run does with one firing.
type decision struct {
	firing
	line AlertLine
	// alertID is the open alert's id (firing.open; a new one's is known
	// once written); since is the day the alert opened.
	alertID int64
	since   string
	// task is the task the firing is a reason of from this run on: one
	// the run creates, or an open one it joins; nil when the firing asks
	// for no task (its alert already has one, its rule none, nobody to
	// assign it to, or it is inhibited). rejoin: that task is the open one
	// the alert's reason left when it was inhibited (it joins it again).
	task   *runTask
	rejoin bool
	// firstNotice: the alert is notified for the first time, though not
	// new (it opened inhibited and is active now): digests show it as new.
	firstNotice bool
}

// inhibited reports whether the firing's alert is inhibited (SPEC §7).
func (d *decision) inhibited() bool { return len(d.line.InhibitedBy) > 0 }

// runTask is a task a run creates, or an open task to which it adds
// reasons (SPEC §7: a task is per student, kind and assignee).
type runTask struct {
	// id is the open task's; 0 for a task this run creates.
	id     int64
	key    store.TaskKey
	school string
	// rule is the rule of its first reason (of the pairing, for a pairing
	// task), as tasks.rule records it.
	rule     string
	due      string // the earliest of its reasons'
	severity string // the highest of its reasons'
	note     string
	// forAlert: created for an alert, so it closes by itself when its
	// reasons end; a pairing task (and a ledger task) waits for a person.
	forAlert bool
	pairing  bool
	stu      *FiredStudent
	// reasons are the decisions (indexes in plan.decisions) it gains;
	// kept the open alerts (indexes in lifecycle.open) that stay its
	// reasons.
	reasons []int
	kept    []int
	// digest are its reasons as the assignee's digest lists them.
	digest []DigestReason
}

// plan is everything a run decided, before (or instead of) writing it.
type plan struct {
	decisions   []decision
	resolved    []ResolvedLine
	resolvedIDs []int64
	// retired are open alerts whose rule is no longer loaded or is
	// disabled: they end as rule_retired, never as solved.
	retired    []ResolvedLine
	retiredIDs []int64
	// leftIDs are resolved alerts of students no longer evaluated
	// (transferred, dropped, graduated, …): they end as
	// "student_<status>", not "resolved", so nobody reads a dropout as
	// solved.
	leftIDs   map[string][]int64
	notifyIDs []int64
	// inhibitedBy are the open alerts whose inhibiting rules change, by
	// the new value of inhibited_by ("": active again); leaving are the
	// alerts that became inhibited while reasons of an open task: their
	// reasons leave it (SPEC §7).
	inhibitedBy map[string][]int64
	leaving     []int64
	pairings    []Pairing
	// tasks are the tasks the run creates or gives reasons, in the order
	// they were first asked for (pairing tasks first); taskOf indexes them.
	tasks  []*runTask
	taskOf map[store.TaskKey]*runTask
	// closing are the open tasks whose last open reasons end or leave in
	// this run, by outcome (how the last of them ended), each list in id
	// order.
	closing     map[string][]int64
	escalations []Escalation
	gaps        []Gap
	unreported  []Unreported
	// undelivered are the notifications of earlier runs to report.
	undelivered []undelivered
	// raised are the open alerts whose severity rises (they came to
	// inhibit a more severe alert), raisedTasks their open tasks that
	// rise with them and gain no reason in this run, by the new severity.
	raised, raisedTasks map[string][]int64
	// atRisk counts the students for whom a rule fires; newAtRisk those
	// of them who had no open alert before the run.
	atRisk, newAtRisk int
}

// addTask records a task the run creates or grows.
func (p *plan) addTask(rt *runTask) {
	p.tasks = append(p.tasks, rt)
	p.taskOf[rt.key] = rt
}

// openBy indexes open alerts by (rule, student): it is built once per run,
// while the students are scanned, and serves both the workers (which
// messages to render) and decide.
type openBy map[store.AlertKey]int

// lifecycle is what the alert lifecycle of one run at T decides from,
// besides what fired: the open alerts (index being open indexed by openBy)
// and the open tasks (tasks indexed by taskIdx), the rule set and campaign
// of the run, the directory, the calendar, the pairing loads and cap, the
// installation's time zone (the day a teacher closed a task is read in
// it), and frozen, the schools whose students were not evaluated
// (attendance not reported): their students' open alerts stay as they
// are. It reads no database: evaluate builds it once per run.
type lifecycle struct {
	open     []store.OpenAlert
	index    openBy
	tasks    []store.OpenTask
	taskIdx  taskIndex
	set      *rules.Set
	campaign string
	dir      *directory
	cal      *Calendar
	loads    map[string]int // updated by pairing
	pairCap  int
	t        civil.Day
	zone     *time.Location
	frozen   map[string]bool
	// today is t as text, the day a new alert opens (set by decide).
	today string
	// workers is how many goroutines decide may use (0: one).
	workers int
}

// taskIndex finds open tasks (by index in their slice) by key, and the
// open task of each open alert.
type taskIndex struct {
	tasks []store.OpenTask
	// head is the last open task of each student, next the one before
	// it of the same student, -1 at the end: a task is found by its sid,
	// a number, then by kind and assignee. (Keyed by all three, hashed, a
	// city's open tasks took 0.16 s of CPU to index; chained, the whole
	// index takes 0.10 s.)
	head map[int64]int
	next []int
	// ofAlert is the index of each open alert's current task, by the
	// alert's index, -1 when that task is not open.
	ofAlert []int
}

// indexTasks indexes the open tasks ts, and the tasks of the open alerts
// open. An alert's task is found by id, a number, and checked against its
// key (an open task is the only open one of its key: tasks_open_key).
// Found by key in the decision, a city's open alerts' tasks hashed their
// kind and assignee, a third of the decision's time, on one core; readState
// indexes them while the students are scanned.
func indexTasks(ts []store.OpenTask, open []store.OpenAlert) taskIndex {
	idx := taskIndex{tasks: ts, head: make(map[int64]int, len(ts)), next: make([]int, len(ts)), ofAlert: make([]int, len(open))}
	byID := make(map[int64]int, len(ts))
	for i, t := range ts {
		idx.next[i] = -1
		if j, ok := idx.head[t.SID]; ok {
			idx.next[i] = j
		}
		idx.head[t.SID] = i
		byID[t.ID] = i
	}
	for i := range open {
		a := &open[i]
		idx.ofAlert[i] = -1
		if j, ok := byID[a.TaskID.Int64]; ok && a.TaskID.Valid {
			if t := &ts[j]; t.SID == a.SID && t.Kind == a.TaskKind.String && t.Assignee == a.TaskAssignee.String {
				idx.ofAlert[i] = j
			}
		}
	}
	return idx
}

// find returns the index of the open task of key k (the last, if there
// were more).
func (idx *taskIndex) find(k store.TaskKey) (int, bool) {
	j, ok := idx.head[k.SID]
	for ok && j >= 0 {
		if t := &idx.tasks[j]; t.Kind == k.Kind && t.Assignee == k.Assignee {
			return j, true
		}
		j = idx.next[j]
	}
	return 0, false
}

// taskOf returns the index in l.tasks of the current task of open alert i
// (in l.open), if that task is open.
func (l *lifecycle) taskOf(i int) (int, bool) {
	j := l.taskIdx.ofAlert[i]
	return j, j >= 0
}

// decide compares what fired with the open alerts and tasks (SPEC §7's
// table), in output order (sortFirings). Each firing knows its open alert
// and stillFiring the open alerts that fire (matchOpen).
func (l *lifecycle) decide(fs []firing, stillFiring []bool) *plan {
	p := &plan{decisions: make([]decision, 0, len(fs)), taskOf: map[store.TaskKey]*runTask{}, closing: map[string][]int64{}}
	l.today = l.t.String()
	fs = sortFirings(fs, l.set, l.workers)
	x := newFiringIndex(fs, l.set)
	inhibited := inhibitions(fs, x)
	severity := raisedSeverities(fs, inhibited, x)
	l.pair(p, fs, inhibited, severity)

	routes := l.route(fs)
	// The students are counted beside the decisions, which run on one
	// core (it reads only fs and l.open).
	var counted sync.WaitGroup
	counted.Go(func() { l.countStudents(p, fs) })
	for j, f := range fs {
		// (Filled in place: a city's decisions copied in were a tenth of
		// the decision's time.)
		p.decisions = append(p.decisions, decision{})
		l.decideFiring(p, &p.decisions[len(p.decisions)-1], f, inhibited[j], severity[j], routes[j])
		l.askTask(p, len(p.decisions)-1)
	}
	l.end(p, stillFiring)
	counted.Wait()
	l.taskLines(p)
	sortLines(p.resolved)
	sortLines(p.retired)
	return p
}

// matchOpen finds the open alert of each firing of fs in index (of the n
// open alerts), setting firing.open, and returns which of the open alerts
// fire. The lookups are split among workers goroutines: a city's 200,000
// firings each probe a map of as many open alerts, a fifth of the
// decision's time, which runs on one core. (Each open alert is the one
// of at most one firing, so the goroutines write apart.)
func matchOpen(index openBy, n int, fs []firing, workers int) []bool {
	fired := make([]bool, n)
	match := func(fs []firing) {
		for j := range fs {
			f := &fs[j]
			i, ok := index[store.AlertKey{Rule: f.rule.ID, SID: f.stu.SID}]
			if !ok {
				f.open = -1
				continue
			}
			f.open = i
			fired[i] = true
		}
	}
	// (Not worth a goroutine below a few thousand firings.)
	parts := max(1, min(workers, len(fs)/4096))
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() { match(fs[len(fs)*k/parts : len(fs)*(k+1)/parts]) })
	}
	wg.Wait()
	return fired
}

// routed is whom a firing's alert is for: its recipients, and the
// fallbacks used to find them (directory.recipients).
type routed struct {
	recipients []string
	gaps       []Gap
}

// route finds the recipients of each firing of fs, on the workers: a
// directory that is only read, looked up for a city's 200,000 firings,
// was a sixth of the decision's time on one core. (After pairing: a
// firing may notify the teacher its student was just paired with.)
func (l *lifecycle) route(fs []firing) []routed {
	out := make([]routed, len(fs))
	parts := max(1, min(l.workers, len(fs)/4096))
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() {
			for j := len(fs) * k / parts; j < len(fs)*(k+1)/parts; j++ {
				f := &fs[j]
				out[j].recipients, out[j].gaps = l.dir.recipients(f.rule.Notify, f.stu, f.rule.ID)
			}
		})
	}
	wg.Wait()
	return out
}

// decideFiring decides one firing's alert into d (f.open is its open alert,
// -1 when it has none); inhibitedBy are the rules inhibiting it (nil:
// none), severity its severity (raisedSeverities), r its recipients.
// Gaps, reminders and changes of inhibition go to p.
func (l *lifecycle) decideFiring(p *plan, d *decision, f firing, inhibitedBy []string, severity string, r routed) {
	*d = decision{firing: f, since: l.today, line: AlertLine{Type: "alert", Rule: f.rule.ID,
		Student: f.stu.ID, School: f.stu.School, Severity: severity, InhibitedBy: inhibitedBy, Recipients: r.recipients}}
	if inhibitedBy == nil { // an inhibited alert reaches nobody: no fallback is used
		p.gaps = append(p.gaps, r.gaps...)
	}
	if d.line.Recipients == nil {
		d.line.Recipients = []string{}
	}
	if f.open < 0 {
		// New; inhibited, it is kept and marked: not notified, no task.
		d.line.New, d.line.Notified = true, inhibitedBy == nil
		return
	}
	a := &l.open[f.open]
	d.alertID, d.since = a.ID, a.OpenedAt
	// It came to inhibit a more severe alert: it says so now (notified at
	// once, below), its stored severity and its open task's rise.
	rises := rules.SeverityRank(severity) > rules.SeverityRank(a.Severity)
	if rises {
		if p.raised == nil {
			p.raised = map[string][]int64{}
		}
		p.raised[severity] = append(p.raised[severity], a.ID)
	}
	if by := strings.Join(inhibitedBy, ","); by != a.InhibitedBy {
		if p.inhibitedBy == nil {
			p.inhibitedBy = map[string][]int64{}
		}
		p.inhibitedBy[by] = append(p.inhibitedBy[by], a.ID)
	}
	switch {
	case inhibitedBy != nil:
		// Inhibited: the inhibiting rule's alert speaks, with its task;
		// this alert's reason leaves the open task it is a reason of (the
		// task closes when no other reason of it is left, see end).
		if a.TaskOpen() {
			p.leaving = append(p.leaving, a.ID)
		}
	case a.InhibitedBy != "":
		// Active again, the inhibiting rules no longer firing: notified
		// at once, whatever the cooldown; it asks for its task (askTask).
		d.line.Notified, d.firstNotice = true, a.LastNotifiedAt == ""
		p.notifyIDs = append(p.notifyIDs, a.ID)
	default:
		d.line.Notified = rises || cooldownElapsed(a.LastNotifiedAt, l.t, f.rule.Cooldown)
		if d.line.Notified {
			p.notifyIDs = append(p.notifyIDs, a.ID)
		}
	}
}

// askTask decides whether decision i asks for its rule's task, and makes it
// a reason of that task. An inhibited alert never asks. A new alert asks;
// an open alert asks again when a teacher closed its task and its rule's
// cooldown has passed since the day they did (a task they closed handled
// the reason), and when it is active again after an inhibition: at once if
// its reason left its task then, or if it never had a task (it opened
// inhibited). The task is the open one of the same student, kind and
// assignee if there is one (the reason joins it, or joins again the task
// it left), else a new one.
func (l *lifecycle) askTask(p *plan, i int) {
	d := &p.decisions[i]
	tk := d.rule.Task
	if tk == nil || d.inhibited() {
		return
	}
	var left int64 // the open task its reason left, when inhibited
	if d.open >= 0 {
		a := &l.open[d.open]
		switch {
		case a.TaskOpen():
			l.raiseTask(p, d.open, d.line.Severity)
			return
		case a.TaskLeft:
			left = a.TaskID.Int64
		case !a.TaskID.Valid:
			if a.InhibitedBy == "" { // (none was made when it opened: a gap, reported then)
				return
			}
		case !handledBefore(a, l.t, d.rule.Cooldown, l.zone):
			return
		}
	}
	assignee, gaps := l.dir.assignee(tk.Assign, d.stu, d.rule.ID)
	p.gaps = append(p.gaps, gaps...)
	if assignee == "" { // a gap, reported: a task nobody holds is not created
		return
	}
	due := dueDate(l.cal, d.stu.School, l.t, tk.Due).String()
	k := store.TaskKey{SID: d.stu.SID, Kind: tk.Kind, Assignee: assignee}
	rt := p.taskOf[k]
	if rt == nil {
		rt = &runTask{key: k, school: d.stu.School, rule: d.rule.ID, due: due, severity: d.line.Severity, forAlert: true, stu: d.stu}
		if j, ok := l.taskIdx.find(k); ok {
			ot := &l.tasks[j]
			rt.id, rt.due, rt.severity, rt.forAlert = ot.ID, ot.Due, ot.Severity, ot.ForAlert
		}
		p.addTask(rt)
	}
	rt.due = min(rt.due, due)
	if rules.SeverityRank(d.line.Severity) > rules.SeverityRank(rt.severity) {
		rt.severity = d.line.Severity
	}
	rt.reasons = append(rt.reasons, i)
	d.task, d.rejoin = rt, left != 0 && rt.id == left
}

// raiseTask raises the open task open alert i (in l.open) is a reason of to
// severity, if that is higher than the task's: through the run's task if
// the run gives it reasons too, else on its own (written after them).
func (l *lifecycle) raiseTask(p *plan, i int, severity string) {
	a := &l.open[i]
	j, ok := l.taskOf(i)
	if !ok || rules.SeverityRank(severity) <= rules.SeverityRank(l.tasks[j].Severity) {
		return
	}
	if p.raisedTasks == nil {
		p.raisedTasks = map[string][]int64{}
	}
	p.raisedTasks[severity] = append(p.raisedTasks[severity], a.TaskID.Int64)
}

// handledBefore reports whether the alert's current task, closed by a
// teacher, was closed at least cooldown before T: the whole days from the
// day it closed (in zone) to T reach the cooldown. A close instant that
// does not read counts as long ago.
func handledBefore(a *store.OpenAlert, t civil.Day, cooldown time.Duration, zone *time.Location) bool {
	closed, err := store.ParseTime(a.TaskClosedAt.String)
	if err != nil {
		return true
	}
	return time.Duration(t-civil.DayOf(closed.In(zone)))*24*time.Hour >= cooldown
}

// digestReasons lists, for each task of the run, the reasons it has after
// the run, as the assignee's digest shows them: the open alerts that stay
// its reasons and those that join it, by the day they opened, then by rule.
// Only a writing run, which sends digests, needs them.
func (l *lifecycle) digestReasons(p *plan) {
	// An open alert that fired says its severity of this run (raised when
	// it came to inhibit a more severe one).
	raised := map[int]string{}
	for i := range p.decisions {
		if d := &p.decisions[i]; d.open >= 0 && d.line.Severity != l.open[d.open].Severity {
			raised[d.open] = d.line.Severity
		}
	}
	for _, rt := range p.tasks {
		rs := make([]DigestReason, 0, len(rt.kept)+len(rt.reasons))
		for _, i := range rt.kept {
			a := &l.open[i]
			r := l.set.Rule(a.Rule)
			sev := a.Severity
			if s, ok := raised[i]; ok && rules.SeverityRank(s) > rules.SeverityRank(sev) {
				sev = s
			}
			dr := DigestReason{Rule: a.Rule, Sensitive: true, Severity: sev, Since: a.OpenedAt}
			if r != nil {
				dr.RuleName, dr.Sensitive = r.Name, r.Sensitive
			}
			rs = append(rs, dr)
		}
		for _, i := range rt.reasons {
			d := &p.decisions[i]
			rs = append(rs, DigestReason{Rule: d.rule.ID, RuleName: d.rule.Name, Sensitive: d.rule.Sensitive,
				Severity: d.line.Severity, Since: d.since, New: true})
		}
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].Since != rs[j].Since {
				return rs[i].Since < rs[j].Since
			}
			return rs[i].Rule < rs[j].Rule
		})
		if len(rs) > 0 {
			rt.digest = rs
		}
	}
}

// taskLines fills each alert line's task: the task the alert is a reason
// of as the run leaves it (its due date the earliest of its reasons'), or
// the task a teacher closed while the alert still fires; an inhibited
// alert's line has none.
func (l *lifecycle) taskLines(p *plan) {
	for i := range p.decisions {
		d := &p.decisions[i]
		switch {
		case d.inhibited():
			// (no task: the inhibiting rule's alert speaks, with its own)
		case d.task != nil:
			d.line.Task = &TaskLine{Kind: d.task.key.Kind, Assignee: d.task.key.Assignee, Due: d.task.due}
		case d.open >= 0 && l.open[d.open].TaskID.Valid && !l.open[d.open].TaskLeft:
			a := &l.open[d.open]
			due := a.TaskDue.String
			if rt := p.taskOf[store.TaskKey{SID: a.SID, Kind: a.TaskKind.String, Assignee: a.TaskAssignee.String}]; rt != nil &&
				rt.id == a.TaskID.Int64 {
				due = rt.due
			}
			d.line.Task = &TaskLine{Kind: a.TaskKind.String, Assignee: a.TaskAssignee.String, Due: due}
		}
	}
}

// firingIndex finds a firing of fs (in output order) by rule and student,
// for inhibitions and raisedSeverities. Its keys are numbers, the sid and
// the rule's place in the set: a city's 200,000 firings, keyed by rule id
// and sid, in two maps, took a seventh of the decision's time.
type firingIndex struct {
	place map[string]uint64 // a rule's place in the set, by id
	at    map[uint64]int    // index in fs, by key
}

// newFiringIndex indexes fs, or returns nil when no rule of set is
// inhibited by another (nothing needs the index).
func newFiringIndex(fs []firing, set *rules.Set) *firingIndex {
	inhibits := false
	for _, r := range set.Rules {
		inhibits = inhibits || len(r.InhibitedBy()) > 0
	}
	if !inhibits {
		return nil
	}
	x := &firingIndex{place: make(map[string]uint64, len(set.Rules)), at: make(map[uint64]int, len(fs))}
	byRule := make(map[*rules.Rule]uint64, len(set.Rules))
	for i, r := range set.Rules {
		x.place[r.ID], byRule[r] = uint64(i), uint64(i)
	}
	for i, f := range fs {
		x.at[x.key(byRule[f.rule], f.stu.SID)] = i
	}
	return x
}

// key is the key of rule place's firing for student sid.
func (x *firingIndex) key(place uint64, sid int64) uint64 {
	return uint64(sid)*uint64(len(x.place)) + place
}

// find returns the index in fs of rule's firing for student sid, if it fired.
func (x *firingIndex) find(rule string, sid int64) (int, bool) {
	place, ok := x.place[rule]
	if !ok {
		return 0, false
	}
	i, ok := x.at[x.key(place, sid)]
	return i, ok
}

// inhibitions returns, for each firing of fs, the rules that inhibit it:
// those among the rules listing its rule in `inhibits` that fired for the
// same student in this run, sorted (nil when none did). Only rules that
// ran can have fired, and rules.Compile makes sure an inhibitor runs in
// every run its targets run in. x indexes fs (nil: no rule inhibits).
func inhibitions(fs []firing, x *firingIndex) [][]string {
	out := make([][]string, len(fs))
	if x == nil {
		return out
	}
	for i, f := range fs {
		for _, id := range f.rule.InhibitedBy() {
			if _, ok := x.find(id, f.stu.SID); ok {
				out[i] = append(out[i], id)
			}
		}
	}
	return out
}

// countStudents counts the students fs fires for, and those of them with no
// open alert before the run: a person counts children, not rule firings
// (SPEC §7). Sorted slices of a city's sids cost a tenth of two maps.
func (l *lifecycle) countStudents(p *plan, fs []firing) {
	fired := make([]int64, len(fs))
	for i, f := range fs {
		fired[i] = f.stu.SID
	}
	had := make([]int64, len(l.open))
	for i := range l.open {
		had[i] = l.open[i].SID
	}
	slices.Sort(fired)
	slices.Sort(had)
	fired, had = slices.Compact(fired), slices.Compact(had)
	p.atRisk = len(fired)
	j := 0
	for _, sid := range fired {
		for j < len(had) && had[j] < sid {
			j++
		}
		if j == len(had) || had[j] != sid {
			p.newAtRisk++
		}
	}
}

// raisedSeverities returns, for each firing of fs, its alert's severity:
// its rule's, raised to the highest severity of the firings it inhibits
// (inhibited[i] are the rules inhibiting fs[i]), through chains of
// inhibition. The specific rule speaks for the general one and must not
// speak more softly: a grade 9 left-behind child's left-behind-absence
// (medium) inhibits grade9-absence (high) and is told, routed and given
// its task as high (SPEC §7). x indexes fs (nil: no rule inhibits).
func raisedSeverities(fs []firing, inhibited [][]string, x *firingIndex) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.rule.Severity
	}
	if x == nil {
		return out
	}
	// rules.Compile refuses cycles, so each round settles one more link
	// of the longest chain; a chain is at most as long as the rules.
	for changed := true; changed; {
		changed = false
		for i, by := range inhibited {
			for _, id := range by {
				j, _ := x.find(id, fs[i].stu.SID)
				if rules.SeverityRank(out[i]) > rules.SeverityRank(out[j]) {
					out[j], changed = out[i], true
				}
			}
		}
	}
	return out
}

// end decides the open alerts that did not fire (stillFiring[i] false for
// l.open[i]). An open alert resolves when its rule ran and did not fire; it
// retires when its rule is gone or disabled. Alerts of rules that did not
// run in this (non-)campaign run, and of students whose school was not
// evaluated, stay as they are. An open task whose open reasons all end or
// leave it (their alerts became inhibited, p.leaving), and that gains none,
// closes, with the outcome of the worst way one of them ended (see
// worseOutcome; "inhibited" for a reason that left), if it was created for
// an alert.
func (l *lifecycle) end(p *plan, stillFiring []bool) {
	byID := map[string]*rules.Rule{}
	for _, r := range l.set.Rules {
		byID[r.ID] = r
	}
	grown := map[int64]*runTask{}
	for _, rt := range p.tasks {
		if rt.id != 0 {
			grown[rt.id] = rt
		}
	}
	// fate is how an open task's reasons stand after the run.
	type fate struct {
		staying  int
		outcome  string
		forAlert bool
	}
	leaving := make(map[int64]bool, len(p.leaving))
	for _, id := range p.leaving {
		leaving[id] = true
	}
	fates := map[int64]*fate{}
	for i := range l.open {
		a := &l.open[i]
		ending := l.endAlert(p, a, byID[a.Rule], stillFiring[i])
		if !a.TaskOpen() {
			continue
		}
		if ending == "" && leaving[a.ID] {
			ending = "inhibited"
		}
		f := fates[a.TaskID.Int64]
		if f == nil {
			f = &fate{forAlert: true}
			if j, ok := l.taskOf(i); ok {
				f.forAlert = l.tasks[j].ForAlert
			}
			fates[a.TaskID.Int64] = f
		}
		if ending == "" {
			f.staying++
			if rt := grown[a.TaskID.Int64]; rt != nil {
				rt.kept = append(rt.kept, i)
			}
			continue
		}
		f.outcome = worseOutcome(f.outcome, ending)
	}
	for id, f := range fates {
		if f.staying == 0 && f.forAlert && grown[id] == nil {
			p.closing[f.outcome] = append(p.closing[f.outcome], id)
		}
	}
	for _, ids := range p.closing {
		slices.Sort(ids)
	}
}

// endAlert decides one open alert that did not fire, or (fires true) did,
// and returns how it ends in this run ("" when it stays open).
func (l *lifecycle) endAlert(p *plan, a *store.OpenAlert, r *rules.Rule, fires bool) string {
	enrolled := atSchool(a.StudentStatus)
	retired := r == nil || !r.Enabled
	switch {
	case retires(r, a.StudentStatus):
		// (A student who left closes as such even when the rule went
		// too: a dropout must not read as a retired rule.)
		p.retiredIDs = append(p.retiredIDs, a.ID)
		p.retired = append(p.retired, ResolvedLine{Type: "retired", Rule: a.Rule, Student: a.StudentID, School: a.SchoolID})
		return "rule_retired"
	case !retired && !r.RunsIn(l.campaign), fires, enrolled && l.frozen[a.StudentSchool]:
		return ""
	}
	outcome := "resolved"
	if !enrolled {
		if p.leftIDs == nil {
			p.leftIDs = map[string][]int64{}
		}
		outcome = "student_" + a.StudentStatus
		if a.StudentStatus == "" {
			outcome = "student_removed"
		}
		p.leftIDs[outcome] = append(p.leftIDs[outcome], a.ID)
	} else {
		p.resolvedIDs = append(p.resolvedIDs, a.ID)
	}
	p.resolved = append(p.resolved, ResolvedLine{Type: "resolved", Rule: a.Rule, Student: a.StudentID, School: a.SchoolID})
	return outcome
}

// worseOutcome is the outcome a task closes with when reasons ending (or
// leaving it) in one run ended as a and b: a student who left outranks an
// inhibited alert (it still fires, another rule's task follows it up),
// which outranks a retired rule, which outranks a resolved one, so that a
// task is never read as solved while one of its reasons was not.
func worseOutcome(a, b string) string {
	rank := func(o string) int {
		switch {
		case o == "":
			return 0
		case o == "resolved":
			return 1
		case o == "rule_retired":
			return 2
		case o == "inhibited":
			return 3
		}
		return 4
	}
	if rank(b) > rank(a) || rank(b) == rank(a) && b < a {
		return b
	}
	return a
}

// sortLines orders resolved or retired lines by rule, then student.
func sortLines(ls []ResolvedLine) {
	sort.Slice(ls, func(i, j int) bool {
		if ls[i].Rule != ls[j].Rule {
			return ls[i].Rule < ls[j].Rule
		}
		return ls[i].Student < ls[j].Student
	})
}

// sortFirings returns firings in output order: rule id, then student id. The
// firings are first grouped by their rule's rank in id order (a counting
// sort), then each rule's sorted by student id, the rules split among
// workers goroutines. They sort as keys holding the first 24 bytes of the
// student id, compared as numbers, and the full ids only when those tie:
// compared through the firings, a city's 200,000 scattered ids cost a
// fifth of the decision's time in cache misses. (Student ids are unique,
// so the order is total and the same however the rules are split.)
func sortFirings(fs []firing, set *rules.Set, workers int) []firing {
	ids := make([]string, len(set.Rules))
	for i, r := range set.Rules {
		ids[i] = r.ID
	}
	sort.Strings(ids)
	rank := make(map[*rules.Rule]int, len(set.Rules))
	for _, r := range set.Rules {
		rank[r] = sort.SearchStrings(ids, r.ID)
	}
	ranks := make([]int, len(fs))
	start := make([]int, len(ids)+1) // rule k's firings are from start[k]
	for i := range fs {
		ranks[i] = rank[fs[i].rule]
		start[ranks[i]+1]++
	}
	for k := range ids {
		start[k+1] += start[k]
	}
	next := slices.Clone(start[:len(ids)])
	keys := make([]idKey, len(fs))
	for i := range fs {
		keys[next[ranks[i]]] = newIDKey(fs[i].stu.ID, i)
		next[ranks[i]]++
	}
	compare := func(a, b idKey) int {
		for w := range a.id {
			if a.id[w] != b.id[w] {
				return cmp.Compare(a.id[w], b.id[w])
			}
		}
		return strings.Compare(fs[a.i].stu.ID, fs[b.i].stu.ID)
	}
	var wg sync.WaitGroup
	var taken atomic.Int32
	for range max(1, min(workers, len(ids))) {
		wg.Go(func() {
			for k := int(taken.Add(1)) - 1; k < len(ids); k = int(taken.Add(1)) - 1 {
				slices.SortFunc(keys[start[k]:start[k+1]], compare)
			}
		})
	}
	wg.Wait()
	sorted := make([]firing, len(fs))
	for i, k := range keys {
		sorted[i] = fs[k.i]
	}
	return sorted
}

// idKey is a firing's sort key: the first 24 bytes of its student id as
// three big-endian numbers (zeros after a shorter id), and its index.
type idKey struct {
	id [3]uint64
	i  int
}

func newIDKey(id string, i int) idKey {
	var b [24]byte
	copy(b[:], id)
	return idKey{id: [3]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:16]), binary.BigEndian.Uint64(b[16:])}, i: i}
}

// pair assigns pairing teachers to students that a `pair: true` rule fired
// for, not inhibited (inhibited[i] for fs[i]), and that have none, in order
// of student id so the result is the same whatever order the rules are in;
// the pairings and their tasks go to p, a task at the severity of the
// firing that asked for it (severity[i]).
func (l *lifecycle) pair(p *plan, fs []firing, inhibited [][]string, severity []string) {
	need := map[int64]int{}
	for i, f := range fs {
		if !f.rule.Pair || f.stu.Pairing != "" || inhibited[i] != nil {
			continue
		}
		if prev, ok := need[f.stu.SID]; !ok || f.rule.ID < fs[prev].rule.ID {
			need[f.stu.SID] = i
		}
	}
	order := make([]int, 0, len(need))
	for _, i := range need {
		order = append(order, i)
	}
	sort.Slice(order, func(i, j int) bool { return fs[order[i]].stu.ID < fs[order[j]].stu.ID })
	pr := &pairer{dir: l.dir, loads: l.loads, cap: l.pairCap}
	for _, i := range order {
		f := fs[i]
		teacher, reason := pr.assign(f.stu)
		if teacher == "" {
			p.gaps = append(p.gaps, gap(f.stu, f.rule.ID, "pairing teacher", "nobody"))
			continue
		}
		f.stu.assignedPairing = teacher
		pr := Pairing{Student: f.stu.ID, School: f.stu.School, Teacher: teacher, Rule: f.rule.ID, Reason: reason, sid: f.stu.SID}
		// A pairing task is per student and teacher too: one still open
		// (the teacher was paired with the student before) stands.
		k := store.TaskKey{SID: f.stu.SID, Kind: "pairing", Assignee: teacher}
		if _, open := l.taskIdx.find(k); !open {
			due := dueDate(l.cal, f.stu.School, l.t, 7*24*time.Hour)
			pr.task = &runTask{key: k, school: f.stu.School, rule: f.rule.ID, due: due.String(), severity: severity[i],
				note: reason, pairing: true, stu: f.stu}
			p.addTask(pr.task)
		}
		p.pairings = append(p.pairings, pr)
	}
}

// cooldownElapsed reports whether a reminder is due: the whole days since the
// last notification reach the cooldown.
func cooldownElapsed(last string, t civil.Day, cooldown time.Duration) bool {
	d, err := civil.ParseDay(last)
	if err != nil {
		return true
	}
	return time.Duration(t-d)*24*time.Hour >= cooldown
}

// dueDate is T plus the due duration in whole calendar days (rounded up),
// moved to the next school day of the student's school.
func dueDate(cal *Calendar, school string, t civil.Day, due time.Duration) civil.Day {
	days := civil.Day((due + 24*time.Hour - 1) / (24 * time.Hour))
	return cal.NextSchoolDay(school, t+days)
}

// escalate finds the escalations due at T among overdue tasks: level 1 (the
// school's principals) once the due date is reached, level 2 (the center
// admins) once twice the time from creation to due has passed, counting to
// the due date as set (moved to a school day), so a task due in 2 days
// created on Tuesday escalates to the center on Friday. Tasks closing in
// this run (in p: their last reasons end, or leave them inhibited) are left
// alone. A task is one per
// student, kind and assignee, however many reasons it has, so it escalates
// once per level.
func (l *lifecycle) escalate(p *plan, overdue []store.OverdueTask) {
	closing := map[int64]bool{}
	for _, ids := range p.closing {
		for _, id := range ids {
			closing[id] = true
		}
	}
	for _, o := range overdue {
		if closing[o.ID] {
			continue
		}
		due, err1 := civil.ParseDay(o.Due)
		created, err2 := civil.ParseDay(o.CreatedAt)
		if err1 != nil || err2 != nil {
			continue
		}
		f := &FiredStudent{ID: o.StudentID, School: o.SchoolID, Name: o.StudentName, Key: o.StudentKey}
		for _, lv := range []struct {
			level  int
			target string
			due    bool
		}{{1, "principal", o.Escalation < 1 && l.t >= due}, {2, "center", l.t >= created+2*(due-created)}} {
			if !lv.due {
				continue
			}
			to, got := l.dir.resolve(lv.target, f)
			if got != lv.target {
				p.gaps = append(p.gaps, gap(f, o.Rule, lv.target+" (escalation)", got))
			}
			p.escalations = append(p.escalations, Escalation{Task: o.ID, Level: lv.level, Student: o.StudentID,
				School: o.SchoolID, Rule: o.Rule, Due: o.Due, To: to, key: o.StudentKey, name: o.StudentName})
		}
	}
}
