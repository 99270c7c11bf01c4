package engine

import (
	"sort"
	"strings"
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
// line: when the alert opens, or when it is active again after it was
// inhibited.
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
	line    AlertLine
	alertID int64 // the open alert, when not new
	newTask *store.NewTask
	// firstNotice: the alert is notified for the first time, though not
	// new (it opened inhibited and is active now): digests show it as new.
	firstNotice bool
}

// plan is everything a run decided, before (or instead of) writing it.
type plan struct {
	decisions   []decision
	resolved    []ResolvedLine
	resolvedIDs []int64
	// retired are open alerts whose rule is no longer loaded or is
	// disabled: their tasks close as rule_retired, never as solved.
	retired    []ResolvedLine
	retiredIDs []int64
	// leftIDs are resolved alerts of students no longer evaluated
	// (transferred, dropped, graduated, …): their tasks close with outcome
	// "student_<status>", not "resolved", so nobody reads a dropout as solved.
	leftIDs   map[string][]int64
	notifyIDs []int64
	// inhibitedBy are the open alerts whose inhibiting rules change, by
	// the new value of inhibited_by ("": active again); inhibitedTasks the
	// alerts that become inhibited, whose open tasks close as "inhibited".
	inhibitedBy    map[string][]int64
	inhibitedTasks []int64
	pairings       []Pairing
	pairTasks      []store.NewTask
	escalations    []Escalation
	gaps           []Gap
	unreported     []Unreported
	// undelivered are the notifications of earlier runs to report.
	undelivered []undelivered
}

// openBy indexes open alerts by (rule, student): it is built once per run,
// while the students are scanned, and serves both the workers (which
// messages to render) and decide.
type openBy map[store.AlertKey]int

// lifecycle is what the alert lifecycle of one run at T decides from,
// besides what fired: the open alerts (index being open indexed by openBy),
// the rule set and campaign of the run, the directory, the calendar, the
// pairing loads and cap, and frozen, the schools whose students were not
// evaluated (attendance not reported): their students' open alerts stay as
// they are. It reads no database: evaluate builds it once per run.
type lifecycle struct {
	open     []store.OpenAlert
	index    openBy
	set      *rules.Set
	campaign string
	dir      *directory
	cal      *Calendar
	loads    map[string]int // updated by pairing
	pairCap  int
	t        civil.Day
	frozen   map[string]bool
}

// decide compares what fired with the open alerts (SPEC §7's table); it
// sorts fs into output order.
func (l *lifecycle) decide(fs []firing) *plan {
	p := &plan{decisions: make([]decision, 0, len(fs))}
	sortFirings(fs, l.set)
	inhibited := inhibitions(fs)
	l.pair(p, fs, inhibited)

	stillFiring := make([]bool, len(l.open))
	for j, f := range fs {
		i, ok := l.index[store.AlertKey{Rule: f.rule.ID, SID: f.stu.SID}]
		if ok {
			stillFiring[i] = true
		} else {
			i = -1
		}
		p.decisions = append(p.decisions, l.decideFiring(p, f, i, inhibited[j]))
	}
	l.end(p, stillFiring)
	sortLines(p.resolved)
	sortLines(p.retired)
	return p
}

