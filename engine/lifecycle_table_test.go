package engine

import (
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"baoxue/rules"
	"baoxue/store"
)

// tableRules are the rules of TestLifecycleTable and TestTaskTable:
// absence has a task and a 7-day cooldown; off is disabled; march runs only
// in the march campaign. contact asks for the same task as absence (the
// homeroom teacher contacts the guardian) with a later due date, a lower
// severity and a longer cooldown; visit asks the same teacher for another
// kind, head the same kind of someone else (the principal); pair pairs.
// (An open alert of rule "gone" is an alert of a rule no longer loaded.)
const tableRules = `
rules:
  - id: absence
    name: absence
    severity: high
    when: absences(14) >= 2
    cooldown: 7d
    task: {kind: contact_guardian, assign: homeroom, due: 2d}
  - id: contact
    name: contact
    severity: low
    when: absences(14) >= 1
    cooldown: 14d
    task: {kind: contact_guardian, assign: homeroom, due: 7d}
  - id: visit
    name: visit
    severity: medium
    when: absences(14) >= 1
    task: {kind: home_visit, assign: homeroom, due: 2d}
  - id: head
    name: head
    severity: critical
    when: absences(14) >= 1
    task: {kind: contact_guardian, assign: principal, due: 1d}
  - id: pair
    name: pair
    severity: medium
    when: absences(14) >= 1
    pair: true
  - id: watch
    name: watch
    severity: low
    when: absences(14) >= 1
  - id: off
    name: off
    severity: low
    when: absences(14) >= 1
    enabled: false
  - id: march
    name: march
    severity: low
    when: absences(14) >= 1
    campaigns: [march]
`

// lifecycleRow is one situation of SPEC §7's table for one (rule, student)
// at T = 2026-03-10, a Tuesday.
type lifecycleRow struct {
	name     string
	rule     string
	fires    bool
	open     bool   // an open alert of (rule, student)
	notified string // the open alert's last notification
	status   string // the student's status now ("enrolled" when empty; "-" for a deleted student)
	task     bool   // the open alert has a task (#5, open unless closed)
	closed   string // the day a teacher closed the open alert's task
	campaign string
	frozen   bool // the student's school is not evaluated
	want     string
	wantTask string // the alert line's task: "kind assignee due", or "" for none
	newTask  bool   // a task is created
	closes   string // the open task closes with this outcome
}

