package rules

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"baoxue/i18n"
	"baoxue/inputerr"
)

var update = flag.Bool("update", false, "rewrite testdata/*.err and testdata/en/*.err golden files from the current output")

// TestLoadBad loads each bad fixture and compares the complete error
// output with its golden files: FIXTURE.err in Chinese, the default, and
// en/FIXTURE.err in English (--lang en).
func TestLoadBad(t *testing.T) {
	cases := []struct {
		fixture, about string
		// generate, when set, writes the fixture at test time instead of
		// keeping it in testdata (it would be 1 MiB).
		generate func() []byte
	}{
		{"unknown-field.bad.yaml", "unknown field and unknown name in when, plain and quoted", nil},
		{"type-mismatch-block.bad.yaml", "type mismatch inside when: | and when: > blocks, and in the hours of home_teaching_sessions_of", nil},
		{"non-bool.bad.yaml", "when that is a number", nil},
		{"unknown-key.bad.yaml", "unknown keys at file, rule and task level, with suggestions", nil},
		{"duplicate-id.bad", "duplicate id across two files and within one", nil},
		{"broken-yaml.bad.yaml", "YAML indentation error", nil},
		{"broken-flow.bad.yaml", "unclosed YAML flow list", nil},
		{"bad-duration.bad.yaml", "bad, negative and zero durations, task without due", nil},
		{"bad-enum.bad.yaml", "values outside severity, notify, campaigns, task kind and assign", nil},
		{"enum-value.bad.yaml", "facts of a closed set compared with values they never take: ==, !=, reversed, in, not in, ?., Chinese values, suggestions, statuses never evaluated", nil},
		{"window.bad.yaml", "windowed calls without a literal window in range", nil},
		{"missing.bad.yaml", "missing keys, empty values, wrong shapes", nil},
		{"message.bad.yaml", "message templates with unknown names and functions", nil},
		{"expr-syntax.bad.yaml", "expression syntax error, unknown names, disabled builtins, $env", nil},
		{"empty.bad.yaml", "file without rules", nil},
		{"range.bad.yaml", "ranges beyond 1000 numbers, ranges whose ends are not written out", nil},
		{"list.bad.yaml", "a literal list beyond 500 elements", nil},
		{"matches.bad.yaml", "matches with a pattern that is not written out, and a broken pattern", nil},
		{"nesting.bad.yaml", "brackets nested beyond 20, more than 1000 nodes, a condition beyond 10,000 characters", nil},
		{"message-budget.bad.yaml", "range, define, template, block, nesting, size, functions, printf widths, names in untaken branches", nil},
		{"too-many-rules.bad.yaml", "201 rules", nil},
		{"inhibits.bad.yaml", "inhibits: unknown ids, itself, bad ids, twice, cycles of two and three, campaign-only inhibitors", nil},
		{"inhibits-files.bad", "inhibits: a cycle across files; no unknown id reported while a file does not parse", nil},
		{"oversized.bad.yaml", "a rule file beyond 1 MiB", oversizedFile},
	}
	listed := map[string]bool{}
	for _, tc := range cases {
		listed[tc.fixture] = true
		t.Run(tc.fixture, func(t *testing.T) {
			path := filepath.Join("testdata", tc.fixture)
			golden, err := filepath.Abs(path + ".err")
			if err != nil {
				t.Fatal(err)
			}
			goldenEn, err := filepath.Abs(filepath.Join("testdata", "en", tc.fixture+".err"))
			if err != nil {
				t.Fatal(err)
			}
			if tc.generate != nil {
				dir := t.TempDir()
				if err := os.Mkdir(filepath.Join(dir, "testdata"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, path), tc.generate(), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Chdir(dir)
			}
			set, err := Load(path)
			if err == nil {
				t.Fatalf("%s (%s) loaded %d rules, want errors", path, tc.about, len(set.Rules))
			}
			var errs inputerr.List
			if !errors.As(err, &errs) {
				t.Fatalf("error is %T, want an inputerr.List: %v", err, err)
			}
			compareGolden(t, golden, err.Error()+"\n", tc.about)
			compareGolden(t, goldenEn, i18n.NewPrinter(i18n.English).Error(err)+"\n", tc.about)
		})
	}
	// Every bad fixture and every golden file must be in the table, so
	// none is silently skipped.
	matches, _ := filepath.Glob("testdata/*.bad*")
	en, _ := filepath.Glob("testdata/en/*.err")
	for _, m := range append(matches, en...) {
		if name := strings.TrimSuffix(filepath.Base(m), ".err"); !listed[name] {
			t.Errorf("fixture %s is not in the test table", filepath.Base(m))
		}
	}
}

// compareGolden compares got with the golden file, which -update rewrites.
func compareGolden(t *testing.T, golden, got, about string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("errors differ from %s (%s)\ngot:\n%s\nwant:\n%s", golden, about, got, want)
	}
}

// oversizedFile is a rule file one byte over MaxFileSize: one good rule,
// then comment lines.
func oversizedFile() []byte {
	b := []byte("rules:\n  - {id: big, name: 大文件, severity: low, when: absences(14) > 1}\n")
	line := "# " + strings.Repeat("x", 77) + "\n"
	for len(b) <= MaxFileSize {
		b = append(b, line...)
	}
	return b[:MaxFileSize+1]
}

func TestLoadGood(t *testing.T) {
	matches, err := filepath.Glob("testdata/*.good.yaml")
	if err != nil || len(matches) == 0 {
		t.Fatalf("no good fixtures: %v", err)
	}
	for _, m := range matches {
		t.Run(filepath.Base(m), func(t *testing.T) {
			set, err := Load(m)
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Rules) == 0 {
				t.Fatal("no rules")
			}
		})
	}
}