// decideFiring decides one firing: open is the index of its open alert in
// l.open, or -1 when it has none; inhibitedBy are the rules inhibiting it
// (nil: none). Gaps and reminders go to p.
func (l *lifecycle) decideFiring(p *plan, f firing, open int, inhibitedBy []string) decision {
	d := decision{firing: f, line: AlertLine{Type: "alert", Rule: f.rule.ID, Student: f.stu.ID,
		School: f.stu.School, Severity: f.rule.Severity, InhibitedBy: inhibitedBy}}
	var gaps []Gap
	d.line.Recipients, gaps = l.dir.recipients(f.rule.Notify, f.stu, f.rule.ID)
	if inhibitedBy == nil { // an inhibited alert reaches nobody: no fallback is used
		p.gaps = append(p.gaps, gaps...)
	}
	if d.line.Recipients == nil {
		d.line.Recipients = []string{}
	}
	if open < 0 {
		d.line.New = true
		if inhibitedBy != nil {
			return d // kept and marked: not notified, no task
		}
		d.line.Notified = true
		l.createTask(p, &d)
		return d
	}
	a := &l.open[open]
	d.alertID = a.ID
	if by := strings.Join(inhibitedBy, ","); by != a.InhibitedBy {
		if p.inhibitedBy == nil {
			p.inhibitedBy = map[string][]int64{}
		}
		p.inhibitedBy[by] = append(p.inhibitedBy[by], a.ID)
	}
	switch {
	case inhibitedBy != nil:
		// Inhibited: the inhibiting rule's alert speaks, with its task;
		// this alert's open task closes (unless it was inhibited already).
		if a.InhibitedBy == "" {
			p.inhibitedTasks = append(p.inhibitedTasks, a.ID)
		}
		return d
	case a.InhibitedBy != "":
		// Active again, the inhibiting rules no longer firing: notified
		// at once, and given a task unless it has one (a task its teacher
		// closed before the inhibition counts: as for an open alert).
		d.line.Notified, d.firstNotice = true, a.LastNotifiedAt == ""
		p.notifyIDs = append(p.notifyIDs, a.ID)
		if !a.TaskKind.Valid {
			l.createTask(p, &d)
			return d
		}
	default:
		d.line.Notified = cooldownElapsed(a.LastNotifiedAt, l.t, f.rule.Cooldown)
		if d.line.Notified {
			p.notifyIDs = append(p.notifyIDs, a.ID)
		}
	}
	if a.TaskKind.Valid {
		d.line.Task = &TaskLine{Kind: a.TaskKind.String, Assignee: a.TaskAssignee.String, Due: a.TaskDue.String}
	}
	return d
}

// createTask gives d's alert the rule's task, due from T, unless the rule
// has none or nobody can hold it (a gap, reported).
func (l *lifecycle) createTask(p *plan, d *decision) {
	tk := d.rule.Task
	if tk == nil {
		return
	}
	assignee, gaps := l.dir.assignee(tk.Assign, d.stu, d.rule.ID)
	p.gaps = append(p.gaps, gaps...)
	if assignee == "" {
		return
	}
	due := dueDate(l.cal, d.stu.School, l.t, tk.Due)
	d.line.Task = &TaskLine{Kind: tk.Kind, Assignee: assignee, Due: due.String()}
	d.newTask = &store.NewTask{SID: d.stu.SID, SchoolID: d.stu.School, Kind: tk.Kind, Rule: d.rule.ID,
		Assignee: assignee, Due: due.String()}
}

// inhibitions returns, for each firing of fs, the rules that inhibit it:
// those among the rules listing its rule in `inhibits` that fired for the
// same student in this run, sorted (nil when none did). Only rules that
// ran can have fired, and rules.Compile makes sure an inhibitor runs in
// every run its targets run in.
func inhibitions(fs []firing) [][]string {
	out := make([][]string, len(fs))
	var fired map[store.AlertKey]bool
	for i, f := range fs {
		by := f.rule.InhibitedBy()
		if len(by) == 0 {
			continue
		}
		if fired == nil {
			fired = make(map[store.AlertKey]bool, len(fs))
			for _, g := range fs {
				fired[store.AlertKey{Rule: g.rule.ID, SID: g.stu.SID}] = true
			}
		}
		for _, id := range by {
			if fired[store.AlertKey{Rule: id, SID: f.stu.SID}] {
				out[i] = append(out[i], id)
			}
		}
	}
	return out
}

