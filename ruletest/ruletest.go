// Package ruletest runs rule unit tests (SPEC §6), the way `promtool test
// rules` does for Prometheus: each test loads inline students, attendance,
// contacts, home-teaching sessions and calendar rows into a fresh SQLite
// database through the importer (same columns, same validation), evaluates
// the rules with the engine at the test's date exactly as `baoxue eval
// --dry-run` would, and compares the (rule, student) pairs that fire with
// the full set the test expects. The rules see the built-in norms
// (rules.DefaultNorms) unless the test file or the test sets `norms`;
// baoxue.yaml is not read.
package ruletest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/importer"
	"baoxue/inputerr"
	"baoxue/rules"
	"baoxue/store"
)

// Summary counts the tests run.
type Summary struct {
	Passed, Failed int
}

// Run runs every test of every file, printing a line per test and, for a
// failing one, what was missing and what was extra. A malformed file, rules
// that do not load or inline rows that do not import are errors; failing
// tests are counted in Summary. A test file that cannot be read or is
// malformed is an *inputerr.Error, or an inputerr.List of its unknown keys,
// placed at FILE:LINE:COL.
func Run(ctx context.Context, files []string, out io.Writer) (Summary, error) {
	var sum Summary
	for _, f := range files {
		s, err := runFile(ctx, f, out)
		sum.Passed += s.Passed
		sum.Failed += s.Failed
		if err != nil {
			return sum, err
		}
	}
	fmt.Fprintf(out, "rules test: %d passed, %d failed\n", sum.Passed, sum.Failed)
	return sum, nil
}

func runFile(ctx context.Context, path string, out io.Writer) (Summary, error) {
	var sum Summary
	tf, err := parseFile(path)
	if err != nil {
		return sum, err
	}
	var rulePaths []string
	for _, rf := range tf.RuleFiles {
		if !filepath.IsAbs(rf) {
			rf = filepath.Join(filepath.Dir(path), rf)
		}
		rulePaths = append(rulePaths, rf)
	}
	set, err := rules.Load(rulePaths...)
	if err != nil {
		return sum, err
	}
	if err := checkExpectedRules(path, tf, set); err != nil {
		return sum, err
	}
	fmt.Fprintf(out, "%s\n", path)
	for _, tc := range tf.Tests {
		missing, extra, err := runTest(ctx, path, set, tc)
		if err != nil {
			return sum, err
		}
		if len(missing) == 0 && len(extra) == 0 {
			sum.Passed++
			fmt.Fprintf(out, "  PASS %s\n", tc.Name)
			continue
		}
		sum.Failed++
		fmt.Fprintf(out, "  FAIL %s (line %d, at %s)\n", tc.Name, tc.line, tc.At)
		for _, m := range missing {
			fmt.Fprintf(out, "    missing: %s\n", m)
		}
		for _, e := range extra {
			fmt.Fprintf(out, "    extra:   %s\n", e)
		}
	}
	return sum, nil
}

