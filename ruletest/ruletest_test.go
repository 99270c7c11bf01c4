package ruletest

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"baoxue/i18n"
	"baoxue/inputerr"
)

// TestDefaultRules runs the built-in rules' own unit tests: every default
// rule is proven to fire and not to fire where it should.
func TestDefaultRules(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "rules", "default", "tests", "*.test.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no default rule tests found (%v)", err)
	}
	var out bytes.Buffer
	sum, err := Run(context.Background(), files, &out, Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if sum.Failed > 0 || sum.Passed == 0 {
		t.Fatalf("default rule tests: %d passed, %d failed\n%s", sum.Passed, sum.Failed, out.String())
	}
}

func TestFailingTestPrintsDiff(t *testing.T) {
	for _, tc := range []struct {
		p    *i18n.Printer
		want string
	}{
		{nil, "testdata/failing.test.yaml\n" +
			"  通过 passes\n" +
			"  未通过 wrong expectation（第 12 行，评估日 2026-03-10）\n" +
			"    应触发而未触发：grade9-absence S2\n" +
			"    不应触发而触发：grade9-absence S1\n" +
			"规则测试：1 个通过，1 个未通过\n"},
		{i18n.NewPrinter(i18n.English), "testdata/failing.test.yaml\n" +
			"  PASS passes\n" +
			"  FAIL wrong expectation (line 12, at 2026-03-10)\n" +
			"    missing: grade9-absence S2\n" +
			"    extra:   grade9-absence S1\n" +
			"rules test: 1 passed, 1 failed\n"},
	} {
		var out bytes.Buffer
		sum, err := Run(context.Background(), []string{filepath.Join("testdata", "failing.test.yaml")}, &out, Options{Printer: tc.p})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Passed != 1 || sum.Failed != 1 {
			t.Fatalf("summary %+v, want 1 passed 1 failed\n%s", sum, out.String())
		}
		if got := out.String(); got != tc.want {
			t.Errorf("output:\n%s\nwant:\n%s", got, tc.want)
		}
	}
}

// TestVerbosePrintsMessages: with Verbose each expected firing that
// happened prints the message its rule renders for the student (the
// author's text, in no language of ours), so that a template is read
// before a teacher reads it; a rule without a message says so.
func TestVerbosePrintsMessages(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "rules.yaml"), `rules:
  - id: grade9-absence
    name: 初三学生缺勤
    severity: high
    when: student.grade == 9 && absences(14) >= 2
    message: |-
      {{.student.name}}近14天缺勤{{absences 14}}天。
      请联系家长。
  - {id: quiet, name: 无消息, severity: low, when: student.grade == 9}
`)
	path := filepath.Join(dir, "x.test.yaml")
	writeFile(t, path, `rule_files: [rules.yaml]
tests:
  - name: 两天缺勤
    at: 2026-03-10
    students:
      - {id: S1, name: 张一, birth_date: 2011-05-01, school_id: SCH01, grade: 9}
      - {id: S2, name: 张二, birth_date: 2011-06-01, school_id: SCH01, grade: 9}
    attendance:
      - {student_id: S1, date: 2026-03-09, status: absent}
      - {student_id: S1, date: 2026-03-10, status: absent}
    expect:
      - {rule: grade9-absence, students: [S1, S2]}
      - {rule: quiet, students: [S1]}
`)
	for _, tc := range []struct {
		p    *i18n.Printer
		want string
	}{
		{nil, path + "\n" +
			"  未通过 两天缺勤（第 3 行，评估日 2026-03-10）\n" +
			"    应触发而未触发：grade9-absence S2\n" +
			"    不应触发而触发：quiet S2\n" +
			"    grade9-absence S1：\n" +
			"      张一近14天缺勤2天。\n" +
			"      请联系家长。\n" +
			"    quiet S1：（此规则没有 message）\n" +
			"规则测试：0 个通过，1 个未通过\n"},
		{i18n.NewPrinter(i18n.English), path + "\n" +
			"  FAIL 两天缺勤 (line 3, at 2026-03-10)\n" +
			"    missing: grade9-absence S2\n" +
			"    extra:   quiet S2\n" +
			"    grade9-absence S1:\n" +
			"      张一近14天缺勤2天。\n" +
			"      请联系家长。\n" +
			"    quiet S1: (no message)\n" +
			"rules test: 0 passed, 1 failed\n"},
	} {
		var out bytes.Buffer
		if _, err := Run(context.Background(), []string{path}, &out, Options{Printer: tc.p, Verbose: true}); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != tc.want {
			t.Errorf("output:\n%s\nwant:\n%s", got, tc.want)
		}
	}
	// Without Verbose, no message.
	var out bytes.Buffer
	if _, err := Run(context.Background(), []string{path}, &out, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "张一近14天") {
		t.Errorf("messages printed without Verbose:\n%s", out.String())
	}
}

