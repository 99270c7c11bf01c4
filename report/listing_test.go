package report

import (
	"encoding/json"
	"strings"
	"testing"

	"baoxue/i18n"
)

func listedAlert() Alert {
	return Alert{ID: 7, Rule: "grade9-absence", Severity: "high", State: "open", Opened: "2026-03-10",
		LastNotified: "2026-03-10", Notifications: 1, StudentKey: "k1", StudentName: "张三丰", Grade: 9, Class: "3班",
		School: "SCH01", SchoolName: "临江中学", Center: "C1",
		Task: &AlertTask{ID: 3, Kind: "contact_guardian", Status: "open", Due: "2026-03-12", Assignee: "T1", AssigneeName: "王芳"}}
}

// render lists rows with l and returns what was written.
func render[T any](t *testing.T, mk func(*strings.Builder) *Listing[T], rows ...T) string {
	t.Helper()
	var b strings.Builder
	l := mk(&b)
	for i := range rows {
		if err := l.Write(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestAlertTable(t *testing.T) {
	gone := listedAlert()
	gone.ID, gone.State, gone.Outcome, gone.Ended, gone.Task = 6, "resolved", "student_dropped", "2026-03-20", nil
	gone.StudentName, gone.SchoolName = "李四", ""
	for _, tc := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.Chinese, "" +
			"开始日期    结束日期    状态               规则            级别    学生  班级       学校               负责教师    截止日期\n" +
			"2026-03-10              未解除             grade9-absence  高风险  张**  九年级3班  临江中学（SCH01）  王芳（T1）  2026-03-12\n" +
			"2026-03-10  2026-03-20  学生离校：dropped  grade9-absence  高风险  李*   九年级3班  SCH01\n" +
			"共 2 条预警\n"},
		{i18n.English, "" +
			"Opened      Ended       State                  Rule            Severity  Student  Class         School            Teacher    Due\n" +
			"2026-03-10              open                   grade9-absence  high      张**     grade 9, 3班  临江中学 (SCH01)  王芳 (T1)  2026-03-12\n" +
			"2026-03-10  2026-03-20  student left: dropped  grade9-absence  high      李*      grade 9, 3班  SCH01\n" +
			"2 alerts\n"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			p := i18n.NewPrinter(tc.lang)
			got := render(t, func(b *strings.Builder) *Listing[Alert] { return NewAlerts(b, p, false) }, listedAlert(), gone)
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestAlertJSON(t *testing.T) {
	noTask := listedAlert()
	noTask.Task = nil
	got := render(t, func(b *strings.Builder) *Listing[Alert] { return NewAlerts(b, i18n.Default(), true) }, listedAlert(), noTask)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	want := `{"id":7,"rule":"grade9-absence","severity":"high","state":"open","outcome":"","opened":"2026-03-10","ended":"",` +
		`"last_notified":"2026-03-10","notifications":1,"student_key":"k1","student_name":"张**","grade":9,"class":"3班",` +
		`"school":"SCH01","school_name":"临江中学","center":"C1","task":{"id":3,"kind":"contact_guardian","status":"open",` +
		`"due":"2026-03-12","assignee":"T1","assignee_name":"王芳"}}`
	if len(lines) != 2 || lines[0] != want {
		t.Fatalf("got\n%s\nwant first line\n%s", got, want)
	}
	var o map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &o); err != nil || o["task"] != nil || o["student_name"] != "张**" {
		t.Errorf("an alert without a task: %s (%v)", lines[1], err)
	}
}

func TestTaskTable(t *testing.T) {
	base := Task{ID: 1, Alert: 7, Kind: "contact_guardian", Rule: "grade9-absence", Status: "open", Due: "2026-03-12",
		Created: "2026-03-10", StudentKey: "k1", StudentName: "张三丰", Class: "3班", School: "SCH01", SchoolName: "临江中学",
		Assignee: "T1", AssigneeName: "王芳"}
	late, acked, closed := base, base, base
	late.Overdue, late.Escalation = true, 2
	acked.Status = "acked"
	closed.Status, closed.Outcome = "closed", "resolved"
	got := render(t, func(b *strings.Builder) *Listing[Task] { return NewTasks(b, i18n.Default(), false) }, late, acked, closed)
	want := "" +
		"截止日期    状态              已升级至  任务        规则            学生  班级  学校               负责教师\n" +
		"2026-03-12  逾期              管理中心  联系监护人  grade9-absence  张**  3班   临江中学（SCH01）  王芳（T1）\n" +
		"2026-03-12  已接收                      联系监护人  grade9-absence  张**  3班   临江中学（SCH01）  王芳（T1）\n" +
		"2026-03-12  已关闭：resolved            联系监护人  grade9-absence  张**  3班   临江中学（SCH01）  王芳（T1）\n" +
		"共 3 项任务\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got = render(t, func(b *strings.Builder) *Listing[Task] { return NewTasks(b, i18n.Default(), true) }, late)
	if !strings.Contains(got, `"student_name":"张**"`) || strings.Contains(got, "张三丰") || !strings.Contains(got, `"overdue":true,"escalation":2`) {
		t.Errorf("task JSON: %s", got)
	}
}

func TestRunTable(t *testing.T) {
	// r was recorded before runs counted students: unknown, shown blank
	// and null, never 0; r2 counts them.
	r := Run{ID: 12, Kind: "eval", At: "2026-03-10", RulesChecksum: strings.Repeat("ab", 32), Students: 200000,
		AlertsNew: 1234, AlertsInhibited: 56, SchoolsBehind: 3, Forced: true, StartedAt: "2026-03-10T11:00:00.000000Z"}
	atRisk, newly := 1100, 0
	r2 := r
	r2.ID, r2.At, r2.StudentsAtRisk, r2.StudentsNew, r2.Forced = 13, "2026-03-11", &atRisk, &newly, false
	got := render(t, func(b *strings.Builder) *Listing[Run] { return NewRuns(b, i18n.NewPrinter(i18n.English), false) }, r2, r)
	want := "" +
		"Run  Date        Kind        Campaign  Rules checksum  Students  At risk  Newly at risk  New    Ongoing  Inhibited  Resolved  Retired  Schools behind  Forced\n" +
		"13   2026-03-11  evaluation            abababababab    200,000   1,100    0              1,234  0        56         0         0        3\n" +
		"12   2026-03-10  evaluation            abababababab    200,000                           1,234  0        56         0         0        3               yes\n" +
		"2 runs\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got = render(t, func(b *strings.Builder) *Listing[Run] { return NewRuns(b, i18n.Default(), true) }, r2, r)
	if !strings.Contains(got, `"rules_checksum":"`+r.RulesChecksum+`"`) || !strings.Contains(got, `"students":200000`) ||
		!strings.Contains(got, `"alerts_ongoing":0,"alerts_inhibited":56,"alerts_resolved":0`) ||
		!strings.Contains(got, `"id":13,`) || !strings.Contains(got, `"students_at_risk":1100,"students_new":0`) ||
		!strings.Contains(got, `"students_at_risk":null,"students_new":null`) {
		t.Errorf("run JSON: %s", got)
	}
}

func TestEmptyLists(t *testing.T) {
	p := i18n.Default()
	if got := render(t, func(b *strings.Builder) *Listing[Alert] { return NewAlerts(b, p, false) }); got != "没有符合条件的预警。\n" {
		t.Errorf("empty alert table: %q", got)
	}
	if got := render(t, func(b *strings.Builder) *Listing[Run] { return NewRuns(b, p, true) }); got != "" {
		t.Errorf("empty JSON lines: %q", got)
	}
}

// countingWriter counts what reached it.
type countingWriter struct{ n int }

func (w *countingWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// TestTableStreams: a long table reaches the writer while rows are still
// being written, in columns fitted to its first rows; a later, wider cell
// only pushes its own line.
func TestTableStreams(t *testing.T) {
	var w countingWriter
	l := NewAlerts(&w, i18n.Default(), false)
	a := listedAlert()
	for range 1000 {
		if err := l.Write(&a); err != nil {
			t.Fatal(err)
		}
	}
	if w.n < 500*len("2026-03-10") {
		t.Errorf("%d bytes reached the writer before Close: the table is held back", w.n)
	}
	var b strings.Builder
	l = NewAlerts(&b, i18n.Default(), false)
	for i := range fitRows + 2 {
		a := listedAlert()
		if i == fitRows+1 {
			a.Rule = "a-much-longer-rule-id"
		}
		if err := l.Write(&a); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	lines := strings.Split(b.String(), "\n")
	first, last := lines[1], lines[fitRows+2]
	if i, j := strings.Index(first, "高风险"), strings.Index(last, "高风险"); j-i != len("a-much-longer-rule-id")-len("grade9-absence") {
		t.Errorf("a wider cell after the fitted rows:\n%s\n%s", first, last)
	}
}
