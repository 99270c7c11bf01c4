package report

import (
	"bufio"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"baoxue/i18n"
)

// Alert is one alert as `baoxue alerts` lists it, and its JSON line (SPEC
// §3). StudentName is the name as stored: the listing masks it, in the
// table and in JSON alike. No identity number is part of it.
type Alert struct {
	ID   int64  `json:"id"`
	Rule string `json:"rule"`
	// Severity is the rule's when the alert opened.
	Severity string `json:"severity"`
	// State is open, resolved or retired; Outcome says how an alert that
	// is not open ended (resolved, rule_retired, student_<status>).
	// InhibitedBy, for an open alert, are the rules inhibiting it (SPEC
	// §7); LastNotified is "" for an alert never notified.
	State         string     `json:"state"`
	Outcome       string     `json:"outcome"`
	Opened        string     `json:"opened"`
	Ended         string     `json:"ended"`
	LastNotified  string     `json:"last_notified"`
	Notifications int        `json:"notifications"`
	InhibitedBy   []string   `json:"inhibited_by,omitempty"`
	StudentKey    string     `json:"student_key"`
	StudentName   string     `json:"student_name"`
	Grade         int        `json:"grade"`
	Class         string     `json:"class"`
	School        string     `json:"school"`
	SchoolName    string     `json:"school_name"`
	Center        string     `json:"center"`
	Task          *AlertTask `json:"task,omitempty"`
}

// AlertTask is the follow-up task of an alert.
type AlertTask struct {
	ID           int64  `json:"id"`
	Kind         string `json:"kind"`
	Status       string `json:"status"`
	Due          string `json:"due"`
	Assignee     string `json:"assignee"`
	AssigneeName string `json:"assignee_name"`
}

// Task is one follow-up task as `baoxue tasks` lists it, and its JSON line
// (SPEC §3). StudentName is the name as stored, and the reasons' messages
// as stored: the listing masks the name in both.
type Task struct {
	ID int64 `json:"id"`
	// Alert is the alert the task was created for (its first reason), 0
	// for a pairing or ledger task; Rule that alert's rule (the pairing's
	// for a pairing task).
	Alert int64  `json:"alert"`
	Kind  string `json:"kind"`
	Rule  string `json:"rule"`
	// Status is open, acked or closed; Overdue says an open task is at or
	// past its due date; Escalation is 0, 1 (to the principal) or 2 (to
	// the center admins).
	Status       string `json:"status"`
	Overdue      bool   `json:"overdue"`
	Escalation   int    `json:"escalation"`
	Due          string `json:"due"`
	Created      string `json:"created"`
	Closed       string `json:"closed"`
	Outcome      string `json:"outcome"`
	StudentKey   string `json:"student_key"`
	StudentName  string `json:"student_name"`
	Grade        int    `json:"grade"`
	Class        string `json:"class"`
	School       string `json:"school"`
	SchoolName   string `json:"school_name"`
	Assignee     string `json:"assignee"`
	AssigneeName string `json:"assignee_name"`
	// Severity is the highest of its reasons'; MergedInto the task it was
	// merged into on an upgrade (outcome merged), else 0.
	Severity   string `json:"severity"`
	MergedInto int64  `json:"merged_into"`
	// Reasons are the alerts the task follows up (SPEC §7): one task per
	// student, kind and assignee, whatever number of rules ask for it.
	Reasons []TaskReason `json:"reasons"`
}

