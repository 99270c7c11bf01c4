package engine

import (
	"database/sql"
	"slices"
	"strings"
	"testing"

	"baoxue/rules"
	"baoxue/store"
)

// tableRules are the rules of TestLifecycleTable: absence has a task and a
// 7-day cooldown; off is disabled; march runs only in the march campaign.
// (An open alert of rule "gone" is an alert of a rule no longer loaded.)
const tableRules = `
rules:
  - id: absence
    name: absence
    severity: high
    when: absences(14) >= 2
    cooldown: 7d
    task: {kind: contact_guardian, assign: homeroom, due: 2d}
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
	task     bool   // the open alert has a task (open, or closed by a teacher)
	campaign string
	frozen   bool // the student's school is not evaluated
	want     string
	wantTask string // the alert line's task: "kind assignee due", or "" for none
	newTask  bool   // a task is created
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
	{name: "fires, open, task closed by a teacher, cooldown elapsed", rule: "absence", fires: true, open: true,
		notified: "2026-02-20", task: true, want: "ongoing-notified", wantTask: "contact_guardian T1 2026-03-09"},
	{name: "fires, open without a task", rule: "absence", fires: true, open: true, notified: "2026-03-09",
		want: "ongoing-quiet"},
	{name: "does not fire, open", rule: "absence", open: true, notified: "2026-03-09", task: true, want: "resolved"},
	{name: "does not fire, open, student suspended", rule: "absence", open: true, notified: "2026-03-09",
		status: "suspended", want: "resolved"},
	{name: "does not fire, no open alert", rule: "absence", want: "untouched"},
	{name: "rule no longer loaded", rule: "gone", open: true, notified: "2026-03-09", task: true, want: "retired"},
	{name: "rule disabled", rule: "off", open: true, notified: "2026-03-09", want: "retired"},
	{name: "campaign rule in an ordinary run", rule: "march", open: true, notified: "2026-03-09", want: "untouched"},
	{name: "campaign rule in another campaign", rule: "march", open: true, notified: "2026-03-09", campaign: "may",
		want: "untouched"},
	{name: "campaign rule in its campaign, does not fire", rule: "march", open: true, notified: "2026-03-09",
		campaign: "march", want: "resolved"},
	{name: "student transferred", rule: "absence", open: true, notified: "2026-03-09", task: true,
		status: "transferred", want: "student_transferred"},
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
				pairCap: 5, t: day(t, "2026-03-10"), index: openBy{}, frozen: map[string]bool{}}
			if row.frozen {
				l.frozen["SCH01"] = true
			}
			if row.open {
				l.open = []store.OpenAlert{openAlert(row)}
				l.index[store.AlertKey{Rule: row.rule, SID: 1}] = 0
			}
			var fs []firing
			if row.fires {
				i := slices.IndexFunc(set.Rules, func(r *rules.Rule) bool { return r.ID == row.rule })
				if i < 0 {
					t.Fatalf("no rule %q in the table's rule set", row.rule)
				}
				fs = []firing{{rule: set.Rules[i], stu: &FiredStudent{SID: 1, ID: "S1", School: "SCH01", Grade: 9, Homeroom: "T1"}}}
			}
			p := l.decide(fs)
			if got := outcome(t, p); got != row.want {
				t.Errorf("outcome = %s, want %s", got, row.want)
			}
			var task string
			var created bool
			for _, d := range p.decisions {
				if d.line.Task != nil {
					task = strings.Join([]string{d.line.Task.Kind, d.line.Task.Assignee, d.line.Task.Due}, " ")
				}
				created = d.newTask != nil
			}
			if task != row.wantTask || created != row.newTask {
				t.Errorf("task = %q (created %v), want %q (created %v)", task, created, row.wantTask, row.newTask)
			}
		})
	}
}

// openAlert is the open alert (id 7) of a row's (rule, student).
func openAlert(row lifecycleRow) store.OpenAlert {
	a := store.OpenAlert{ID: 7, Rule: row.rule, SID: 1, StudentID: "S1", StudentStatus: "enrolled",
		StudentSchool: "SCH01", SchoolID: "SCH01", LastNotifiedAt: row.notified}
	switch row.status {
	case "":
	case "-":
		a.StudentStatus, a.StudentSchool = "", ""
	default:
		a.StudentStatus = row.status
	}
	if row.task {
		a.TaskKind = sql.NullString{String: "contact_guardian", Valid: true}
		a.TaskAssignee = sql.NullString{String: "T1", Valid: true}
		a.TaskDue = sql.NullString{String: "2026-03-09", Valid: true}
	}
	return a
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
