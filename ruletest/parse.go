package ruletest

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/importer"
	"baoxue/inputerr"
	"baoxue/rules"
)

// expectation is one expected (rule, students) entry. InhibitedBy, when
// given, says that the rule fires for these students inhibited by exactly
// those rules (SPEC §5 `inhibits`); without it the firings are expected
// not inhibited.
type expectation struct {
	Rule        string
	Students    []string
	InhibitedBy []string
	line, col   int
	// byLine and byCol are the positions of the ids of inhibited_by.
	byLine, byCol []int
}

// expectKeys are the keys of an expect entry.
var expectKeys = []string{"rule", "students", "inhibited_by"}

// UnmarshalYAML keeps the entry's position for messages.
func (e *expectation) UnmarshalYAML(n *yaml.Node) error {
	var raw struct {
		Rule        string   `yaml:"rule"`
		Students    []string `yaml:"students"`
		InhibitedBy []string `yaml:"inhibited_by"`
	}
	if err := n.Decode(&raw); err != nil {
		return err
	}
	e.Rule, e.Students, e.InhibitedBy, e.line, e.col = raw.Rule, raw.Students, raw.InhibitedBy, n.Line, n.Column
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; !slices.Contains(expectKeys, k) {
			// As yaml.v3 reports the unknown keys of the other types, so
			// that decodeError places it with them.
			return &yaml.TypeError{Errors: []string{"line " + strconv.Itoa(n.Content[i].Line) +
				": field " + k + " not found in type ruletest.expectation"}}
		}
		switch v := n.Content[i+1]; n.Content[i].Value {
		case "rule":
			e.line, e.col = v.Line, v.Column
		case "inhibited_by":
			for _, id := range v.Content {
				e.byLine, e.byCol = append(e.byLine, id.Line), append(e.byCol, id.Column)
			}
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
	label  i18n.Message // the name, or "test N" for a test without one
	at     civil.Day
	norms  rules.Norms
	tables []table
	// problems are the test's own errors (its date, campaign, expect
	// entries, inline rows); broken is set when its rows cannot be imported.
	problems inputerr.List
	broken   bool
}

// Keys of a test file and of a test, for unknown keys and suggestions.
var (
	fileKeys = []string{"rule_files", "norms", "tests"}
	testKeys = []string{"name", "at", "campaign", "students", "attendance", "calendar", "contacts",
		"home_teaching", "schools", "teachers", "norms", "expect"}
)

// table is one kind of inline rows, as the importer takes them.
type table struct {
	key, kind string
	header    []string
	rows      [][]string
	lines     []int
}

// parseFile reads a test file. A file that cannot be read, is not YAML,
// has unknown keys or no rule_files is an error; the problems of each test
// are kept in its problems.
func parseFile(path string) (*testFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &inputerr.Error{File: path, Msg: fileProblem(err)}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, &inputerr.Error{File: path, Msg: i18n.M("ruletest.yaml.broken", i18n.Raw(strings.TrimPrefix(err.Error(), "yaml: ")))}
	}
	var tf testFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&tf); err != nil {
		return nil, decodeError(path, b, err)
	}
	if len(tf.RuleFiles) == 0 {
		return nil, &inputerr.Error{File: path, Msg: i18n.M("ruletest.rule_files.empty")}
	}
	nodes := testNodes(&root)
	for i, tc := range tf.Tests {
		var node *yaml.Node
		if i < len(nodes) {
			node = nodes[i]
			tc.line = node.Line
		}
		tc.label = i18n.Raw(tc.Name)
		if tc.Name == "" {
			tc.label = i18n.M("ruletest.test.unnamed", strconv.Itoa(i+1))
		}
		parseTest(path, &tf, tc, node)
	}
	return &tf, nil
}