// runTest evaluates one test in a database of its own and returns the
// expected firings that did not happen and the firings not expected, each
// as "RULE STUDENT", sorted.
func runTest(ctx context.Context, file string, set *rules.Set, tc *testCase) (missing, extra []string, err error) {
	dir, err := os.MkdirTemp("", "baoxue-rules-test-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, "file:"+filepath.Join(dir, "test.db"))
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return nil, nil, err
	}
	for _, tbl := range tc.tables {
		if len(tbl.rows) == 0 {
			continue
		}
		source := fmt.Sprintf("%s: test %q: %s", file, tc.Name, tbl.key)
		sum, err := importer.ImportRows(ctx, st, tbl.kind, source, tbl.header, tbl.rows, tbl.lines,
			importer.Options{ImplicitRefs: true, AllowFuture: true, Actor: "rules test"})
		if err != nil {
			return nil, nil, err
		}
		if len(sum.Ignored) > 0 {
			// A file import lists unknown columns and goes on; in a test a
			// column that is not read makes the test prove something else.
			line := tc.line
			if len(tbl.lines) > 0 {
				line = tbl.lines[0]
			}
			return nil, nil, &inputerr.Error{File: source, Line: line, Msg: i18n.Raw(fmt.Sprintf("unknown column %s (the columns are those of `baoxue import %s`)",
				strings.Join(sum.Ignored, ", "), tbl.kind))}
		}
	}
	res, err := engine.Evaluate(ctx, st, set, engine.Options{At: tc.at, Campaign: tc.Campaign, Norms: tc.norms, DryRun: true, AllReported: true, Workers: 1})
	if err != nil {
		return nil, nil, fmt.Errorf("%s:%d: test %q: %w", file, tc.line, tc.Name, err)
	}
	got := map[string]bool{}
	for _, a := range res.Alerts {
		got[a.Line.Rule+" "+a.Line.Student] = true
	}
	want := map[string]bool{}
	for _, e := range tc.Expect {
		for _, s := range e.Students {
			want[e.Rule+" "+s] = true
		}
	}
	for k := range want {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra, nil
}

// checkExpectedRules reports an expected rule id that no loaded rule has: a
// typo there would otherwise read as a rule that failed to fire.
func checkExpectedRules(path string, tf *testFile, set *rules.Set) error {
	for _, tc := range tf.Tests {
		for _, e := range tc.Expect {
			if set.Rule(e.Rule) == nil {
				return &inputerr.Error{File: path, Line: e.line, Col: e.col,
					Msg: i18n.Raw(fmt.Sprintf("test %q: expect: no rule %q in %s", tc.Name, e.Rule, strings.Join(tf.RuleFiles, ", ")))}
			}
		}
	}
	return nil
}

// expectation is one expected (rule, students) entry.
type expectation struct {
	Rule      string
	Students  []string
	line, col int
}

// UnmarshalYAML keeps the entry's position for messages.
func (e *expectation) UnmarshalYAML(n *yaml.Node) error {
	var raw struct {
		Rule     string   `yaml:"rule"`
		Students []string `yaml:"students"`
	}
	if err := n.Decode(&raw); err != nil {
		return err
	}
	e.Rule, e.Students, e.line, e.col = raw.Rule, raw.Students, n.Line, n.Column
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; k != "rule" && k != "students" {
			return fmt.Errorf("line %d: field %s not found in type expectation", n.Content[i].Line, k)
		}
		if n.Content[i].Value == "rule" {
			e.line, e.col = n.Content[i+1].Line, n.Content[i+1].Column
		}
	}
	return nil
}

// testFile is one rule unit-test file. Norms apply to every test, under
// each test's own.
type testFile struct {
	RuleFiles []string    `yaml:"rule_files"`
	Norms     *normsSpec  `yaml:"norms"`
	Tests     []*testCase `yaml:"tests"`
}

// testCase is one test.
type testCase struct {
	Name       string        `yaml:"name"`
	At         string        `yaml:"at"`
	Campaign   string        `yaml:"campaign"`
	Students   []yaml.Node   `yaml:"students"`
	Attendance []yaml.Node   `yaml:"attendance"`
	Calendar   []yaml.Node   `yaml:"calendar"`
	Contacts   []yaml.Node   `yaml:"contacts"`
	Teaching   []yaml.Node   `yaml:"home_teaching"`
	Schools    []yaml.Node   `yaml:"schools"`
	Teachers   []yaml.Node   `yaml:"teachers"`
	Norms      *normsSpec    `yaml:"norms"`
	Expect     []expectation `yaml:"expect"`

	line   int
	at     civil.Day
	norms  rules.Norms
	tables []table
}

// table is one kind of inline rows, as the importer takes them.
type table struct {
	key, kind string
	header    []string
	rows      [][]string
	lines     []int
}

func parseFile(path string) (*testFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &inputerr.Error{File: path, Msg: i18n.Raw(err.Error())}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, &inputerr.Error{File: path, Msg: i18n.Raw(strings.TrimPrefix(err.Error(), "yaml: "))}
	}
	var tf testFile
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&tf); err != nil {
		return nil, decodeError(path, b, err)
	}
	if len(tf.RuleFiles) == 0 {
		return nil, &inputerr.Error{File: path, Msg: i18n.Raw("rule_files is empty: name the rule files to test, relative to this file")}
	}
	nodes := testNodes(&root)
	for i, tc := range tf.Tests {
		var node *yaml.Node
		if i < len(nodes) {
			node = nodes[i]
			tc.line = node.Line
		}
		if tc.Name == "" {
			tc.Name = fmt.Sprintf("test %d", i+1)
		}
		d, err := civil.ParseDay(tc.At)
		if err != nil {
			line, col := valuePos(node, "at")
			return nil, &inputerr.Error{File: path, Line: line, Col: col, Msg: i18n.Raw(fmt.Sprintf("test %q: at: %v", tc.Name, err))}
		}
		tc.at = d
		tc.norms = tc.Norms.apply(tf.Norms.apply(rules.DefaultNorms()))
		if tc.Campaign != "" && !rules.IsCampaign(tc.Campaign) {
			line, col := valuePos(node, "campaign")
			return nil, &inputerr.Error{File: path, Line: line, Col: col, Msg: i18n.Raw(fmt.Sprintf("test %q: campaign %q: want march, may, september or empty", tc.Name, tc.Campaign))}
		}
		for _, e := range tc.Expect {
			if e.Rule == "" {
				line, col := valuePos(node, "expect")
				return nil, &inputerr.Error{File: path, Line: line, Col: col, Msg: i18n.Raw(fmt.Sprintf("test %q: an expect entry has no rule", tc.Name))}
			}
		}
		for _, k := range []struct {
			key, kind string
			nodes     []yaml.Node
		}{
			{"schools", "schools", tc.Schools}, {"teachers", "teachers", tc.Teachers},
			{"calendar", "calendar", tc.Calendar}, {"students", "students", tc.Students},
			{"attendance", "attendance", tc.Attendance}, {"contacts", "contacts", tc.Contacts},
			{"home_teaching", "home-teaching", tc.Teaching},
		} {
			tbl, err := toTable(path, tc.Name, k.key, k.kind, k.nodes)
			if err != nil {
				return nil, err
			}
			tc.tables = append(tc.tables, tbl)
		}
	}
	return &tf, nil
}