var lifecycleTable = []lifecycleRow{
	{name: "fires, no open alert", rule: "absence", fires: true,
		want: "new", wantTask: "contact_guardian T1 2026-03-16", newTask: true},
	{name: "fires, no open alert, rule without task", rule: "watch", fires: true, want: "new"},
	{name: "fires, open, notified 3 days ago", rule: "absence", fires: true, open: true, notified: "2026-03-07", task: true,
		want: "ongoing-quiet", wantTask: "contact_guardian T1 2026-03-09"},
	{name: "fires, open, notified 6 days ago", rule: "absence", fires: true, open: true, notified: "2026-03-04", task: true,
		want: "ongoing-quiet", wantTask: "contact_guardian T1 2026-03-09"},
	{name: "fires, open, cooldown just elapsed", rule: "absence", fires: true, open: true, notified: "2026-03-03", task: true,
		want: "ongoing-notified", wantTask: "contact_guardian T1 2026-03-09"},
	{name: "fires, open, task closed by a teacher 4 days ago", rule: "absence", fires: true, open: true,
		notified: "2026-02-20", task: true, closed: "2026-03-06", want: "ongoing-notified", wantTask: "contact_guardian T1 2026-03-09"},
	{name: "fires, open, task closed by a teacher a cooldown ago", rule: "absence", fires: true, open: true,
		notified: "2026-03-09", task: true, closed: "2026-03-03", want: "ongoing-quiet", wantTask: "contact_guardian T1 2026-03-16",
		newTask: true},
	{name: "fires, open without a task", rule: "absence", fires: true, open: true, notified: "2026-03-09",
		want: "ongoing-quiet"},
	{name: "does not fire, open", rule: "absence", open: true, notified: "2026-03-09", task: true, want: "resolved",
		closes: "resolved"},
	{name: "does not fire, open, task closed by a teacher", rule: "absence", open: true, notified: "2026-03-09", task: true,
		closed: "2026-03-09", want: "resolved"},
	{name: "does not fire, open, student suspended", rule: "absence", open: true, notified: "2026-03-09",
		status: "suspended", want: "resolved"},
	{name: "does not fire, no open alert", rule: "absence", want: "untouched"},
	{name: "rule no longer loaded", rule: "gone", open: true, notified: "2026-03-09", task: true, want: "retired",
		closes: "rule_retired"},
	{name: "rule disabled", rule: "off", open: true, notified: "2026-03-09", want: "retired"},
	{name: "campaign rule in an ordinary run", rule: "march", open: true, notified: "2026-03-09", want: "untouched"},
	{name: "campaign rule in another campaign", rule: "march", open: true, notified: "2026-03-09", campaign: "may",
		want: "untouched"},
	{name: "campaign rule in its campaign, does not fire", rule: "march", open: true, notified: "2026-03-09",
		campaign: "march", want: "resolved"},
	{name: "student transferred", rule: "absence", open: true, notified: "2026-03-09", task: true,
		status: "transferred", want: "student_transferred", closes: "student_transferred"},
	{name: "student left and rule gone", rule: "gone", open: true, notified: "2026-03-09", status: "dropped",
		want: "student_dropped"},
	{name: "student deleted", rule: "absence", open: true, notified: "2026-03-09", status: "-", want: "student_removed"},
	{name: "school frozen", rule: "absence", open: true, notified: "2026-02-20", task: true, frozen: true,
		want: "untouched"},
	{name: "school frozen, student left", rule: "absence", open: true, notified: "2026-03-09", frozen: true,
		status: "graduated", want: "student_graduated"},
	{name: "school frozen, rule gone", rule: "gone", open: true, notified: "2026-03-09", frozen: true, want: "retired"},
}

// TestLifecycleTable drives SPEC §7's alert lifecycle table through decide,
// in memory: one (rule, student) per row.
func TestLifecycleTable(t *testing.T) {
	set := compile(t, tableRules)
	cal, err := NewCalendar([]store.CalendarSpan{{From: "2026-03-12", To: "2026-03-13", Kind: "holiday"}})
	if err != nil {
		t.Fatal(err)
	}
	dir := newDirectory([]store.DirSchool{{ID: "SCH01", Name: "一中", Center: "C1"}},
		[]store.DirTeacher{{ID: "T1", SchoolID: "SCH01", Center: "C1", Role: "teacher"},
			{ID: "P1", SchoolID: "SCH01", Center: "C1", Role: "principal"}})
	for _, row := range lifecycleTable {
		t.Run(row.name, func(t *testing.T) {
			l := &lifecycle{set: set, campaign: row.campaign, dir: dir, cal: cal, loads: map[string]int{},
				pairCap: 5, t: day(t, "2026-03-10"), zone: time.UTC, index: openBy{}, frozen: map[string]bool{}}
			if row.frozen {
				l.frozen["SCH01"] = true
			}
			if row.open {
				l.open = []store.OpenAlert{openAlert(row)}
				l.index[store.AlertKey{Rule: row.rule, SID: 1}] = 0
				if row.task && row.closed == "" {
					l.tasks = []store.OpenTask{{ID: 5, SID: 1, Kind: "contact_guardian", Assignee: "T1", Due: "2026-03-09",
						Severity: "high", ForAlert: true}}
				}
			}
			l.taskIdx = indexTasks(l.tasks, l.open)
			var fs []firing
			if row.fires {
				i := slices.IndexFunc(set.Rules, func(r *rules.Rule) bool { return r.ID == row.rule })
				if i < 0 {
					t.Fatalf("no rule %q in the table's rule set", row.rule)
				}
				fs = []firing{{rule: set.Rules[i], stu: &FiredStudent{SID: 1, ID: "S1", School: "SCH01", Grade: 9, Homeroom: "T1"}}}
			}
			p := l.decide(fs, matchOpen(l.index, len(l.open), fs, 1))
			if got := outcome(t, p); got != row.want {
				t.Errorf("outcome = %s, want %s", got, row.want)
			}
			var task string
			var created bool
			for _, d := range p.decisions {
				if d.line.Task != nil {
					task = strings.Join([]string{d.line.Task.Kind, d.line.Task.Assignee, d.line.Task.Due}, " ")
				}
				created = d.task != nil && d.task.id == 0
			}
			if task != row.wantTask || created != row.newTask {
				t.Errorf("task = %q (created %v), want %q (created %v)", task, created, row.wantTask, row.newTask)
			}
			if got, want := closings(p), map[bool]string{true: row.closes + " 5", false: ""}[row.closes != ""]; got != want {
				t.Errorf("closing tasks %q, want %q", got, want)
			}
		})
	}
}