// parseTest checks one test and reads its date, norms and tables; its
// problems go to tc.problems.
func parseTest(path string, tf *testFile, tc *testCase, node *yaml.Node) {
	problem := func(key string, msg i18n.Message) {
		line, col := valuePos(node, key)
		tc.problems.Add(path, line, col, "", inTest(tc, msg))
	}
	d, err := civil.ParseDay(tc.At)
	if err != nil {
		problem("at", i18n.M("ruletest.test.at", err))
	}
	tc.at = d
	tc.norms = tc.Norms.apply(tf.Norms.apply(rules.DefaultNorms()))
	if tc.Campaign != "" && !rules.IsCampaign(tc.Campaign) {
		problem("campaign", i18n.M("ruletest.test.campaign", tc.Campaign))
	}
	for _, e := range tc.Expect {
		if e.Rule == "" {
			problem("expect", i18n.M("ruletest.test.expect_no_rule"))
			break
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
		tbl, problems := toTable(path, k.key, k.kind, k.nodes)
		tc.tables = append(tc.tables, tbl)
		tc.problems = append(tc.problems, problems...)
		tc.broken = tc.broken || len(problems) > 0
	}
}

// fileProblem says why a test file cannot be read: that it does not exist
// or may not be read, or else the system's own words.
func fileProblem(err error) i18n.Message {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return i18n.M("ruletest.file.not_exist")
	case errors.Is(err, fs.ErrPermission):
		return i18n.M("ruletest.file.permission")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return i18n.M("ruletest.file.read", i18n.Raw(err.Error()))
}

// toTable turns inline rows (mappings of column to scalar) into a header and
// rows; a column missing from a row is empty. Its problems are rows that
// are not mappings, values that are not single, and keys that name no
// column of the KIND, each at its place.
func toTable(file, key, kind string, nodes []yaml.Node) (table, inputerr.List) {
	t := table{key: key, kind: kind}
	source := tableSource(file, key)
	var problems inputerr.List
	col := map[string]int{}
	var maps []map[string]string
	for _, n := range nodes {
		if n.Kind != yaml.MappingNode {
			problems.Add(source, n.Line, n.Column, "", i18n.M("ruletest.row.not_mapping"))
			continue
		}
		m := map[string]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if importer.ColumnOf(kind, k.Value) == "" {
				problems.Add(source, k.Line, k.Column, "", unknownKey(k.Value, allColumns(kind), i18n.M("ruletest.row.columns", kind)))
				continue
			}
			if v.Kind != yaml.ScalarNode {
				problems.Add(source, v.Line, v.Column, k.Value, i18n.M("ruletest.row.not_single"))
				continue
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
	return t, problems
}

// unknownKey says that key is not one of known: "unknown key `nmae` (did
// you mean `name`?)" when one is close, else what is allowed (the message
// allowed, or the list of known).
func unknownKey(key string, known []string, allowed i18n.Message) i18n.Message {
	if near := rules.Nearest(key, known); near != "" {
		return i18n.M("ruletest.key.unknown_near", key, near)
	}
	return i18n.M("ruletest.key.unknown", key, allowed)
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

var unknownField = regexp.MustCompile(`line (\d+): field (\S+) not found in type (\S+)`)

// keysOf are the keys allowed in each type of a test file, by the name
// yaml.v3 gives the type in its errors.
var keysOf = map[string][]string{
	"ruletest.testFile":    fileKeys,
	"ruletest.testCase":    testKeys,
	"ruletest.expectation": expectKeys,
}

// decodeError turns yaml.v3's decoding errors into FILE:LINE:COL messages an
// admin can act on (yaml.v3 names Go types and gives no column): every
// unknown key, with a suggestion among the keys allowed where it stands.
func decodeError(path string, src []byte, err error) error {
	var ne *nodeError
	if errors.As(err, &ne) {
		return &inputerr.Error{File: path, Line: ne.node.Line, Col: ne.node.Column, Msg: ne.msg}
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
		allowed := keysOf[m[3]]
		if allowed == nil {
			allowed = append(append(append([]string(nil), fileKeys...), testKeys...), expectKeys...)
		}
		l.Add(path, line, col, "", unknownKey(m[2], allowed, i18n.M("ruletest.key.allowed", names(allowed))))
	}
	if len(l) == 0 {
		return &inputerr.Error{File: path, Msg: i18n.M("ruletest.yaml.decode", i18n.Raw(strings.TrimPrefix(err.Error(), "yaml: ")))}
	}
	return l
}

// allColumns lists every column of the import KIND kind, required first.
func allColumns(kind string) []string {
	req, opt, err := importer.Columns(kind)
	if err != nil {
		return nil
	}
	return append(req, opt...)
}