// TestVerboseMessageFailing: a message that fails on a test's student is an
// error with Verbose, placed in the test and in the rule file, as it would
// fail a run; it is bad input, the rule's mistake the test has found.
func TestVerboseMessageFailing(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "rules.yaml"), "rules:\n  - id: r\n    name: r\n    severity: low\n    when: student.grade == 9\n"+
		"    message: \"{{if eq .student.grade 9}}{{lt .student.name 3}}{{end}}\"\n")
	path := filepath.Join(dir, "x.test.yaml")
	writeFile(t, path, "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    students:\n"+
		"      - {id: S1, name: 张一, birth_date: 2011-05-01, school_id: SCH01, grade: 9}\n    expect: [{rule: r, students: [S1]}]\n")
	if _, err := Run(context.Background(), []string{path}, &bytes.Buffer{}, Options{}); err != nil {
		t.Fatalf("without Verbose the message is not rendered: %v", err)
	}
	_, err := Run(context.Background(), []string{path}, &bytes.Buffer{}, Options{Verbose: true})
	if err == nil || !strings.HasPrefix(err.Error(), path+":3: 测试 \"x\"：规则运行出错：") || !strings.Contains(err.Error(), "rules.yaml:6:") {
		t.Fatalf("err = %v", err)
	}
	if en := i18n.NewPrinter(i18n.English).Error(err); !strings.HasPrefix(en, path+`:3: test "x": a rule fails: `) ||
		!strings.Contains(en, ": rule r: student **: message: executing") {
		t.Errorf("in English: %v", en)
	}
	if !inputerr.IsBadInput(err) {
		t.Errorf("a rule failing on a test's student is not bad input: %T", err)
	}
}

// TestBadInlineRowIsAnError: a row the importer refuses is an error placed
// at the row's line, naming its table and, as the Field, its column.
func TestBadInlineRowIsAnError(t *testing.T) {
	var out bytes.Buffer
	_, err := Run(context.Background(), []string{filepath.Join("testdata", "badrow.test.yaml")}, &out, Options{})
	if err == nil {
		t.Fatal("a grade of 10 was accepted")
	}
	if want := "testdata/badrow.test.yaml: students:6: grade: "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q does not start with %q", err, want)
	}
	var l inputerr.List
	if !errors.As(err, &l) || len(l) != 1 || l[0].Field != "grade" || l[0].Line != 6 {
		t.Errorf("error %#v, want one row error with Field grade at line 6", err)
	}
	if out.Len() != 0 {
		t.Errorf("a file with errors printed:\n%s", out.String())
	}
}

// TestWrongRuleDoesNotHideRowErrors: an expected rule id that no rule has
// and rows that do not import, in one test or in two, are all reported at
// once, in the order of the file.
func TestWrongRuleDoesNotHideRowErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "rules.yaml"), "rules:\n  - {id: grade9-absence, name: r, severity: low, when: student.grade == 9}\n")
	path := filepath.Join(dir, "x.test.yaml")
	writeFile(t, path, `rule_files: [rules.yaml]
tests:
  - name: x
    at: 2026-03-10
    students:
      - {id: S1, name: 张一, birth_date: 2011-13-01, school_id: SCH01, grade: 9}
    expect:
      - {rule: grade9-absense, students: [S1]}
  - name: y
    at: 2026-03-10
    students:
      - {id: S2, name: 张二, birth_date: 2011-05-01, school_id: SCH01, grade: 10}
`)
	_, err := Run(context.Background(), []string{path}, &bytes.Buffer{}, Options{})
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{
		path + ": students:6: birth_date: ",
		path + `:8:16: 测试 "x"：expect：rules.yaml 中没有规则 "grade9-absense"（是否应为 "grade9-absence"？）`,
		path + ": students:12: grade: ",
	}
	if len(lines) != len(want) {
		t.Fatalf("%d errors, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %d = %q, want it to start with %q", i, lines[i], w)
		}
	}
	en := i18n.NewPrinter(i18n.English).Error(err)
	if w := `:8:16: test "x": expect: no rule "grade9-absense" in rules.yaml (did you mean "grade9-absence"?)`; !strings.Contains(en, w) {
		t.Errorf("in English:\n%s\nwant it to contain %q", en, w)
	}
	if !inputerr.IsBadInput(err) {
		t.Errorf("not bad input: %T", err)
	}
}

