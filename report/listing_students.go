package report

import (
	"io"
	"slices"
	"strconv"
	"strings"

	"baoxue/i18n"
	"baoxue/rules"
)

// StudentAlerts is one student as `baoxue alerts` lists them (SPEC §3):
// the student as the roster has them, the highest severity of their
// listed alerts, the alerts (most severe first, as the store orders them)
// and the student's open tasks. StudentName is the name as stored: the
// listing masks it, in the alerts too.
type StudentAlerts struct {
	StudentHead
	Alerts []Alert
	Tasks  []AlertTask
}

// StudentHead is the student of a line of `baoxue alerts` or `tasks`, and
// the head of its JSON object: the student as the roster has them and the
// highest severity of what is listed.
type StudentHead struct {
	StudentKey  string `json:"student_key"`
	StudentName string `json:"student_name"`
	Grade       int    `json:"grade"`
	Class       string `json:"class"`
	School      string `json:"school"`
	SchoolName  string `json:"school_name"`
	Center      string `json:"center"`
	Severity    string `json:"severity"`
}

// masked returns the head with the student's name masked.
func (h StudentHead) masked() StudentHead {
	h.StudentName = MaskName(h.StudentName)
	return h
}

// studentAlertsLine is the JSON line of a StudentAlerts.
type studentAlertsLine struct {
	StudentHead
	Rules  []string    `json:"rules"`
	Alerts []any       `json:"alerts"`
	Tasks  []AlertTask `json:"tasks"`
}

// StudentTasks is one student as `baoxue tasks` lists them (SPEC §3): the
// student, the highest severity of their listed tasks and the tasks, the
// most urgent first. StudentName is the name as stored: the listing masks
// it, in the tasks and their reasons' messages too.
type StudentTasks struct {
	StudentHead
	Tasks []Task
}

// studentTasksLine is the JSON line of a StudentTasks.
type studentTasksLine struct {
	StudentHead
	Rules []string `json:"rules"`
	Tasks []any    `json:"tasks"`
}

// NewStudentAlerts lists students with their alerts to w, one line per
// student: a table in p's language (the highest severity, the student by
// masked name, class and school, the rules most severe first, the open
// tasks), then the count of students and alerts; or with asJSON one JSON
// object per student.
func NewStudentAlerts(w io.Writer, p *i18n.Printer, asJSON bool) *Listing[StudentAlerts] {
	c := newCellText(p)
	return newGroupListing(w, p, asJSON, func(_ *i18n.Printer, s *StudentAlerts) []string { return c.studentAlerts(s) }, studentAlertsJSON,
		func(s *StudentAlerts) int { return len(s.Alerts) }, studentTotal("bystudent.count.alerts"), "lists.none.alerts",
		"bystudent.col.severity", "lists.col.student", "lists.col.class", "lists.col.school", "lists.col.rule",
		"bystudent.col.open_tasks")
}

// NewStudentTasks lists students with their tasks to w as NewStudentAlerts
// lists them with their alerts; the count is of students and tasks.
func NewStudentTasks(w io.Writer, p *i18n.Printer, asJSON bool) *Listing[StudentTasks] {
	c := newCellText(p)
	return newGroupListing(w, p, asJSON, func(_ *i18n.Printer, s *StudentTasks) []string { return c.studentTasks(s) }, studentTasksJSON,
		func(s *StudentTasks) int { return len(s.Tasks) }, studentTotal("bystudent.count.tasks"), "lists.none.tasks",
		"bystudent.col.severity", "lists.col.student", "lists.col.class", "lists.col.school", "lists.col.rule",
		"lists.col.task")
}

// studentTotal counts students and their items (key: alerts or tasks).
func studentTotal(key string) func(p *i18n.Printer, rows, items int) string {
	return func(p *i18n.Printer, rows, items int) string {
		return p.Sprintf("bystudent.total", p.Sprintf("bystudent.count.students", rows), p.Sprintf(key, items))
	}
}

func studentAlertsJSON(s *StudentAlerts) any {
	line := studentAlertsLine{StudentHead: s.masked(), Rules: []string{}, Alerts: make([]any, len(s.Alerts)), Tasks: s.Tasks}
	for i := range s.Alerts {
		a := &s.Alerts[i]
		if !slices.Contains(line.Rules, a.Rule) {
			line.Rules = append(line.Rules, a.Rule)
		}
		line.Alerts[i] = alertLine(a)
	}
	if line.Tasks == nil {
		line.Tasks = []AlertTask{}
	}
	return &line
}