// openAlert is the open alert (id 7) of a row's (rule, student).
func openAlert(row lifecycleRow) store.OpenAlert {
	// (opened at its rule's severity, as the engine stores it)
	sev := map[string]string{"absence": "high", "contact": "low", "visit": "medium", "head": "critical", "pair": "medium",
		"watch": "low", "off": "low", "march": "low"}[row.rule]
	a := store.OpenAlert{ID: 7, Rule: row.rule, SID: 1, StudentID: "S1", StudentStatus: "enrolled",
		StudentSchool: "SCH01", SchoolID: "SCH01", Severity: sev, LastNotifiedAt: row.notified}
	switch row.status {
	case "":
	case "-":
		a.StudentStatus, a.StudentSchool = "", ""
	default:
		a.StudentStatus = row.status
	}
	if row.task {
		a.TaskID = sql.NullInt64{Int64: 5, Valid: true}
		a.TaskKind = sql.NullString{String: "contact_guardian", Valid: true}
		a.TaskAssignee = sql.NullString{String: "T1", Valid: true}
		a.TaskDue = sql.NullString{String: "2026-03-09", Valid: true}
		a.TaskStatus = sql.NullString{String: "open", Valid: true}
		if row.closed != "" {
			a.TaskStatus = sql.NullString{String: "closed", Valid: true}
			a.TaskClosedAt = sql.NullString{String: row.closed + "T06:00:00.000000Z", Valid: true}
		}
	}
	return a
}

