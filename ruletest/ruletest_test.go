package ruletest

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

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
	sum, err := Run(context.Background(), files, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if sum.Failed > 0 || sum.Passed == 0 {
		t.Fatalf("default rule tests: %d passed, %d failed\n%s", sum.Passed, sum.Failed, out.String())
	}
}

func TestFailingTestPrintsDiff(t *testing.T) {
	var out bytes.Buffer
	sum, err := Run(context.Background(), []string{filepath.Join("testdata", "failing.test.yaml")}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Passed != 1 || sum.Failed != 1 {
		t.Fatalf("summary %+v, want 1 passed 1 failed\n%s", sum, out.String())
	}
	want := "testdata/failing.test.yaml\n" +
		"  PASS passes\n" +
		"  FAIL wrong expectation (line 12, at 2026-03-10)\n" +
		"    missing: grade9-absence S2\n" +
		"    extra:   grade9-absence S1\n" +
		"rules test: 1 passed, 1 failed\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestBadInlineRowIsAnError(t *testing.T) {
	var out bytes.Buffer
	_, err := Run(context.Background(), []string{filepath.Join("testdata", "badrow.test.yaml")}, &out)
	if err == nil {
		t.Fatal("a grade of 10 was accepted")
	}
	for _, want := range []string{"badrow.test.yaml", "a bad inline row", ":6: grade"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestBadTestFiles(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown key", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    studnets: []\n", `unknown key "studnets"`},
		{"bad date", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-02-30\n", ":4:9: test \"x\": at:"},
		{"no rule files", "tests: []\n", "rule_files is empty"},
		{"bad campaign", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    campaign: june\n", "campaign \"june\""},
		{"unknown norm", "rule_files: [rules.yaml]\nnorms: {suspected_days: 5}\ntests: []\n",
			`x.test.yaml:2:9: norms: unknown key "suspected_days" (norms are home_teaching_sessions_per_week, home_teaching_hours_per_session, suspected_dropout_days)`},
		{"norm below 1", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    norms: {suspected_dropout_days: 0}\n",
			`x.test.yaml:5:37: norms: suspected_dropout_days: want a whole number of at least 1, got "0"`},
		{"norm not a number", "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    norms: {home_teaching_hours_per_session: two}\n",
			`x.test.yaml:5:46: norms: home_teaching_hours_per_session: want a whole number of at least 1, got "two"`},
		{"norms not a mapping", "rule_files: [rules.yaml]\nnorms: [5]\ntests: []\n", `x.test.yaml:2:8: norms: want a mapping`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "x.test.yaml")
			writeFile(t, path, tc.src)
			writeFile(t, filepath.Join(dir, "rules.yaml"), "rules: []\n")
			_, err := Run(context.Background(), []string{path}, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestExpectNamesAnUnknownRule(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.test.yaml")
	writeFile(t, filepath.Join(dir, "rules.yaml"), "rules:\n  - {id: real, name: r, severity: low, when: \"true\"}\n")
	writeFile(t, path, "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    expect:\n      - {rule: nope, students: [S1]}\n")
	_, err := Run(context.Background(), []string{path}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `:6:16: test "x": expect: no rule "nope"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestUnknownKeyHasPosition(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.test.yaml")
	writeFile(t, filepath.Join(dir, "rules.yaml"), "rules: []\n")
	writeFile(t, path, "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    expct: []\n")
	_, err := Run(context.Background(), []string{path}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `x.test.yaml:5:5: unknown key "expct"`) || strings.Contains(err.Error(), "ruletest.") {
		t.Fatalf("err = %v", err)
	}
	// Every unknown key, each on a line of its own at its place.
	writeFile(t, path, "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    expct: []\n    studnets: []\n")
	_, err = Run(context.Background(), []string{path}, &bytes.Buffer{})
	if err == nil {
		t.Fatal("two unknown keys accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], path+`:5:5: unknown key "expct" (a test file has`) ||
		!strings.HasPrefix(lines[1], path+`:6:5: unknown key "studnets" (a test file has`) {
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
	sum, err := Run(context.Background(), []string{filepath.Join(dir, "defaults.test.yaml"), filepath.Join(dir, "set.test.yaml")}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Passed != 3 || sum.Failed != 0 {
		t.Errorf("%+v\n%s", sum, out.String())
	}
}

// A column that an inline row names but no import reads is an error at the
// row: in a file import it would only be listed, but a test whose column is
// not read proves something else than its author thinks.
func TestUnknownInlineColumnIsAnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.test.yaml")
	writeFile(t, path, "rule_files: [rules.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    students:\n"+
		"      - {id: S1, name: 张一, birth_date: 2011-05-01, school_id: SCH01, grade: 9, religion: x}\n    expect: []\n")
	writeFile(t, filepath.Join(dir, "rules.yaml"), "rules:\n  - {id: r, name: r, severity: low, when: absences(7) >= 1}\n")
	_, err := Run(context.Background(), []string{path}, &bytes.Buffer{})
	want := `x.test.yaml: test "x": students:6: unknown column religion (the columns are those of ` + "`baoxue import students`)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to contain %q", err, want)
	}
}