// TaskReason is one reason of a task: an alert, its rule and severity,
// since when it fires, its message (the student's name masked) and how it
// ended ("" while it fires).
type TaskReason struct {
	Alert    int64  `json:"alert"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Since    string `json:"since"`
	Ended    string `json:"ended"`
	Outcome  string `json:"outcome"`
	Left     string `json:"left"`
	Message  string `json:"message"`
}

// Run is one recorded run as `baoxue runs` lists it, and its JSON line
// (SPEC §3).
type Run struct {
	ID            int64  `json:"id"`
	Kind          string `json:"kind"`
	At            string `json:"at"`
	Campaign      string `json:"campaign"`
	RulesChecksum string `json:"rules_checksum"`
	Students      int    `json:"students"`
	// StudentsAtRisk are the students at least one rule fired for,
	// StudentsNew those of them with no open alert before the run; null
	// for a run recorded before runs counted them, and for an escalation.
	StudentsAtRisk  *int   `json:"students_at_risk"`
	StudentsNew     *int   `json:"students_new"`
	AlertsNew       int    `json:"alerts_new"`
	AlertsOngoing   int    `json:"alerts_ongoing"`
	AlertsInhibited int    `json:"alerts_inhibited"`
	AlertsResolved  int    `json:"alerts_resolved"`
	AlertsRetired   int    `json:"alerts_retired"`
	SchoolsBehind   int    `json:"schools_behind"`
	Forced          bool   `json:"forced"`
	StartedAt       string `json:"started_at"`
	FinishedAt      string `json:"finished_at"`
}

// Listing writes the rows of a list one at a time, as a table a person
// reads or as JSON lines, so that a city's alerts print as they are read
// and are never held all at once. Write each row, then Close.
type Listing[T any] struct {
	w     *bufio.Writer
	p     *i18n.Printer
	json  *json.Encoder
	table *table
	// n counts the rows, items what they hold (a student's alerts).
	n, items int
	cells    func(p *i18n.Printer, row *T) []string
	line     func(row *T) any
	// count says how many items a row holds; nil when a row is one.
	count  func(row *T) int
	total  func(p *i18n.Printer, rows, items int) string // the count after the table
	none   string                                        // key of the sentence for an empty table
	header []string
}

// NewAlerts lists alerts to w: a table in p's language with names masked
// and no identity number, or with asJSON one JSON object per line.
func NewAlerts(w io.Writer, p *i18n.Printer, asJSON bool) *Listing[Alert] {
	return newListing(w, p, asJSON, alertCells, alertLine, "lists.total.alerts", "lists.none.alerts",
		"lists.col.opened", "lists.col.ended", "lists.col.state", "lists.col.rule", "lists.col.severity",
		"lists.col.student", "lists.col.class", "lists.col.school", "lists.col.teacher", "lists.col.due")
}

// NewTasks lists tasks to w as NewAlerts lists alerts.
func NewTasks(w io.Writer, p *i18n.Printer, asJSON bool) *Listing[Task] {
	return newListing(w, p, asJSON, taskCells, taskLine, "lists.total.tasks", "lists.none.tasks",
		"lists.col.due", "lists.col.state", "lists.col.escalated", "lists.col.task", "lists.col.rule",
		"lists.col.student", "lists.col.class", "lists.col.school", "lists.col.teacher")
}

// NewRuns lists runs to w: a table in p's language, or with asJSON one JSON
// object per line.
func NewRuns(w io.Writer, p *i18n.Printer, asJSON bool) *Listing[Run] {
	return newListing(w, p, asJSON, runCells, func(r *Run) any { return r }, "lists.total.runs", "lists.none.runs",
		"lists.col.run", "lists.col.date", "lists.col.kind", "lists.col.campaign", "lists.col.checksum",
		"lists.col.students", "lists.col.at_risk", "lists.col.at_risk_new", "lists.col.new", "lists.col.ongoing", "lists.col.inhibited", "lists.col.resolved", "lists.col.retired",
		"lists.col.behind", "lists.col.forced")
}

func newListing[T any](w io.Writer, p *i18n.Printer, asJSON bool, cells func(*i18n.Printer, *T) []string,
	line func(*T) any, total, none string, header ...string) *Listing[T] {
	count := func(p *i18n.Printer, rows, _ int) string { return p.Sprintf(total, rows) }
	return newGroupListing(w, p, asJSON, cells, line, nil, count, none, header...)
}

// newGroupListing is newListing for rows that hold items (a student's
// alerts): count says how many a row holds, and total writes the count
// after the table from both numbers.
func newGroupListing[T any](w io.Writer, p *i18n.Printer, asJSON bool, cells func(*i18n.Printer, *T) []string,
	line func(*T) any, count func(*T) int, total func(p *i18n.Printer, rows, items int) string, none string,
	header ...string) *Listing[T] {
	l := &Listing[T]{w: bufio.NewWriter(w), p: p, cells: cells, line: line, count: count, total: total, none: none}
	if asJSON {
		l.json = json.NewEncoder(l.w)
		l.json.SetEscapeHTML(false)
		return l
	}
	for _, k := range header {
		l.header = append(l.header, p.Sprintf(k))
	}
	l.table = &table{w: l.w}
	return l
}

// Write lists one row. The row is not kept: the caller may reuse it.
func (l *Listing[T]) Write(row *T) error {
	l.n++
	if l.count != nil {
		l.items += l.count(row)
	}
	if l.json != nil {
		return l.json.Encode(l.line(row))
	}
	if l.n == 1 {
		l.table.add(l.header)
	}
	return l.table.add(l.cells(l.p, row))
}

// Close ends the list: a table's last rows and the count of rows, or the
// sentence saying that nothing matched; nothing more for JSON lines. It
// flushes what is written to the writer.
func (l *Listing[T]) Close() error {
	if l.table != nil {
		if l.n == 0 {
			l.p.Fprintln(l.w, l.none)
		} else {
			if err := l.table.flush(); err != nil {
				return err
			}
			l.w.WriteString(l.total(l.p, l.n, l.items) + "\n")
		}
	}
	return l.w.Flush()
}

func alertLine(a *Alert) any {
	line := *a
	line.StudentName = MaskName(a.StudentName)
	return &line
}

func alertCells(p *i18n.Printer, a *Alert) []string {
	state := alertState(p, a.State, a.Outcome)
	if len(a.InhibitedBy) > 0 {
		state = p.Sprintf("lists.alert.inhibited") // by which rules: in JSON
	}
	teacher, due := "", ""
	if a.Task != nil {
		teacher, due = named(p, a.Task.AssigneeName, a.Task.Assignee), a.Task.Due
	}
	return []string{a.Opened, a.Ended, state, a.Rule, SeverityName(p, a.Severity), MaskName(a.StudentName),
		classLabel(p, a.Grade, a.Class), named(p, a.SchoolName, a.School), teacher, due}
}

func taskLine(t *Task) any {
	line := *t
	line.StudentName = MaskName(t.StudentName)
	line.Reasons = make([]TaskReason, len(t.Reasons))
	for i, r := range t.Reasons {
		r.Message = maskMessage(r.Message, t.StudentName)
		line.Reasons[i] = r
	}
	return &line
}

// maskMessage masks a student's name, and anything shaped like an identity
// number, in a rule's message rendered for the student.
func maskMessage(msg, name string) string {
	if name != "" {
		msg = strings.ReplaceAll(msg, name, MaskName(name))
	}
	return ScrubIdentityNumbers(msg)
}

// taskRules names the rules of a task's reasons, each once, in the order
// of its reasons; a task of no reason (a pairing task) by its own rule.
func taskRules(p *i18n.Printer, t *Task) string {
	var ids []string
	for _, r := range t.Reasons {
		if !slices.Contains(ids, r.Rule) {
			ids = append(ids, r.Rule)
		}
	}
	if len(ids) == 0 {
		return t.Rule
	}
	return strings.Join(ids, p.Sprintf("common.list.sep"))
}

func taskCells(p *i18n.Printer, t *Task) []string {
	state := taskState(p, t)
	escalated := ""
	switch t.Escalation {
	case 1:
		escalated = p.Sprintf("lists.escalated.principal")
	case 2:
		escalated = p.Sprintf("lists.escalated.center")
	}
	return []string{t.Due, state, escalated, taskLabel(p, t.Kind), taskRules(p, t), MaskName(t.StudentName),
		classLabel(p, t.Grade, t.Class), named(p, t.SchoolName, t.School), named(p, t.AssigneeName, t.Assignee)}
}

// classLabel names a class with its grade (九年级6班), as the summary does:
// "6班" alone is one of several in a school.
func classLabel(p *i18n.Printer, grade int, class string) string {
	if grade <= 0 {
		return class
	}
	return p.Sprintf("report.class_in_grade", GradeName(p, grade), class)
}

func runCells(p *i18n.Printer, r *Run) []string {
	kind := r.Kind
	if kind == "eval" || kind == "campaign" || kind == "escalate" {
		kind = p.Sprintf("lists.run." + kind)
	}
	forced := ""
	if r.Forced {
		forced = p.Sprintf("lists.yes")
	}
	// Twelve hex digits tell rule files apart; JSON has the whole sum.
	sum := r.RulesChecksum[:min(len(r.RulesChecksum), 12)]
	num := func(n int) string { return p.Sprintf("lists.number", n) }
	known := func(n *int) string {
		if n == nil {
			return "" // not counted then: unknown, not 0
		}
		return num(*n)
	}
	return []string{strconv.FormatInt(r.ID, 10), r.At, kind, r.Campaign, sum, num(r.Students), known(r.StudentsAtRisk),
		known(r.StudentsNew), num(r.AlertsNew),
		num(r.AlertsOngoing), num(r.AlertsInhibited), num(r.AlertsResolved), num(r.AlertsRetired), num(r.SchoolsBehind), forced}
}

// named shows a school or a teacher by name with its code, or by its code
// alone when the name is not known ("" when neither is).
func named(p *i18n.Printer, name, code string) string {
	if name == "" || code == "" {
		return code
	}
	return p.Sprintf("lists.named", name, code)
}

// fitRows is how many rows a table holds back to fit its column widths;
// a later, wider cell pushes the rest of its line to the right.
const fitRows = 200

// table prints rows in columns, streamed: the widths are fitted to the
// header and the first fitRows rows, then kept.
type table struct {
	w       *bufio.Writer
	pending [][]string
	widths  []int
}

// add prints a row, or holds it back while the widths are being fitted.
func (t *table) add(cells []string) error {
	if t.widths != nil {
		return t.print(cells)
	}
	t.pending = append(t.pending, cells)
	if len(t.pending) > fitRows {
		return t.flush()
	}
	return nil
}

// flush fits the widths, if they are not yet, and prints the rows held back.
func (t *table) flush() error {
	if t.widths == nil {
		for _, row := range t.pending {
			for i, c := range row {
				if i == len(t.widths) {
					t.widths = append(t.widths, 0)
				}
				t.widths[i] = max(t.widths[i], cellWidth(c))
			}
		}
	}
	for _, row := range t.pending {
		if err := t.print(row); err != nil {
			return err
		}
	}
	t.pending = nil
	return nil
}

// print writes a row, each cell but the last padded to its column's width
// and two spaces.
func (t *table) print(cells []string) error {
	last := len(cells) - 1
	for last > 0 && cells[last] == "" {
		last--
	}
	for i, c := range cells[:last+1] {
		t.w.WriteString(c)
		if i < last {
			pad := 2
			if i < len(t.widths) {
				pad += max(t.widths[i]-cellWidth(c), 0)
			}
			t.w.WriteString(strings.Repeat(" ", pad))
		}
	}
	_, err := t.w.WriteString("\n")
	return err
}

// cellWidth is how many columns of a terminal s takes: two for each wide
// (Chinese) or full-width character, one for the others.
func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
