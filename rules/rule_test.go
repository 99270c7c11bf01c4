package rules

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/expr-lang/expr/vm"

	"baoxue/i18n"
	"baoxue/inputerr"
)

// fakeWindows answers windowed functions from tables keyed by window and
// records every call, so tests see which windows a rule asked for.
type fakeWindows struct {
	absences, unexcused, contacts, sessions, hours map[int]int
	rate                                           map[int]float64
	sessionsOf                                     map[[2]int]int // by window and least hours
	mu                                             sync.Mutex
	calls                                          []string
}

func (w *fakeWindows) record(name string, n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, fmt.Sprintf("%s(%d)", name, n))
}

func (w *fakeWindows) Absences(n int) int  { w.record("absences", n); return w.absences[n] }
func (w *fakeWindows) Unexcused(n int) int { w.record("unexcused", n); return w.unexcused[n] }
func (w *fakeWindows) AbsenceRate(n int) float64 {
	w.record("absence_rate", n)
	return w.rate[n]
}
func (w *fakeWindows) Contacts(n int) int { w.record("contacts", n); return w.contacts[n] }
func (w *fakeWindows) HomeTeachingSessions(n int) int {
	w.record("home_teaching_sessions", n)
	return w.sessions[n]
}
func (w *fakeWindows) HomeTeachingHours(n int) int {
	w.record("home_teaching_hours", n)
	return w.hours[n]
}
func (w *fakeWindows) HomeTeachingSessionsOf(n, minHours int) int {
	w.record("home_teaching_sessions_of", n)
	return w.sessionsOf[[2]int{n, minHours}]
}

// compileOne compiles a single rule with the given when and message.
func compileOne(t testing.TB, when, message string) *Rule {
	t.Helper()
	src := "rules:\n  - id: r\n    name: 测试\n    severity: low\n    when: |\n      " + when + "\n"
	if message != "" {
		src += "    message: |-\n      " + strings.ReplaceAll(message, "\n", "\n      ") + "\n"
	}
	set, err := Compile(File{Name: "test.yaml", Data: []byte(src)})
	if err != nil {
		t.Fatalf("compile %q: %v", when, err)
	}
	return set.Rules[0]
}

// student9 is a grade-9 left-behind student used across tests.
func student9() Student {
	return Student{ID: "S1", Name: "张三", Gender: "男", School: "SCH01", Class: "九年级2班", Township: "临江镇",
		Village: "临江村", Status: "enrolled", Grade: 9, Stage: "junior", Age: 14, LeftBehind: true,
		LeftBehindParents: 2, Poverty: "marginal", DaysSinceReturn: -1}
}