var unknownField = regexp.MustCompile(`line (\d+): field (\S+) not found in type \S+`)

// decodeError turns yaml.v3's decoding errors into FILE:LINE:COL messages an
// admin can act on (yaml.v3 names Go types and gives no column).
func decodeError(path string, src []byte, err error) error {
	var ne *nodeError
	if errors.As(err, &ne) {
		return &inputerr.Error{File: path, Line: ne.node.Line, Col: ne.node.Column, Msg: i18n.Raw(ne.msg)}
	}
	lines := strings.Split(string(src), "\n")
	var l inputerr.List
	for _, m := range unknownField.FindAllStringSubmatch(err.Error(), -1) {
		line, _ := strconv.Atoi(m[1])
		col := 1
		if line >= 1 && line <= len(lines) {
			if i := strings.Index(lines[line-1], m[2]); i >= 0 {
				col = utf8.RuneCountInString(lines[line-1][:i]) + 1
			}
		}
		l.Add(path, line, col, "", i18n.Raw(fmt.Sprintf("unknown key %q (a test file has rule_files, norms and tests; a test has name, at, campaign, students, attendance, calendar, contacts, home_teaching, schools, teachers, norms, expect; an expect entry has rule and students)", m[2])))
	}
	if len(l) == 0 {
		return &inputerr.Error{File: path, Msg: i18n.Raw(strings.TrimPrefix(err.Error(), "yaml: "))}
	}
	return l
}

// toTable turns inline rows (mappings of column to scalar) into a header and
// rows; a column missing from a row is empty.
func toTable(file, test, key, kind string, nodes []yaml.Node) (table, error) {
	t := table{key: key, kind: kind}
	col := map[string]int{}
	var maps []map[string]string
	for _, n := range nodes {
		if n.Kind != yaml.MappingNode {
			return t, &inputerr.Error{File: file, Line: n.Line, Col: n.Column, Msg: i18n.Raw(fmt.Sprintf("test %q: %s: each row is a mapping of column to value", test, key))}
		}
		m := map[string]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return t, &inputerr.Error{File: file, Line: v.Line, Col: v.Column, Msg: i18n.Raw(fmt.Sprintf("test %q: %s: column %s: want a single value", test, key, k.Value))}
			}
			if _, ok := col[k.Value]; !ok {
				col[k.Value] = len(t.header)
				t.header = append(t.header, k.Value)
			}
			if v.Tag == "!!null" {
				m[k.Value] = ""
			} else {
				m[k.Value] = v.Value
			}
		}
		maps = append(maps, m)
		t.lines = append(t.lines, n.Line)
	}
	for _, m := range maps {
		row := make([]string, len(t.header))
		for i, h := range t.header {
			row[i] = m[h]
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

// testNodes returns each test's mapping node.
func testNodes(root *yaml.Node) []*yaml.Node {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "tests" {
			return doc.Content[i+1].Content
		}
	}
	return nil
}

// valuePos is the position of key's value in a test's mapping, or of the
// mapping itself when the key is absent.
func valuePos(test *yaml.Node, key string) (line, col int) {
	if test == nil {
		return 0, 0
	}
	for i := 0; i+1 < len(test.Content); i += 2 {
		if test.Content[i].Value == key {
			return test.Content[i+1].Line, test.Content[i+1].Column
		}
	}
	return test.Line, test.Column
}