func TestLoadFields(t *testing.T) {
	set, err := Load("testdata/full.good.yaml", "testdata/minimal.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(set); got != "campaign-check off grade9-absence" {
		t.Fatalf("rules in order %q", got)
	}
	c := set.Rule("campaign-check")
	checks := []struct {
		name      string
		got, want any
	}{
		{"severity", c.Severity, "info"},
		{"campaigns", strings.Join(c.Campaigns, ","), "march,september"},
		{"notify", strings.Join(c.Notify, ","), "pairing,principal"},
		{"cooldown", c.Cooldown, 30 * 24 * time.Hour},
		{"pair", c.Pair, true},
		{"sensitive", c.Sensitive, true},
		{"enabled", c.Enabled, true},
		{"task", *c.Task, Task{Kind: "verify", Assign: "pairing", Due: 36 * time.Hour}},
		{"message", c.Message, "{{.student.name}}（{{.today}}）"},
		{"file", c.File, "testdata/full.good.yaml"},
		{"line", c.Line, 3},
		{"off enabled", set.Rule("off").Enabled, false},
		{"off notify", strings.Join(set.Rule("off").Notify, ","), "center"},
		{"off cooldown", set.Rule("off").Cooldown, 90 * time.Minute},
		// The disabled rule's absences(200) does not count.
		{"max window", set.MaxWindow, 14},
	}
	m := set.Rule("grade9-absence")
	checks = append(checks, []struct {
		name      string
		got, want any
	}{
		{"default notify", strings.Join(m.Notify, ","), "homeroom"},
		{"default cooldown", m.Cooldown, DefaultCooldown},
		{"default enabled", m.Enabled, true},
		{"default task", m.Task == nil, true},
		{"default campaigns", len(m.Campaigns), 0},
		{"window", m.Window(), 14},
	}...)
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func ids(s *Set) string {
	var out []string
	for _, r := range s.Rules {
		out = append(out, r.ID)
	}
	return strings.Join(out, " ")
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rule := func(id string) string {
		return "rules:\n  - {id: " + id + ", name: x, severity: low, when: 'absences(3) > 1'}\n"
	}
	write("b.yaml", rule("b"))
	write("a.yml", rule("a"))
	write("notes.txt", "not a rule file")
	write("b.test.yaml", "rule_files: [b.yaml]\ntests: []\n") // a rule test beside its rules
	write("sub/c.yaml", rule("c"))                            // directories are not recursive
	write("empty/README", "")

	set, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(set); got != "a b" {
		t.Errorf("Load(dir) = %q, want a b", got)
	}
	// Files are taken in name order whatever the argument order, so the
	// checksum is too.
	again, err := Load(filepath.Join(dir, "b.yaml"), filepath.Join(dir, "a.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if ids(again) != "a b" || again.Checksum != set.Checksum || len(set.Checksum) != 64 {
		t.Errorf("explicit files: %q %s, dir: %s", ids(again), again.Checksum, set.Checksum)
	}
	write("a.yml", rule("a2"))
	changed, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if changed.Checksum == set.Checksum {
		t.Error("checksum did not change with the file contents")
	}

	for _, tc := range []struct {
		name  string
		paths []string
		want  string // in Chinese, the default
		en    string
	}{
		{"no paths", nil, ".: 没有指定规则文件", ".: no rule files given"},
		{"missing", []string{filepath.Join(dir, "nope.yaml")}, "nope.yaml: 无法读取规则文件：文件或目录不存在",
			"nope.yaml: read rule file: no such file or directory"},
		{"dir without rule files", []string{filepath.Join(dir, "empty")}, "empty: 此目录中没有 *.yaml 或 *.yml 规则文件",
			"empty: no *.yaml or *.yml rule files in this directory"},
		// A missing file does not hide the problems of the others.
		{"missing and bad", []string{filepath.Join(dir, "nope.yaml"), "testdata/non-bool.bad.yaml"},
			"testdata/non-bool.bad.yaml:6:11: 规则 absences-count：when：", "testdata/non-bool.bad.yaml:6:11: rule absences-count: when: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.paths...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load(%v) = %v, want %q", tc.paths, err, tc.want)
			}
			if got := i18n.NewPrinter(i18n.English).Error(err); !strings.Contains(got, tc.en) {
				t.Errorf("Load(%v) in English = %v, want %q", tc.paths, got, tc.en)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"7d", 7 * 24 * time.Hour, ""},
		{"0d", 0, ""},
		{"12h", 12 * time.Hour, ""},
		{"30m", 30 * time.Minute, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"-1d", 0, "negative"},
		{"-5m", 0, "negative"},
		{"7days", 0, `bad duration "7days"`},
		{"1w", 0, `bad duration "1w"`},
		{"d", 0, `bad duration "d"`},
		{"+3d", 0, `bad duration "+3d"`},
		{"", 0, "empty"},
		{"99999d", 0, "longer than 3,660 days"},
		{"100000h", 0, "longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDuration(tc.in)
			if tc.err == "" {
				if err != nil || got != tc.want {
					t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
				}
				return
			}
			// The English text is pinned; the Chinese is the default.
			if got := i18n.NewPrinter(i18n.English).Error(err); err == nil || !strings.Contains(got, tc.err) {
				t.Errorf("ParseDuration(%q) error = %v, want %q", tc.in, got, tc.err)
			}
			if got := err.Error(); !strings.Contains(got, "时长") {
				t.Errorf("ParseDuration(%q) error in Chinese = %v", tc.in, got)
			}
		})
	}
}
