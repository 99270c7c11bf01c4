package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/rules"
)

func TestTop(t *testing.T) {
	m := map[string]int{"b": 2, "a": 2, "c": 5, "d": 1}
	for _, tc := range []struct {
		limit int
		want  []count
	}{
		{0, []count{{"c", 5}, {"a", 2}, {"b", 2}, {"d", 1}}},
		{-1, []count{{"c", 5}, {"a", 2}, {"b", 2}, {"d", 1}}},
		{2, []count{{"c", 5}, {"a", 2}}},
		{9, []count{{"c", 5}, {"a", 2}, {"b", 2}, {"d", 1}}},
	} {
		t.Run(fmt.Sprint(tc.limit), func(t *testing.T) {
			if got := top(m, tc.limit); !slices.Equal(got, tc.want) {
				t.Errorf("top(m, %d) = %v, want %v", tc.limit, got, tc.want)
			}
		})
	}
}

func TestMaskName(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"张三丰", "张**"}, {"张三", "张*"}, {"张", "张*"}, {"Li Lei", "L*****"}, {"", ""},
	} {
		if got := MaskName(tc.name); got != tc.want {
			t.Errorf("MaskName(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestProgress drives the printer with a clock of its own: a line at most
// every half second, a final line only for a step of half a second or more.
func TestProgress(t *testing.T) {
	var b strings.Builder
	now := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
	p := NewProgress(&b)
	p.now = func() time.Time { return now }
	p.Start("eval", "students")
	now = now.Add(400 * time.Millisecond)
	p.Set(100) // too soon
	now = now.Add(600 * time.Millisecond)
	p.Set(2000)
	now = now.Add(100 * time.Millisecond)
	p.Set(2100) // too soon after the last line
	now = now.Add(400 * time.Millisecond)
	p.Done(3000)
	want := "\reval: 2000 students (2000/s)   \reval: 3000 students in 1.5s        \n"
	if b.String() != want {
		t.Errorf("printed %q, want %q", b.String(), want)
	}

	b.Reset()
	p.Start("import", "rows")
	now = now.Add(100 * time.Millisecond)
	p.Done(2)
	if b.Len() != 0 {
		t.Errorf("a quick step printed %q", b.String())
	}
	// Nothing to print to, or no printer at all: silent, no panic.
	for _, q := range []*Progress{NewProgress(nil), nil} {
		q.Start("eval", "students")
		q.Set(1)
		q.Done(1)
	}
}

// result is a run of two students: S1 fired two rules, S2 one.
func result() *engine.Result {
	high := &rules.Rule{ID: "a-rule", Name: "规则A", Severity: "high"}
	low := &rules.Rule{ID: "b-rule", Name: "规则B", Severity: "low"}
	s1 := &engine.FiredStudent{SID: 1, ID: "S1", Name: "张三丰", School: "SCH01", Class: "1班", Grade: 9, LeftBehind: true, Poverty: "none", AbsentStreak: 3}
	s2 := &engine.FiredStudent{SID: 2, ID: "S2", Name: "李四", School: "SCH02", Class: "2班", Grade: 7, Orphan: true, Poverty: "监测户", AbsentStreak: 8}
	line := func(r *rules.Rule, s *engine.FiredStudent, task *engine.TaskLine) engine.AlertLine {
		return engine.AlertLine{Type: "alert", Rule: r.ID, Student: s.ID, School: s.School, Severity: r.Severity,
			Recipients: []string{"T1"}, New: true, Notified: true, Task: task}
	}
	return &engine.Result{At: civil.DayOf(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)), DryRun: true, Students: 10,
		Alerts: []engine.Alert{
			{Line: line(high, s1, &engine.TaskLine{Kind: "verify", Assignee: "T1", Due: "2026-03-12"}), Rule: high, Student: s1},
			{Line: line(low, s1, nil), Rule: low, Student: s1},
			{Line: line(low, s2, nil), Rule: low, Student: s2},
		},
		Pairings:   []engine.Pairing{{Student: "S2", School: "SCH02", Teacher: "T2", Rule: "b-rule", Reason: "r"}},
		Unreported: []engine.Unreported{{Type: "unreported", School: "SCH03", Name: "<三>", Center: "C1", Students: 4}},
		New:        3, Notified: 3, TasksCreated: 2}
}

func TestAtRisk(t *testing.T) {
	risk := AtRisk(result())
	want := []StudentRisk{
		{ID: "S1", Name: "张三丰", School: "SCH01", Class: "1班", Grade: 9, Groups: []string{"left_behind"},
			Severity: "high", Rules: []string{"a-rule", "b-rule"}, AbsentStreak: 3},
		{ID: "S2", Name: "李四", School: "SCH02", Class: "2班", Grade: 7, Groups: []string{"orphan", "poverty"},
			Severity: "low", Rules: []string{"b-rule"}, AbsentStreak: 8},
	}
	if fmt.Sprint(risk) != fmt.Sprint(want) {
		t.Errorf("AtRisk =\n%+v\nwant\n%+v", risk, want)
	}
	if got := NewTasksByTeacher(result()); fmt.Sprint(got) != "map[T1:1 T2:1]" {
		t.Errorf("NewTasksByTeacher = %v", got)
	}
}

// TestWriteJSON: one line per alert (its line only), then the unreported
// schools, with nothing HTML-escaped.
func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, result()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{
		`{"type":"alert","rule":"a-rule","student":"S1","school":"SCH01","severity":"high","recipients":["T1"],"new":true,"notified":true,"task":{"kind":"verify","assignee":"T1","due":"2026-03-12"}}`,
		`{"type":"alert","rule":"b-rule","student":"S1","school":"SCH01","severity":"low","recipients":["T1"],"new":true,"notified":true}`,
		`{"type":"alert","rule":"b-rule","student":"S2","school":"SCH02","severity":"low","recipients":["T1"],"new":true,"notified":true}`,
		`{"type":"unreported","school":"SCH03","name":"<三>","center":"C1","students":4,"reported_through":"","since":"","evaluated":false}`,
	}
	if !slices.Equal(lines, want) {
		t.Errorf("JSON lines:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestSummaryMasksNames: the summary names rules by their names and
// students by masked names only.
func TestSummaryMasksNames(t *testing.T) {
	var b strings.Builder
	if err := WriteSummary(&b, result()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dry run, nothing written", "3 alerts firing (3 new", "2  b-rule", "规则B", "张**", "李*"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
	for _, name := range []string{"张三丰", "李四"} {
		if strings.Contains(b.String(), name) {
			t.Errorf("summary shows %s:\n%s", name, b.String())
		}
	}
	b.Reset()
	WriteOverview(&b, result(), Names{Schools: map[string]string{"SCH01": "一中"}, Teachers: map[string]string{"T1": "王老师"}})
	for _, want := range []string{"2 at risk (3 alerts)", "SCH01 一中", "T1 王**", "张**"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("overview lacks %q:\n%s", want, b.String())
		}
	}
}
