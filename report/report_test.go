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
	"baoxue/i18n"
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
// every half second, a final line only for a step of half a second or more;
// in Chinese by default, in English on request.
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
	want := "\r评估：2,000 名学生（每秒 2000）   \r评估：3,000 名学生，用时 1.5 秒        \n"
	if b.String() != want {
		t.Errorf("printed %q, want %q", b.String(), want)
	}

	b.Reset()
	p.In(i18n.NewPrinter(i18n.English)).Start("import", "rows")
	now = now.Add(700 * time.Millisecond)
	p.Set(1)
	p.Done(2)
	if want := "\rimport: 1 row (1/s)   \rimport: 2 rows in 0.7s        \n"; b.String() != want {
		t.Errorf("in English: printed %q, want %q", b.String(), want)
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
		q.In(nil).Start("eval", "students")
		q.Set(1)
		q.Done(1)
	}
}

// result is a run of two students: S1 fired two rules, S2 one.
func result() *engine.Result {
	high := &rules.Rule{ID: "a-rule", Name: "规则A", Severity: "high"}
	low := &rules.Rule{ID: "b-rule", Name: "规则B", Severity: "low"}
	s1 := &engine.FiredStudent{SID: 1, ID: "S1", Key: "k1", Name: "张三丰", School: "SCH01", Class: "1班", Grade: 9, LeftBehind: true, Poverty: "none", AbsentStreak: 3}
	s2 := &engine.FiredStudent{SID: 2, ID: "S2", Key: "k2", Name: "李四", School: "SCH02", Class: "2班", Grade: 7, Orphan: true, Poverty: "监测户", AbsentStreak: 8}
	line := func(r *rules.Rule, s *engine.FiredStudent, task *engine.TaskLine) engine.AlertLine {
		return engine.AlertLine{Type: "alert", Rule: r.ID, Student: s.ID, School: s.School, Severity: r.Severity,
			Recipients: []string{"T1"}, New: true, Notified: true, Task: task}
	}
	return &engine.Result{At: civil.DayOf(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)), DryRun: true, Students: 10,
		Alerts: []engine.Alert{
			{Line: withMessage(line(high, s1, &engine.TaskLine{Kind: "verify", Assignee: "T1", Due: "2026-03-12"}), "张三丰近14天缺勤3天。"), Rule: high, Student: s1},
			{Line: line(low, s1, nil), Rule: low, Student: s1},
			{Line: line(low, s2, nil), Rule: low, Student: s2},
		},
		Pairings:   []engine.Pairing{{Student: "S2", School: "SCH02", Teacher: "T2", Rule: "b-rule", Reason: "r"}},
		Unreported: []engine.Unreported{{Type: "unreported", School: "SCH03", Name: "<三>", Center: "C1", Students: 4}},
		New:        3, Notified: 3, TasksCreated: 2, TasksByTeacher: map[string]int{"T1": 1, "T2": 1}, AtRisk: 2, NewAtRisk: 2,
		SchoolNames: map[string]string{"SCH01": "一中", "SCH03": "<三>"}, TeacherNames: map[string]string{"T1": "王老师"}}
}

func withMessage(l engine.AlertLine, msg string) engine.AlertLine {
	l.Message = msg
	return l
}

func TestAtRisk(t *testing.T) {
	risk := AtRisk(result())
	want := []StudentRisk{
		{ID: "S1", Key: "k1", Name: "张三丰", School: "SCH01", Class: "1班", Grade: 9, Groups: []string{"left_behind"},
			Severity: "high", Rules: []string{"a-rule", "b-rule"}, RuleNames: []string{"规则A", "规则B"}, AbsentStreak: 3},
		{ID: "S2", Key: "k2", Name: "李四", School: "SCH02", Class: "2班", Grade: 7, Groups: []string{"orphan", "poverty"},
			Severity: "low", Rules: []string{"b-rule"}, RuleNames: []string{"规则B"}, AbsentStreak: 8},
	}
	if fmt.Sprint(risk) != fmt.Sprint(want) {
		t.Errorf("AtRisk =\n%+v\nwant\n%+v", risk, want)
	}
	if got := NewTasksByTeacher(result()); fmt.Sprint(got) != "map[T1:1 T2:1]" {
		t.Errorf("NewTasksByTeacher = %v", got)
	}
}