func TestBadTestFiles(t *testing.T) {
	for _, tc := range []struct {
		name, src, want, en string
	}{
		{"unknown key", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    studnets: []\n",
			"x.test.yaml:5:5: 未知的键 `studnets`（是否应为 `students`？）", "x.test.yaml:5:5: unknown key `studnets` (did you mean `students`?)"},
		{"unknown key far from any", "rule_files: [rules.yaml]\nowner: me\ntests: []\n",
			"x.test.yaml:2:1: 未知的键 `owner`（此处可用的键：rule_files、norms、tests）",
			"x.test.yaml:2:1: unknown key `owner` (allowed here: rule_files, norms, tests)"},
		{"unknown key of expect", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    expect: [{rule: r, student: [S1]}]\n",
			"x.test.yaml:5:24: 未知的键 `student`（是否应为 `students`？）", "x.test.yaml:5:24: unknown key `student` (did you mean `students`?)"},
		{"bad date", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-02-30\n", `:4:9: 测试 "x"：at：`, `:4:9: test "x": at: `},
		{"no rule files", "tests: []\n", "x.test.yaml: rule_files 为空", "x.test.yaml: rule_files is empty"},
		{"bad campaign", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    campaign: june\n",
			`:5:15: 测试 "x"：campaign "june"：应为 march、may、september 或留空`, `:5:15: test "x": campaign "june": want march, may, september or empty`},
		{"unnamed", "rule_files: [rules.yaml]\ntests:\n  - at: 2026-03-10\n    campaign: june\n",
			`测试 "第 1 个测试"：campaign`, `test "test 1": campaign`},
		{"expect without rule", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    expect: [{students: [S1]}]\n",
			`测试 "x"：有一个 expect 条目没有写 rule`, `test "x": an expect entry has no rule`},
		{"unknown norm", "rule_files: [rules.yaml]\nnorms: {suspected_days: 5}\ntests: []\n",
			"x.test.yaml:2:9: norms：未知的键 `suspected_days`（可用的 norms：home_teaching_sessions_per_week、home_teaching_hours_per_session、suspected_dropout_days）",
			"x.test.yaml:2:9: norms: unknown key `suspected_days` (norms are home_teaching_sessions_per_week, home_teaching_hours_per_session, suspected_dropout_days)"},
		{"misspelt norm", "rule_files: [rules.yaml]\nnorms: {suspected_dropout_day: 5}\ntests: []\n",
			"x.test.yaml:2:9: norms：未知的键 `suspected_dropout_day`（是否应为 `suspected_dropout_days`？）",
			"x.test.yaml:2:9: norms: unknown key `suspected_dropout_day` (did you mean `suspected_dropout_days`?)"},
		{"norm below 1", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    norms: {suspected_dropout_days: 0}\n",
			`x.test.yaml:5:37: norms：suspected_dropout_days：应为不小于 1 的整数，而不是 "0"`,
			`x.test.yaml:5:37: norms: suspected_dropout_days: want a whole number of at least 1, got "0"`},
		{"norm not a number", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    norms: {home_teaching_hours_per_session: two}\n",
			`x.test.yaml:5:46: norms：home_teaching_hours_per_session：应为不小于 1 的整数，而不是 "two"`,
			`x.test.yaml:5:46: norms: home_teaching_hours_per_session: want a whole number of at least 1, got "two"`},
		{"norms not a mapping", "rule_files: [rules.yaml]\nnorms: [5]\ntests: []\n", `x.test.yaml:2:8: norms：应为映射`, `x.test.yaml:2:8: norms: want a mapping`},
		{"broken yaml", "rule_files: [rules.yaml\n", `x.test.yaml: YAML 格式错误：`, `x.test.yaml: broken YAML: `},
		{"row not a mapping", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    students: [S1]\n",
			"x.test.yaml: students:5:16: 每一行都应是由“列名: 值”组成的映射", "x.test.yaml: students:5:16: each row is a mapping of column to value"},
		{"value not single", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    students: [{id: S1, name: [a, b]}]\n",
			"x.test.yaml: students:5:31: name: 应为单个值", "x.test.yaml: students:5:31: name: want a single value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "x.test.yaml")
			writeFile(t, path, tc.src)
			writeFile(t, filepath.Join(dir, "rules.yaml"), "rules:\n  - {id: r, name: r, severity: low, when: \"true\"}\n")
			_, err := Run(context.Background(), []string{path}, &bytes.Buffer{}, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if got := i18n.NewPrinter(i18n.English).Error(err); !strings.Contains(got, tc.en) {
				t.Errorf("in English: %v, want it to contain %q", got, tc.en)
			}
			if !inputerr.IsBadInput(err) {
				t.Errorf("not bad input: %T", err)
			}
		})
	}
}

func TestMissingFile(t *testing.T) {
	_, err := Run(context.Background(), []string{"nope.test.yaml"}, &bytes.Buffer{}, Options{})
	if err == nil || err.Error() != "nope.test.yaml: 文件不存在" || i18n.NewPrinter(i18n.English).Error(err) != "nope.test.yaml: no such file" {
		t.Fatalf("err = %v", err)
	}
}

func TestExpectNamesAnUnknownRule(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.test.yaml")
	writeFile(t, filepath.Join(dir, "rules.yaml"), "rules:\n  - {id: real, name: r, severity: low, when: \"true\"}\n")
	writeFile(t, path, "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    expect:\n      - {rule: nope, students: [S1]}\n")
	_, err := Run(context.Background(), []string{path}, &bytes.Buffer{}, Options{})
	if err == nil || !strings.Contains(err.Error(), `:6:16: 测试 "x"：expect：rules.yaml 中没有规则 "nope"`) {
		t.Fatalf("err = %v", err)
	}
	if en := i18n.NewPrinter(i18n.English).Error(err); !strings.HasSuffix(en, `:6:16: test "x": expect: no rule "nope" in rules.yaml`) {
		t.Fatalf("in English: %v", en)
	}
}

func TestUnknownKeyHasPosition(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.test.yaml")
	writeFile(t, filepath.Join(dir, "rules.yaml"), "rules: []\n")
	writeFile(t, path, "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    expct: []\n")
	_, err := Run(context.Background(), []string{path}, &bytes.Buffer{}, Options{})
	if err == nil || !strings.Contains(err.Error(), "x.test.yaml:5:5: 未知的键 `expct`（是否应为 `expect`？）") || strings.Contains(err.Error(), "ruletest.") {
		t.Fatalf("err = %v", err)
	}
	// Every unknown key, each on a line of its own at its place.
	writeFile(t, path, "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    expct: []\n    studnets: []\n")
	_, err = Run(context.Background(), []string{path}, &bytes.Buffer{}, Options{})
	if err == nil {
		t.Fatal("two unknown keys accepted")
	}
	lines := strings.Split(i18n.NewPrinter(i18n.English).Error(err), "\n")
	if len(lines) != 2 || lines[0] != path+":5:5: unknown key `expct` (did you mean `expect`?)" ||
		lines[1] != path+":6:5: unknown key `studnets` (did you mean `students`?)" {
		t.Errorf("err = %v", err)
	}
	if !inputerr.IsBadInput(err) {
		t.Errorf("unknown keys are not bad input: %T", err)
	}
}

// TestNorms: the rules see the default norms, under the file's norms, under
// the test's own; baoxue.yaml plays no part.
func TestNorms(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "rules.yaml"), `rules:
  - {id: defaults, name: r, severity: low, when: "norms.suspected_dropout_days == 10 && norms.home_teaching_sessions_per_week == 1 && norms.home_teaching_hours_per_session == 2"}
  - {id: file, name: r, severity: low, when: "norms.suspected_dropout_days == 7 && norms.home_teaching_hours_per_session == 2"}
  - {id: test, name: r, severity: low, when: "norms.suspected_dropout_days == 3 && norms.home_teaching_hours_per_session == 4"}
`)
	const student = "    students: [{id: S1, name: 张三, birth_date: 2011-05-01, school_id: X, grade: 9}]\n"
	writeFile(t, filepath.Join(dir, "defaults.test.yaml"), "rule_files: [rules.yaml]\ntests:\n  - name: defaults\n    at: 2026-03-10\n"+
		student+"    expect: [{rule: defaults, students: [S1]}]\n")
	writeFile(t, filepath.Join(dir, "set.test.yaml"), "rule_files: [rules.yaml]\nnorms: {suspected_dropout_days: 7}\ntests:\n"+
		"  - name: the file's\n    at: 2026-03-10\n"+student+"    expect: [{rule: file, students: [S1]}]\n"+
		"  - name: the test's over the file's\n    at: 2026-03-10\n    norms: {suspected_dropout_days: 3, home_teaching_hours_per_session: 4}\n"+
		student+"    expect: [{rule: test, students: [S1]}]\n")
	var out bytes.Buffer
	sum, err := Run(context.Background(), []string{filepath.Join(dir, "defaults.test.yaml"), filepath.Join(dir, "set.test.yaml")}, &out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Passed != 3 || sum.Failed != 0 {
		t.Errorf("%+v\n%s", sum, out.String())
	}
}