// end decides the open alerts that did not fire (stillFiring[i] false for
// l.open[i]). An open alert resolves when its rule ran and did not fire; it
// retires when its rule is gone or disabled. Alerts of rules that did not
// run in this (non-)campaign run, and of students whose school was not
// evaluated, stay as they are.
func (l *lifecycle) end(p *plan, stillFiring []bool) {
	byID := map[string]*rules.Rule{}
	for _, r := range l.set.Rules {
		byID[r.ID] = r
	}
	for i := range l.open {
		a := &l.open[i]
		r := byID[a.Rule]
		enrolled := atSchool(a.StudentStatus)
		retired := r == nil || !r.Enabled
		switch {
		case retires(r, a.StudentStatus):
			p.retiredIDs = append(p.retiredIDs, a.ID)
			p.retired = append(p.retired, ResolvedLine{Type: "retired", Rule: a.Rule, Student: a.StudentID, School: a.SchoolID})
			continue
		case !retired && !r.RunsIn(l.campaign), stillFiring[i], enrolled && l.frozen[a.StudentSchool]:
			continue
		case !enrolled:
			if p.leftIDs == nil {
				p.leftIDs = map[string][]int64{}
			}
			outcome := "student_" + a.StudentStatus
			if a.StudentStatus == "" {
				outcome = "student_removed"
			}
			p.leftIDs[outcome] = append(p.leftIDs[outcome], a.ID)
		default:
			p.resolvedIDs = append(p.resolvedIDs, a.ID)
		}
		p.resolved = append(p.resolved, ResolvedLine{Type: "resolved", Rule: a.Rule, Student: a.StudentID, School: a.SchoolID})
	}
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

// sortFirings puts firings in output order: rule id, then student id. Rules
// are compared by their rank in id order, so the sort compares strings only
// between students.
func sortFirings(fs []firing, set *rules.Set) {
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
	for i := range fs {
		ranks[i] = rank[fs[i].rule]
	}
	sort.Sort(byRuleStudent{fs, ranks})
}

type byRuleStudent struct {
	fs    []firing
	ranks []int
}

func (b byRuleStudent) Len() int { return len(b.fs) }
func (b byRuleStudent) Less(i, j int) bool {
	if b.ranks[i] != b.ranks[j] {
		return b.ranks[i] < b.ranks[j]
	}
	return b.fs[i].stu.ID < b.fs[j].stu.ID
}
func (b byRuleStudent) Swap(i, j int) {
	b.fs[i], b.fs[j] = b.fs[j], b.fs[i]
	b.ranks[i], b.ranks[j] = b.ranks[j], b.ranks[i]
}

// pair assigns pairing teachers to students that a `pair: true` rule fired
// for, not inhibited (inhibited[i] for fs[i]), and that have none, in order
// of student id so the result is the same whatever order the rules are in;
// the pairings and their tasks go to p.
func (l *lifecycle) pair(p *plan, fs []firing, inhibited [][]string) {
	need := map[int64]firing{}
	for i, f := range fs {
		if !f.rule.Pair || f.stu.Pairing != "" || inhibited[i] != nil {
			continue
		}
		if prev, ok := need[f.stu.SID]; !ok || f.rule.ID < prev.rule.ID {
			need[f.stu.SID] = f
		}
	}
	order := make([]firing, 0, len(need))
	for _, f := range need {
		order = append(order, f)
	}
	sort.Slice(order, func(i, j int) bool { return order[i].stu.ID < order[j].stu.ID })
	pr := &pairer{dir: l.dir, loads: l.loads, cap: l.pairCap}
	for _, f := range order {
		teacher, reason := pr.assign(f.stu)
		if teacher == "" {
			p.gaps = append(p.gaps, gap(f.stu, f.rule.ID, "pairing teacher", "nobody"))
			continue
		}
		f.stu.assignedPairing = teacher
		p.pairings = append(p.pairings, Pairing{Student: f.stu.ID, School: f.stu.School, Teacher: teacher,
			Rule: f.rule.ID, Reason: reason, sid: f.stu.SID})
		due := dueDate(l.cal, f.stu.School, l.t, 7*24*time.Hour)
		p.pairTasks = append(p.pairTasks, store.NewTask{SID: f.stu.SID, SchoolID: f.stu.School, Kind: "pairing",
			Rule: f.rule.ID, Assignee: teacher, Due: due.String(), Note: reason})
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
// created on Tuesday escalates to the center on Friday. Tasks of alerts
// resolving or becoming inhibited in this run (in p) are left alone: they
// close.
func (l *lifecycle) escalate(p *plan, overdue []store.OverdueTask) {
	closing := map[int64]bool{}
	for _, id := range p.resolvedIDs {
		closing[id] = true
	}
	for _, id := range p.retiredIDs {
		closing[id] = true
	}
	for _, id := range p.inhibitedTasks {
		closing[id] = true
	}
	for _, ids := range p.leftIDs {
		for _, id := range ids {
			closing[id] = true
		}
	}
	for _, o := range overdue {
		if o.AlertID.Valid && closing[o.AlertID.Int64] {
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