// closings lists the tasks p closes, "outcome id id; outcome id".
func closings(p *plan) string {
	var parts []string
	for _, o := range sortedKeys(p.closing) {
		part := o
		for _, id := range p.closing[o] {
			part += " " + strconv.FormatInt(id, 10)
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

// outcome names what p does with the one (rule, student) of a row, checking
// that its lines and ids agree.
func outcome(t *testing.T, p *plan) string {
	t.Helper()
	var got []string
	notified := 0
	for _, d := range p.decisions {
		switch {
		case d.line.New:
			got = append(got, "new")
		case d.line.Notified:
			got = append(got, "ongoing-notified")
			notified++
		default:
			got = append(got, "ongoing-quiet")
		}
	}
	if len(p.notifyIDs) != notified {
		t.Errorf("notifyIDs = %v, %d reminders", p.notifyIDs, notified)
	}
	ended := len(p.resolvedIDs)
	if ended > 0 {
		got = append(got, "resolved")
	}
	if len(p.retiredIDs) > 0 {
		got = append(got, "retired")
	}
	for status, ids := range p.leftIDs {
		got = append(got, status)
		ended += len(ids)
	}
	if len(p.resolved) != ended || len(p.retired) != len(p.retiredIDs) {
		t.Errorf("lines resolved %v, retired %v; ids resolved %v, retired %v, left %v",
			p.resolved, p.retired, p.resolvedIDs, p.retiredIDs, p.leftIDs)
	}
	if len(got) == 0 {
		return "untouched"
	}
	return strings.Join(got, ",")
}

// taskRow is one situation of SPEC §7's tasks for student S1 (homeroom T1,
// principal P1) at T = 2026-03-10: the rules that fire, the open alerts
// with their current tasks, and the open tasks.
type taskRow struct {
	name   string
	fires  []string
	open   []openReason
	tasks  []store.OpenTask
	status string // the student's status ("enrolled" when empty)
	frozen bool
	paired bool // the student has a pairing teacher (T1)
	// created lists the tasks created, "kind assignee due severity
	// rule+rule" (the reasons); grown the open tasks given reasons, "#id
	// due severity rule+rule"; closes what closes (see closings); lines
	// the alert lines' tasks, "rule:kind assignee due", in rule order.
	created, grown []string
	closes         string
	lines          []string
}

// openReason is an open alert of S1 whose current task is task (0: none),
// closed by a teacher on the day closed unless that is "".
type openReason struct {
	rule   string
	task   int64
	closed string
}

// contact5 is the open contact_guardian task of T1 for S1, due 03-12, high.
var contact5 = store.OpenTask{ID: 5, SID: 1, Kind: "contact_guardian", Assignee: "T1", Due: "2026-03-12", Severity: "high", ForAlert: true}

var taskTable = []taskRow{
	{name: "two rules ask for the same task: one task, two reasons, the earlier due, the higher severity",
		fires:   []string{"absence", "contact"},
		created: []string{"contact_guardian T1 2026-03-16 high absence+contact"},
		lines:   []string{"absence:contact_guardian T1 2026-03-16", "contact:contact_guardian T1 2026-03-16"}},
	{name: "another kind is a task of its own", fires: []string{"absence", "visit"},
		created: []string{"contact_guardian T1 2026-03-16 high absence", "home_visit T1 2026-03-16 medium visit"},
		lines:   []string{"absence:contact_guardian T1 2026-03-16", "visit:home_visit T1 2026-03-16"}},
	{name: "another assignee is a task of their own", fires: []string{"absence", "head"},
		created: []string{"contact_guardian T1 2026-03-16 high absence", "contact_guardian P1 2026-03-11 critical head"},
		lines:   []string{"absence:contact_guardian T1 2026-03-16", "head:contact_guardian P1 2026-03-11"}},
	{name: "a new alert joins the open task: due and severity kept", fires: []string{"absence", "contact"},
		open: []openReason{{rule: "absence", task: 5}}, tasks: []store.OpenTask{contact5},
		grown: []string{"#5 2026-03-12 high contact"},
		lines: []string{"absence:contact_guardian T1 2026-03-12", "contact:contact_guardian T1 2026-03-12"}},
	{name: "a new alert with an earlier due and a higher severity moves the open task", fires: []string{"absence", "contact"},
		open:  []openReason{{rule: "contact", task: 5}},
		tasks: []store.OpenTask{{ID: 5, SID: 1, Kind: "contact_guardian", Assignee: "T1", Due: "2026-03-20", Severity: "low", ForAlert: true}},
		grown: []string{"#5 2026-03-16 high absence"},
		lines: []string{"absence:contact_guardian T1 2026-03-16", "contact:contact_guardian T1 2026-03-16"}},
	{name: "one reason resolves: the task stays", fires: []string{"contact"},
		open: []openReason{{rule: "absence", task: 5}, {rule: "contact", task: 5}}, tasks: []store.OpenTask{contact5},
		lines: []string{"contact:contact_guardian T1 2026-03-12"}},
	{name: "both reasons resolve: the task closes resolved",
		open: []openReason{{rule: "absence", task: 5}, {rule: "contact", task: 5}}, tasks: []store.OpenTask{contact5},
		closes: "resolved 5"},
	{name: "one resolves, the other's rule retires: the task closes rule_retired",
		open: []openReason{{rule: "absence", task: 5}, {rule: "gone", task: 5}}, tasks: []store.OpenTask{contact5},
		closes: "rule_retired 5"},
	{name: "the other's rule retires while one fires: the task stays", fires: []string{"absence"},
		open: []openReason{{rule: "absence", task: 5}, {rule: "gone", task: 5}}, tasks: []store.OpenTask{contact5},
		lines: []string{"absence:contact_guardian T1 2026-03-12"}},
	{name: "the student left: the task closes as such", status: "transferred",
		open: []openReason{{rule: "absence", task: 5}, {rule: "gone", task: 5}}, tasks: []store.OpenTask{contact5},
		closes: "student_transferred 5"},
	{name: "school not evaluated: reasons and task stay", frozen: true,
		open: []openReason{{rule: "absence", task: 5}, {rule: "contact", task: 5}}, tasks: []store.OpenTask{contact5}},
	{name: "a reason resolves as another joins: the task stays with the new one", fires: []string{"contact"},
		open: []openReason{{rule: "absence", task: 5}}, tasks: []store.OpenTask{contact5},
		grown: []string{"#5 2026-03-12 high contact"},
		lines: []string{"contact:contact_guardian T1 2026-03-12"}},
	{name: "a task not created for an alert stays when its reasons end",
		open:  []openReason{{rule: "absence", task: 5}},
		tasks: []store.OpenTask{{ID: 5, SID: 1, Kind: "contact_guardian", Assignee: "T1", Due: "2026-03-12", Severity: "high"}}},
	{name: "closed by a teacher: every reason handled, none asks again within its cooldown", fires: []string{"absence", "contact"},
		open:  []openReason{{rule: "absence", task: 5, closed: "2026-03-05"}, {rule: "contact", task: 5, closed: "2026-03-05"}},
		lines: []string{"absence:contact_guardian T1 2026-03-12", "contact:contact_guardian T1 2026-03-12"}},
	{name: "closed by a teacher: the reason whose cooldown passed asks for a new task", fires: []string{"absence", "contact"},
		open:    []openReason{{rule: "absence", task: 5, closed: "2026-03-03"}, {rule: "contact", task: 5, closed: "2026-03-03"}},
		created: []string{"contact_guardian T1 2026-03-16 high absence"},
		lines:   []string{"absence:contact_guardian T1 2026-03-16", "contact:contact_guardian T1 2026-03-12"}},
	{name: "closed by a teacher, cooldown passed: the reason joins the open task", fires: []string{"absence", "contact", "visit"},
		open: []openReason{{rule: "absence", task: 4, closed: "2026-03-01"}, {rule: "contact", task: 5}, {rule: "visit", task: 6}},
		tasks: []store.OpenTask{{ID: 5, SID: 1, Kind: "contact_guardian", Assignee: "T1", Due: "2026-03-20", Severity: "low", ForAlert: true},
			{ID: 6, SID: 1, Kind: "home_visit", Assignee: "T1", Due: "2026-03-12", Severity: "medium", ForAlert: true}},
		grown: []string{"#5 2026-03-16 high absence"},
		lines: []string{"absence:contact_guardian T1 2026-03-16", "contact:contact_guardian T1 2026-03-16",
			"visit:home_visit T1 2026-03-12"}},
	{name: "a pairing task of the same teacher is open: no second", fires: []string{"pair"},
		tasks: []store.OpenTask{{ID: 7, SID: 1, Kind: "pairing", Assignee: "T1", Due: "2026-03-12", Severity: "medium"}}},
	{name: "pairing creates its task", fires: []string{"pair"},
		created: []string{"pairing T1 2026-03-17 medium "}},
	{name: "a student with a pairing teacher is not paired again", fires: []string{"pair"}, paired: true},
}

// TestTaskTable drives SPEC §7's tasks through decide, in memory: a task is
// per student, kind and assignee, merging the reasons that ask for it.
func TestTaskTable(t *testing.T) {
	set := compile(t, tableRules)
	cal, err := NewCalendar([]store.CalendarSpan{{From: "2026-03-12", To: "2026-03-13", Kind: "holiday"}})
	if err != nil {
		t.Fatal(err)
	}
	dir := newDirectory([]store.DirSchool{{ID: "SCH01", Name: "一中", Center: "C1"}},
		[]store.DirTeacher{{ID: "T1", SchoolID: "SCH01", Center: "C1", Role: "teacher"},
			{ID: "P1", SchoolID: "SCH01", Center: "C1", Role: "principal"}})
	for _, row := range taskTable {
		t.Run(row.name, func(t *testing.T) {
			l := &lifecycle{set: set, dir: dir, cal: cal, loads: map[string]int{}, pairCap: 5, t: day(t, "2026-03-10"),
				zone: time.UTC, index: openBy{}, frozen: map[string]bool{"SCH01": row.frozen}, tasks: row.tasks}
			status := row.status
			if status == "" {
				status = "enrolled"
			}
			for i, o := range row.open {
				a := store.OpenAlert{ID: int64(10 + i), Rule: o.rule, SID: 1, StudentID: "S1", StudentStatus: status,
					StudentSchool: "SCH01", SchoolID: "SCH01", Severity: "high", OpenedAt: "2026-03-02", LastNotifiedAt: "2026-03-09"}
				if o.task != 0 {
					a.TaskID = sql.NullInt64{Int64: o.task, Valid: true}
					a.TaskKind, a.TaskAssignee = sql.NullString{String: "contact_guardian", Valid: true}, sql.NullString{String: "T1", Valid: true}
					a.TaskDue, a.TaskStatus = sql.NullString{String: "2026-03-12", Valid: true}, sql.NullString{String: "open", Valid: true}
					for _, tk := range row.tasks {
						if tk.ID == o.task {
							a.TaskKind.String, a.TaskAssignee.String, a.TaskDue.String = tk.Kind, tk.Assignee, tk.Due
						}
					}
					if o.closed != "" {
						a.TaskStatus.String = "closed"
						a.TaskClosedAt = sql.NullString{String: o.closed + "T08:00:00.000000Z", Valid: true}
					}
				}
				l.open = append(l.open, a)
				l.index[store.AlertKey{Rule: o.rule, SID: 1}] = i
			}
			stu := &FiredStudent{SID: 1, ID: "S1", School: "SCH01", Grade: 9, Homeroom: "T1"}
			if row.paired {
				stu.Pairing = "T1"
			}
			var fs []firing
			for _, id := range row.fires {
				r := set.Rule(id)
				if r == nil {
					t.Fatalf("no rule %q in the table's rule set", id)
				}
				fs = append(fs, firing{rule: r, stu: stu})
			}
			l.taskIdx = indexTasks(l.tasks, l.open)
			p := l.decide(fs, matchOpen(l.index, len(l.open), fs, 1))
			var created, grown, lines []string
			for _, rt := range p.tasks {
				var rs []string
				for _, i := range rt.reasons {
					rs = append(rs, p.decisions[i].rule.ID)
				}
				if rt.id == 0 {
					created = append(created, strings.Join([]string{rt.key.Kind, rt.key.Assignee, rt.due, rt.severity,
						strings.Join(rs, "+")}, " "))
				} else {
					grown = append(grown, strings.Join([]string{"#" + strconv.FormatInt(rt.id, 10), rt.due, rt.severity,
						strings.Join(rs, "+")}, " "))
				}
			}
			for _, d := range p.decisions {
				if d.line.Task != nil {
					lines = append(lines, d.rule.ID+":"+strings.Join([]string{d.line.Task.Kind, d.line.Task.Assignee, d.line.Task.Due}, " "))
				}
			}
			for _, c := range []struct {
				what      string
				got, want []string
			}{{"created", created, row.created}, {"grown", grown, row.grown}, {"lines", lines, row.lines}} {
				if !slices.Equal(c.got, c.want) {
					t.Errorf("%s:\n  got  %q\n  want %q", c.what, c.got, c.want)
				}
			}
			if got := closings(p); got != row.closes {
				t.Errorf("closes %q, want %q", got, row.closes)
			}
		})
	}
}