func (c *cellText) studentAlerts(s *StudentAlerts) []string {
	var names []string
	for i := range s.Alerts {
		a := &s.Alerts[i]
		name := a.Rule
		if state := c.alertMark(a); state != "" {
			name = c.fill("bystudent.rule.marked", a.Rule, state)
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	var tasks []string
	for _, t := range s.Tasks {
		tasks = append(tasks, c.fill("bystudent.task.open", c.taskKind(t.Kind), c.named(t.AssigneeName, t.Assignee), t.Due))
	}
	return []string{c.severity(s.Severity), MaskName(s.StudentName), c.class(s.Grade, s.Class), c.named(s.SchoolName, s.School),
		strings.Join(names, c.text("common.list.sep")), strings.Join(tasks, c.text("report.sep.semi"))}
}

// alertMark says how an alert stands when it is not simply open: inhibited,
// resolved, retired, or its student left; "" when it is open.
func (c *cellText) alertMark(a *Alert) string {
	switch {
	case a.State == "open" && len(a.InhibitedBy) > 0:
		return c.text("lists.alert.inhibited")
	case a.State == "open":
		return ""
	}
	return c.memo("state\x00"+a.State+"\x00"+a.Outcome, func() string { return alertState(c.p, a.State, a.Outcome) })
}

// alertState names how an alert stands (open, resolved, retired; or the
// student left, by its outcome student_<status>).
func alertState(p *i18n.Printer, state, outcome string) string {
	if after, ok := strings.CutPrefix(outcome, "student_"); ok {
		return p.Sprintf("lists.alert.left", after)
	}
	return p.Sprintf("lists.alert." + state)
}

func studentTasksJSON(s *StudentTasks) any {
	line := studentTasksLine{StudentHead: s.masked(), Rules: []string{}, Tasks: make([]any, len(s.Tasks))}
	for _, r := range taskGroupRules(s.Tasks) {
		line.Rules = append(line.Rules, r.rule)
	}
	for i := range s.Tasks {
		line.Tasks[i] = taskLine(&s.Tasks[i])
	}
	return &line
}

func (c *cellText) studentTasks(s *StudentTasks) []string {
	var names []string
	for _, r := range taskGroupRules(s.Tasks) {
		name := r.rule
		switch {
		case r.open:
		case r.left:
			name = c.fill("bystudent.rule.marked", r.rule, c.text("lists.alert.inhibited"))
		default:
			state := "resolved"
			if r.outcome == "rule_retired" {
				state = "retired"
			}
			name = c.fill("bystudent.rule.marked", r.rule,
				c.memo("state\x00"+state+"\x00"+r.outcome, func() string { return alertState(c.p, state, r.outcome) }))
		}
		names = append(names, name)
	}
	var tasks []string
	for i := range s.Tasks {
		t := &s.Tasks[i]
		state := c.memo("task\x00"+t.Status+"\x00"+strconv.FormatBool(t.Overdue)+"\x00"+t.Outcome,
			func() string { return taskState(c.p, t) })
		item := c.fill("bystudent.task.listed", c.taskKind(t.Kind), state, c.named(t.AssigneeName, t.Assignee), t.Due)
		switch t.Escalation {
		case 1:
			item = c.fill("bystudent.task.escalated", item, c.text("lists.escalated.principal"))
		case 2:
			item = c.fill("bystudent.task.escalated", item, c.text("lists.escalated.center"))
		}
		tasks = append(tasks, item)
	}
	return []string{c.severity(s.Severity), MaskName(s.StudentName), c.class(s.Grade, s.Class), c.named(s.SchoolName, s.School),
		strings.Join(names, c.text("common.list.sep")), strings.Join(tasks, c.text("report.sep.semi"))}
}

// groupRule is a rule of a student's tasks: its highest severity among
// the reasons of that rule, and how they stand: open says one of them
// still fires as a reason; else left says one left its task when its
// alert was inhibited, and outcome is how one ended.
type groupRule struct {
	rule, severity string
	open, left     bool
	outcome        string
}

// taskGroupRules lists the rules of tasks' reasons (a task of no reason,
// a pairing task, by its own rule), each once, the most severe first,
// then by rule id.
func taskGroupRules(tasks []Task) []groupRule {
	var out []groupRule
	add := func(rule, severity string, open, left bool, outcome string) {
		if rule == "" {
			return
		}
		i := slices.IndexFunc(out, func(g groupRule) bool { return g.rule == rule })
		if i < 0 {
			out = append(out, groupRule{rule: rule, severity: severity, open: open, left: left, outcome: outcome})
			return
		}
		g := &out[i]
		if rules.SeverityRank(severity) > rules.SeverityRank(g.severity) {
			g.severity = severity
		}
		g.open, g.left = g.open || open, g.left || left
		if g.outcome == "" {
			g.outcome = outcome
		}
	}
	for _, t := range tasks {
		if len(t.Reasons) == 0 {
			add(t.Rule, t.Severity, true, false, "")
		}
		for _, r := range t.Reasons {
			add(r.Rule, r.Severity, r.Ended == "" && r.Left == "", r.Ended == "" && r.Left != "", r.Outcome)
		}
	}
	slices.SortStableFunc(out, func(a, b groupRule) int {
		if d := rules.SeverityRank(b.severity) - rules.SeverityRank(a.severity); d != 0 {
			return d
		}
		return strings.Compare(a.rule, b.rule)
	})
	return out
}

// taskState names how a task stands: open, acknowledged, overdue, or
// closed with its outcome.
func taskState(p *i18n.Printer, t *Task) string {
	switch {
	case t.Status == "closed":
		return p.Sprintf("lists.task.closed", t.Outcome)
	case t.Overdue:
		return p.Sprintf("lists.task.overdue")
	case t.Status == "acked":
		return p.Sprintf("lists.task.acked")
	}
	return p.Sprintf("lists.task.open")
}

// cellText renders the cells of a listing of students in p's language,
// remembering what it rendered: a city's table names the same schools,
// teachers, classes and severities thousands of times, and a catalog
// message takes long to render. What it remembers is bounded by the
// directory (schools, teachers, classes), never by the rows.
type cellText struct {
	p     *i18n.Printer
	texts map[string]string
	// forms are messages whose arguments are all text, rendered once with
	// marks in place of the arguments (see fill).
	forms map[string][]string
}

func newCellText(p *i18n.Printer) *cellText {
	return &cellText{p: p, texts: map[string]string{}, forms: map[string][]string{}}
}

// memo returns what render returns for key, rendering it once.
func (c *cellText) memo(key string, render func() string) string {
	if s, ok := c.texts[key]; ok {
		return s
	}
	s := render()
	c.texts[key] = s
	return s
}

func (c *cellText) text(key string) string {
	return c.memo("text\x00"+key, func() string { return c.p.Sprintf(key) })
}

func (c *cellText) severity(s string) string {
	return c.memo("severity\x00"+s, func() string { return SeverityName(c.p, s) })
}

func (c *cellText) class(grade int, class string) string {
	return c.memo("class\x00"+strconv.Itoa(grade)+"\x00"+class, func() string { return classLabel(c.p, grade, class) })
}

func (c *cellText) named(name, code string) string {
	return c.memo("named\x00"+name+"\x00"+code, func() string { return named(c.p, name, code) })
}

func (c *cellText) taskKind(kind string) string {
	return c.memo("kind\x00"+kind, func() string { return taskLabel(c.p, kind) })
}

// argMark marks argument i in a form: a text no argument holds.
func argMark(i int) string { return "\x00" + strconv.Itoa(i) + "\x00" }

// fill renders the catalog message key with args, every one of which the
// message writes as text (%s, %[n]s): from the message rendered once with
// marks for its arguments, split at the marks.
func (c *cellText) fill(key string, args ...string) string {
	form, ok := c.forms[key]
	if !ok {
		marks := make([]any, len(args))
		for i := range marks {
			marks[i] = argMark(i)
		}
		form = strings.Split(c.p.Sprintf(key, marks...), "\x00")
		c.forms[key] = form
	}
	// form alternates text and argument numbers: text, n, text, n, text.
	var b strings.Builder
	for i, part := range form {
		if i%2 == 0 {
			b.WriteString(part)
			continue
		}
		if n, err := strconv.Atoi(part); err == nil && n < len(args) {
			b.WriteString(args[n])
		}
	}
	return b.String()
}