// TestUnknownInlineKey: a key of an inline row that names no column of
// its KIND is an error at the key, with a suggestion by edit distance among
// the columns when one is close: in a file import it would only be listed,
// but a test whose column is not read proves something else than its
// author thinks. Chinese aliases of columns are columns.
func TestUnknownInlineKey(t *testing.T) {
	for _, tc := range []struct {
		name, row, want, en string
	}{
		{"misspelt", "{id: S1, nmae: 张一, birth_date: 2011-05-01, school_id: SCH01, grade: 9}",
			"x.test.yaml: students:6:18: 未知的键 `nmae`（是否应为 `name`？）",
			"x.test.yaml: students:6:18: unknown key `nmae` (did you mean `name`?)"},
		{"not a column", "{id: S1, name: 张一, birth_date: 2011-05-01, school_id: SCH01, grade: 9, religion: x}",
			"x.test.yaml: students:6:80: 未知的键 `religion`（可用的列与 `baoxue import students` 相同）",
			"x.test.yaml: students:6:80: unknown key `religion` (the columns are those of `baoxue import students`)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "x.test.yaml")
			writeFile(t, path, "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    students:\n"+
				"      - "+tc.row+"\n    expect: []\n")
			writeFile(t, filepath.Join(dir, "rules.yaml"), "rules:\n  - {id: r, name: r, severity: low, when: absences(7) >= 1}\n")
			_, err := Run(context.Background(), []string{path}, &bytes.Buffer{}, Options{})
			if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to end with %q", err, tc.want)
			}
			if en := i18n.NewPrinter(i18n.English).Error(err); !strings.HasSuffix(en, tc.en) {
				t.Errorf("in English: %v, want it to end with %q", en, tc.en)
			}
		})
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x.test.yaml")
	writeFile(t, path, "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    students:\n"+
		"      - {学籍号: S1, 姓名: 张一, 出生日期: 2011-05-01, school_id: SCH01, grade: 9}\n    expect: [{rule: r, students: [S1]}]\n")
	writeFile(t, filepath.Join(dir, "rules.yaml"), "rules:\n  - {id: r, name: r, severity: low, when: student.grade == 9}\n")
	if sum, err := Run(context.Background(), []string{path}, &bytes.Buffer{}, Options{}); err != nil || sum.Passed != 1 {
		t.Errorf("columns by their Chinese names: %+v, %v", sum, err)
	}
}