func TestEval(t *testing.T) {
	tests := []struct {
		name string
		when string
		edit func(*Facts, *fakeWindows)
		want bool
	}{
		{"int field", "student.grade == 9", nil, true},
		{"int field false", "student.grade == 9", func(f *Facts, _ *fakeWindows) { f.Student.Grade = 8 }, false},
		{"string in list", `student.poverty in ["marginal", "monitored"]`, nil, true},
		{"bools", "student.left_behind && !student.home_taught && student.left_behind_parents == 2", nil, true},
		{"never returned", "student.days_since_return < 0", nil, true},
		{"stage and age", `student.stage == "junior" && student.age >= 14`, nil, true},
		{"streaks", "unexcused_streak > 3 && absent_streak >= 5",
			func(f *Facts, _ *fakeWindows) { f.UnexcusedStreak, f.AbsentStreak = 4, 5 }, true},
		{"streak not enough", "unexcused_streak > 3", func(f *Facts, _ *fakeWindows) { f.UnexcusedStreak = 3 }, false},
		{"absences at threshold", "absences(14) >= 2", func(_ *Facts, w *fakeWindows) { w.absences[14] = 2 }, true},
		{"absences below", "absences(14) >= 2", func(_ *Facts, w *fakeWindows) { w.absences[14] = 1 }, false},
		{"window is passed", "absences(7) >= 2", func(_ *Facts, w *fakeWindows) { w.absences[14] = 5 }, false},
		{"unexcused", "unexcused(30) == 3", func(_ *Facts, w *fakeWindows) { w.unexcused[30] = 3 }, true},
		{"rate", "absence_rate(60) >= 0.1", func(_ *Facts, w *fakeWindows) { w.rate[60] = 0.1 }, true},
		{"rate below", "absence_rate(60) >= 0.1", func(_ *Facts, w *fakeWindows) { w.rate[60] = 0.09 }, false},
		{"no contact", "contacts(30) == 0", nil, true},
		{"contact", "contacts(30) == 0", func(_ *Facts, w *fakeWindows) { w.contacts[30] = 1 }, false},
		{"home teaching ok", "home_teaching_sessions(7) < 1 || home_teaching_hours(7) < 2",
			func(_ *Facts, w *fakeWindows) { w.sessions[7], w.hours[7] = 1, 2 }, false},
		{"home teaching short", "home_teaching_sessions(7) < 1 || home_teaching_hours(7) < 2",
			func(_ *Facts, w *fakeWindows) { w.sessions[7], w.hours[7] = 1, 1 }, true},
		{"sessions of a norm's hours", "home_teaching_sessions_of(7, norms.home_teaching_hours_per_session) >= 1",
			func(f *Facts, w *fakeWindows) { f.Norms.HomeTeachingHoursPerSession, w.sessionsOf[[2]int{7, 3}] = 3, 1 }, true},
		{"sessions of other hours", "home_teaching_sessions_of(7, norms.home_teaching_hours_per_session) >= 1",
			func(f *Facts, w *fakeWindows) { f.Norms.HomeTeachingHoursPerSession, w.sessionsOf[[2]int{7, 2}] = 3, 1 }, false},
		{"norms", "unexcused_streak >= norms.suspected_dropout_days && norms.home_teaching_sessions_per_week == 1",
			func(f *Facts, _ *fakeWindows) { f.UnexcusedStreak = 10 }, true},
		{"date names", `month == 3 && today >= "2026-03-01" && campaign == "march"`,
			func(f *Facts, _ *fakeWindows) { f.Month, f.Today, f.Campaign = 3, "2026-03-10", "march" }, true},
		{"builtins", "len(student.name) == 2 && max(absences(3), unexcused(3)) >= 1 && abs(-1) == 1",
			func(_ *Facts, w *fakeWindows) { w.unexcused[3] = 1 }, true},
		{"string operators", `student.name contains "三" && student.village startsWith "临" && student.class matches "^九"`, nil, true},
		{"arithmetic", "absences(14) - unexcused(14) > 1",
			func(_ *Facts, w *fakeWindows) { w.absences[14], w.unexcused[14] = 3, 1 }, true},
	}
	var v vm.VM // one VM reused across rules, as the engine does
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := compileOne(t, tc.when, "")
			w := newFake()
			f := &Facts{Student: student9(), W: w, Norms: DefaultNorms()}
			if tc.edit != nil {
				tc.edit(f, w)
			}
			got, err := r.Eval(&v, f)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Eval(%s) = %v, want %v", tc.when, got, tc.want)
			}
		})
	}
}

func newFake() *fakeWindows {
	return &fakeWindows{absences: map[int]int{}, unexcused: map[int]int{}, contacts: map[int]int{},
		sessions: map[int]int{}, hours: map[int]int{}, rate: map[int]float64{}, sessionsOf: map[[2]int]int{}}
}

// TestEvalCalls checks that windowed calls reach Windows with their window,
// and that && short-circuits before a call.
func TestEvalCalls(t *testing.T) {
	tests := []struct {
		when  string
		calls string
	}{
		{"absences(14) >= 2 || contacts(30) == 0", "absences(14) contacts(30)"},
		{"student.grade == 8 && absences(3) > 0", ""},
		{"home_teaching_hours(7) < 2 && absence_rate(90) > 0.5", "home_teaching_hours(7) absence_rate(90)"},
		{"home_teaching_sessions_of(7, norms.home_teaching_hours_per_session) < 1", "home_teaching_sessions_of(7)"},
	}
	for _, tc := range tests {
		t.Run(tc.when, func(t *testing.T) {
			r := compileOne(t, tc.when, "")
			w := newFake()
			if _, err := r.Eval(nil, &Facts{Student: student9(), W: w}); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(w.calls, " "); got != tc.calls {
				t.Errorf("calls %q, want %q", got, tc.calls)
			}
		})
	}
}

// panicWindows panics in Absences, as a broken engine might.
type panicWindows struct{ constWindows }

func (panicWindows) Absences(int) int { panic("boom") }