// TestWriteJSON: one line per alert (its line and rendered message, when
// there is one), then the unreported schools, with nothing HTML-escaped.
func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, result()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{
		`{"type":"alert","rule":"a-rule","student":"S1","school":"SCH01","severity":"high","recipients":["T1"],"new":true,"notified":true,"task":{"kind":"verify","assignee":"T1","due":"2026-03-12"},"message":"张三丰近14天缺勤3天。"}`,
		`{"type":"alert","rule":"b-rule","student":"S1","school":"SCH01","severity":"low","recipients":["T1"],"new":true,"notified":true}`,
		`{"type":"alert","rule":"b-rule","student":"S2","school":"SCH02","severity":"low","recipients":["T1"],"new":true,"notified":true}`,
		`{"type":"unreported","school":"SCH03","name":"<三>","center":"C1","students":4,"reported_through":"","since":"","evaluated":false}`,
	}
	if !slices.Equal(lines, want) {
		t.Errorf("JSON lines:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestSummaryMasksNames: the summary names rules by their names, schools
// by name with code, teachers by name, and students by masked names only;
// in Chinese by default.
func TestSummaryMasksNames(t *testing.T) {
	var b strings.Builder
	if err := WriteSummary(&b, i18n.Default(), result()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"试运行，未写入任何数据", "触发预警 3 条（新增 3", "2  b-rule", "规则B", "张**", "李*",
		"一中（SCH01）", "王老师（T1）", "九年级 1班", "高风险，连续缺勤 3 个上学日", "<三>（SCH03），C1：学生 4 名；从未上报考勤：未评估"} {
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
	WriteOverview(&b, i18n.Default(), result())
	for _, want := range []string{"有风险 2 名（预警 3 条）", "一中（SCH01）", "王老师（T1）", "张**", "九年级 1班"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("overview lacks %q:\n%s", want, b.String())
		}
	}
}

// TestSummaryInEnglish: the same summary in English on request.
func TestSummaryInEnglish(t *testing.T) {
	en := i18n.NewPrinter(i18n.English)
	var b strings.Builder
	if err := WriteSummary(&b, en, result()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Evaluation at 2026-03-10 (dry run, nothing written)", "3 alerts firing (3 new", "2  b-rule",
		"10 students evaluated, 2 at risk (2 newly, 0 with alerts before)", "Students at risk by highest severity:", "SCH01 一中", "T1 王老师", "张**, grade 9, SCH01 一中 1班: high, absent 3 school days in a row",
		"SCH03 <三> (C1): 4 students; no attendance ever reported: not evaluated"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	WriteOverview(&b, en, result())
	for _, want := range []string{"2 at risk (3 alerts)", "SCH01 一中", "T1 王老师", "grade 9"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("overview lacks %q:\n%s", want, b.String())
		}
	}
}

// TestOneVocabulary: the summary of eval and the demo's overview name a
// grade, a school, a teacher and an urgent student the same way.
func TestOneVocabulary(t *testing.T) {
	for _, p := range []*i18n.Printer{i18n.Default(), i18n.NewPrinter(i18n.English)} {
		var sum, ov strings.Builder
		if err := WriteSummary(&sum, p, result()); err != nil {
			t.Fatal(err)
		}
		WriteOverview(&ov, p, result())
		urgent := func(s string) string {
			_, after, _ := strings.Cut(s, p.Sprintf("report.urgent.head", 2))
			return after
		}
		if u := urgent(sum.String()); u == "" || u != urgent(ov.String()) {
			t.Errorf("%s: the urgent students differ:\n%s\n---\n%s", p.Lang(), sum.String(), ov.String())
		}
		for _, want := range []string{GradeName(p, 9), SchoolLabel(p, "SCH01", "一中"), TeacherLabel(p, "T1", "王老师")} {
			if !strings.Contains(sum.String(), want) || !strings.Contains(ov.String(), want) {
				t.Errorf("%s: %q is not in both:\n%s\n---\n%s", p.Lang(), want, sum.String(), ov.String())
			}
		}
		for _, bad := range []string{"年级 9", "9年级", "grade 9 ", "8年级"} {
			if p.Lang() == i18n.Chinese && (strings.Contains(sum.String(), bad) || strings.Contains(ov.String(), bad)) {
				t.Errorf("%q printed:\n%s\n---\n%s", bad, sum.String(), ov.String())
			}
		}
	}
}

// TestUrgentSaysWhy: a student urgent without an absence streak is urgent
// for the rules that fired, never for "0 days in a row"; two students
// whose masked names are equal are told apart by a short key.
func TestUrgentSaysWhy(t *testing.T) {
	res := result()
	r := &rules.Rule{ID: "c-rule", Name: "规则C", Severity: "critical"}
	for i, key := range []string{"0123456789abcdef", "fedcba9876543210"} {
		s := &engine.FiredStudent{SID: int64(10 + i), ID: fmt.Sprint("S", 10+i), Key: key, Name: "王小" + fmt.Sprint(i), School: "SCH01", Class: "3班", Grade: 8}
		res.Alerts = append(res.Alerts, engine.Alert{Line: engine.AlertLine{Type: "alert", Rule: r.ID, Student: s.ID, School: s.School,
			Severity: r.Severity}, Rule: r, Student: s})
	}
	for _, tc := range []struct {
		p          *i18n.Printer
		want, nots []string
	}{
		{i18n.Default(), []string{"王**（cdef）  八年级 3班  一中（SCH01）  紧急，触发 1 条规则\n      规则C", "王**（3210）"},
			[]string{"连续缺勤 0", "连续缺勤0"}},
		{i18n.NewPrinter(i18n.English), []string{"王** (cdef), grade 8, SCH01 一中 3班: critical, 1 rule fired\n      规则C", "王** (3210)"},
			[]string{"absent 0"}},
	} {
		var b strings.Builder
		if err := WriteSummary(&b, tc.p, res); err != nil {
			t.Fatal(err)
		}
		for _, want := range tc.want {
			if !strings.Contains(b.String(), want) {
				t.Errorf("%s: summary lacks %q:\n%s", tc.p.Lang(), want, b.String())
			}
		}
		for _, not := range tc.nots {
			if strings.Contains(b.String(), not) {
				t.Errorf("%s: summary says %q:\n%s", tc.p.Lang(), not, b.String())
			}
		}
	}
}

// TestGapsInBothLanguages: the fallbacks a run used, in the reader's
// language.
func TestGapsInBothLanguages(t *testing.T) {
	res := result()
	res.Gaps = []engine.Gap{{Student: "S1", School: "SCH01", Want: "homeroom", Got: "principal", Name: "张三丰", Class: "1班"},
		{Student: "S2", School: "SCH02", Want: "pairing teacher", Got: "nobody", Name: "李四", Class: "2班"}}
	for p, want := range map[*i18n.Printer][]string{
		i18n.Default(): {"数据缺口（2 处", "没有班主任，改由校长接收，例如：一中（SCH01） 1班 张**", "没有可安排结对帮扶的教师，也无人可接收，例如：SCH02 2班 李*"},
		i18n.NewPrinter(i18n.English): {"Gaps in the data (2;", "no homeroom → principal, e.g. SCH01 一中 1班 张**",
			"no pairing teacher → nobody, e.g. SCH02 2班 李*"},
	} {
		var b strings.Builder
		if err := WriteSummary(&b, p, res); err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: summary lacks %q:\n%s", p.Lang(), w, b.String())
			}
		}
	}
}