func TestEvalErrors(t *testing.T) {
	r := compileOne(t, "absences(14) > 1", "")
	tests := []struct {
		name string
		rule *Rule
		f    *Facts
		want string
	}{
		{"no windows", r, &Facts{}, "规则 r：事实数据中没有窗口函数所需的 Windows"},
		{"windows panic", r, &Facts{W: &panicWindows{}}, "test.yaml:6:7: 规则 r：when：boom"},
		{"not compiled", &Rule{ID: "hand"}, &Facts{W: newFake()}, "规则 hand：未编译"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.rule.Eval(nil, tc.f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Eval error %v, want %q", err, tc.want)
			}
		})
	}
	// A rule without windowed calls needs no Windows.
	plain := compileOne(t, "student.grade == 9", "")
	if ok, err := plain.Eval(nil, &Facts{Student: student9()}); err != nil || !ok {
		t.Errorf("plain rule without Windows: %v, %v", ok, err)
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		name, message, want string
	}{
		{"names", "{{.student.name}}（{{.student.class}}）近14天缺勤{{absences 14}}天，旷课{{unexcused 14}}天",
			"张三（九年级2班）近14天缺勤3天，旷课1天"},
		{"top names", "{{.today}} {{.month}} {{.campaign}} {{.absent_streak}} {{.unexcused_streak}}",
			"2026-03-10 3 march 2 1"},
		{"all functions", "{{absence_rate 60}} {{contacts 30}} {{home_teaching_sessions 7}} {{home_teaching_hours 7}}",
			"0.25 4 1 2"},
		{"norms", "{{.norms.home_teaching_sessions_per_week}}次{{.norms.home_teaching_hours_per_session}}课时 {{.norms.suspected_dropout_days}}天",
			"1次2课时 10天"},
		{"sessions of a norm's hours", "{{home_teaching_sessions_of 7 .norms.home_teaching_hours_per_session}} {{home_teaching_sessions_of 7 1}}",
			"1 3"},
		{"printf and if", `{{printf "%.0f%%" (absence_rate 60)}}{{if .student.left_behind}} 留守{{end}}`, "0% 留守"},
		{"with", "{{with .student}}{{.name}}/{{.grade}}{{end}}", "张三/9"},
		{"dollar", "{{with .student}}{{$.today}}{{end}}", "2026-03-10"},
		{"compare", "{{if ge (absences 14) 3}}多{{else}}少{{end}}", "多"},
		{"multi-line", "第一行\n第二行{{.student.grade}}", "第一行\n第二行9"},
		{"variable", "{{$s := .student}}{{$s.name}}{{$s.village}}", "张三临江村"},
		{"dot variable", "{{$d := .}}{{$d.student.township}}", "临江镇"},
		{"dollar alone", "{{with .today}}{{$.student.class}}{{end}}", "九年级2班"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := compileOne(t, "true", tc.message)
			w := newFake()
			w.absences[14], w.unexcused[14], w.rate[60], w.contacts[30], w.sessions[7], w.hours[7] = 3, 1, 0.25, 4, 1, 2
			w.sessionsOf[[2]int{7, 2}], w.sessionsOf[[2]int{7, 1}] = 1, 3
			f := &Facts{Student: student9(), W: w, Today: "2026-03-10", Month: 3, Campaign: "march",
				AbsentStreak: 2, UnexcusedStreak: 1, Norms: DefaultNorms()}
			if tc.name == "printf and if" {
				w.rate[60] = 0.004
			}
			got, err := r.Render(f)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Render = %q, want %q", got, tc.want)
			}
		})
	}
	if got, err := compileOne(t, "true", "").Render(&Facts{}); got != "" || err != nil {
		t.Errorf("empty message: %q, %v", got, err)
	}
	withWindow := compileOne(t, "true", "{{absences 14}}")
	if _, err := withWindow.Render(&Facts{}); err == nil {
		t.Error("Render without Windows succeeded")
	}
}

// TestRenderConcurrent renders one rule for many students at once: each
// output must use its own Facts (the template functions are bound per call).
func TestRenderConcurrent(t *testing.T) {
	r := compileOne(t, "true", "{{.student.name}}:{{absences 14}}")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newFake()
			w.absences[14] = i
			name := fmt.Sprintf("S%d", i)
			got, err := r.Render(&Facts{Student: Student{Name: name}, W: w})
			if want := fmt.Sprintf("%s:%d", name, i); err != nil || got != want {
				errs <- fmt.Errorf("got %q, %v; want %q", got, err, want)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRunsIn(t *testing.T) {
	tests := []struct {
		campaigns []string
		enabled   bool
		campaign  string
		want      bool
	}{
		{nil, true, "", true},
		{nil, true, "march", true},
		{nil, false, "", false},
		{[]string{"march", "september"}, true, "", false},
		{[]string{"march", "september"}, true, "march", true},
		{[]string{"march", "september"}, true, "may", false},
		{[]string{"march"}, false, "march", false},
	}
	for _, tc := range tests {
		r := &Rule{Campaigns: tc.campaigns, Enabled: tc.enabled}
		if got := r.RunsIn(tc.campaign); got != tc.want {
			t.Errorf("RunsIn(%q) with campaigns %v enabled %v = %v, want %v", tc.campaign, tc.campaigns, tc.enabled, got, tc.want)
		}
	}
}

// TestEnvironmentNames checks that every Student field is reachable under
// its tag from `when` and from templates, and that ENVIRONMENT.md documents it.
func TestEnvironmentNames(t *testing.T) {
	doc := readFile(t, "ENVIRONMENT.md")
	st := reflect.TypeFor[Student]()
	for i := range st.NumField() {
		name := st.Field(i).Tag.Get("expr")
		if name == "" {
			t.Errorf("Student.%s has no expr tag", st.Field(i).Name)
			continue
		}
		compileOne(t, fmt.Sprintf("student.%s == student.%s", name, name), "{{.student."+name+"}}")
		if !strings.Contains(doc, "`student."+name+"`") {
			t.Errorf("ENVIRONMENT.md does not document student.%s", name)
		}
	}
	nt := reflect.TypeFor[Norms]()
	for i := range nt.NumField() {
		name := nt.Field(i).Tag.Get("expr")
		compileOne(t, fmt.Sprintf("norms.%s == norms.%s", name, name), "{{.norms."+name+"}}")
		if !strings.Contains(doc, "`norms."+name+"`") {
			t.Errorf("ENVIRONMENT.md does not document norms.%s", name)
		}
	}
	for _, name := range append(windowFuncNames(), topNames...) {
		if name != "student" && name != "norms" && !strings.Contains(doc, "`"+name+"(") && !strings.Contains(doc, "`"+name+"`") {
			t.Errorf("ENVIRONMENT.md does not document %s", name)
		}
	}
}

// TestErrorRendering: a load problem names its rule and shows its snippet
// indented; a RunError adds the student and is not bad input. Both render
// in Chinese by default and in English on request.
func TestErrorRendering(t *testing.T) {
	var errs inputerr.List
	errs.Add("b.yaml", 2, 1, "", inRule("", i18n.Raw("second file")))
	errs.Add("a.yaml", 9, 3, "", inRule("r", withSnippet(i18n.Raw("late"), " | x\n | ^")))
	errs.Add("a.yaml", 9, 1, "", inRule("r", i18n.Raw("early")))
	errs.Add("dir", 0, 0, "", i18n.Raw("whole file"))
	errs.Sort()
	want := "a.yaml:9:1: 规则 r：early\n" +
		"a.yaml:9:3: 规则 r：late\n     | x\n     | ^\n" +
		"b.yaml:2:1: second file\n" +
		"dir: whole file"
	if got := errs.Error(); got != want {
		t.Errorf("load errors =\n%s\nwant\n%s", got, want)
	}
	if got, want := errs.Localize(i18n.NewPrinter(i18n.English)), "a.yaml:9:1: rule r: early\n"+
		"a.yaml:9:3: rule r: late\n     | x\n     | ^\n"+
		"b.yaml:2:1: second file\n"+
		"dir: whole file"; got != want {
		t.Errorf("load errors in English =\n%s\nwant\n%s", got, want)
	}
	if !inputerr.IsBadInput(fmt.Errorf("load: %w", errs.Err())) {
		t.Error("load errors are not bad input")
	}
	at := inputerr.Error{File: "a.yaml", Line: 9, Col: 3, Msg: withSnippet(whenMsg(i18n.Raw("late")), " | x\n | ^")}
	run := OnStudent(&RunError{At: at, Rule: "r"}, "kS1")
	if got, want := run.Error(), "a.yaml:9:3: 规则 r：学生 kS1：when：late\n     | x\n     | ^"; got != want {
		t.Errorf("run error =\n%s\nwant\n%s", got, want)
	}
	if got, want := i18n.NewPrinter(i18n.English).Error(run), "a.yaml:9:3: rule r: student kS1: when: late\n     | x\n     | ^"; got != want {
		t.Errorf("run error in English =\n%s\nwant\n%s", got, want)
	}
	if inputerr.IsBadInput(fmt.Errorf("evaluate: %w", run)) {
		t.Error("a run error is bad input")
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct{ got, want, zh string }{
		{"sevrity", ` (did you mean "severity"?)`, `（是否应为 "severity"？）`},
		{"Severity", ` (did you mean "severity"?)`, `（是否应为 "severity"？）`},
		{"colldown", ` (did you mean "cooldown"?)`, `（是否应为 "cooldown"？）`},
		{"owner", "", ""},
		{"severity", "", ""},
		{"x", "", ""},
	}
	en := i18n.NewPrinter(i18n.English)
	for _, tc := range tests {
		if got := en.Text(suggest(tc.got, ruleKeys)); got != tc.want {
			t.Errorf("suggest(%q) = %q, want %q", tc.got, got, tc.want)
		}
		if got := suggest(tc.got, ruleKeys).String(); got != tc.zh {
			t.Errorf("suggest(%q) in Chinese = %q, want %q", tc.got, got, tc.zh)
		}
	}
}

func TestRenderMasksID(t *testing.T) {
	r := compileOne(t, "true", "{{.student.id}}")
	got, err := r.Render(&Facts{Student: Student{ID: "G50023420110501005X"}})
	if err != nil || got != "G500234********005X" {
		t.Errorf("Render = %q, %v; want the 学籍号 masked", got, err)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
