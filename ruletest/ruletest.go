// Package ruletest runs rule unit tests (SPEC §6), the way `promtool test
// rules` does for Prometheus: each test loads inline students, attendance,
// contacts, home-teaching sessions and calendar rows into a fresh SQLite
// database through the importer (same columns, same validation), evaluates
// the rules with the engine at the test's date exactly as `baoxue eval
// --dry-run` would (with Options.Verbose rendering every firing's message,
// as `eval --json` does), and compares the (rule, student)
// pairs that fire, each with the rules inhibiting it (an expectation's
// `inhibited_by`), with the full set the test expects. The rules see the
// built-in norms (rules.DefaultNorms) unless the test file or the test sets
// `norms`; baoxue.yaml is not read. What it prints and every error is a
// message of the i18n catalog, in the language of Options.Printer.
package ruletest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

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

// Options configures Run.
type Options struct {
	// Printer renders what Run prints; nil is the default, Chinese.
	Printer *i18n.Printer
	// Verbose prints, under each test, the message each expected firing
	// renders for its student (`rules test -v`), so that a template is seen
	// before it reaches a teacher. The test is then evaluated as a writing
	// run in its throw-away database, which renders messages: a message
	// that fails on a student fails the command.
	Verbose bool
}

// Run runs every test of every file, printing for each file its name and a
// line per test and, for a failing one, what was missing and what was
// extra. A malformed file, rules that do not load, inline rows that do not
// import and expected rule ids that no rule has are errors; failing tests
// are counted in Summary. A file's errors are all reported together, as an
// inputerr.List (or an *inputerr.Error), each placed at FILE:LINE:COL; a
// file with errors prints nothing.
func Run(ctx context.Context, files []string, out io.Writer, opt Options) (Summary, error) {
	if opt.Printer == nil {
		opt.Printer = i18n.Default()
	}
	var sum Summary
	for _, f := range files {
		s, err := runFile(ctx, f, out, opt)
		sum.Passed += s.Passed
		sum.Failed += s.Failed
		if err != nil {
			return sum, err
		}
	}
	opt.Printer.Fprintln(out, "ruletest.summary", sum.Passed, sum.Failed)
	return sum, nil
}

// runFile runs the tests of one file. Its problems (each test's own, its
// rows', its expected rule ids) are gathered, and reported together.
func runFile(ctx context.Context, path string, out io.Writer, opt Options) (Summary, error) {
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
	expectErrs := make([]inputerr.List, len(tf.Tests))
	bad := false
	for i, tc := range tf.Tests {
		expectErrs[i] = checkExpectedRules(path, tf, tc, set)
		bad = bad || len(expectErrs[i]) > 0 || len(tc.problems) > 0
	}
	var errs inputerr.List
	var report bytes.Buffer
	p := opt.Printer
	io.WriteString(&report, path+"\n")
	for i, tc := range tf.Tests {
		errs = append(errs, tc.problems...)
		if !tc.broken {
			o, rowErrs, err := runTest(ctx, path, set, tc, !bad && len(errs) == 0, opt.Verbose)
			if err != nil {
				return sum, err
			}
			errs = append(errs, rowErrs...)
			if o != nil {
				o.print(&report, p, set, tc)
				if o.passed() {
					sum.Passed++
				} else {
					sum.Failed++
				}
			}
		}
		errs = append(errs, expectErrs[i]...)
	}
	if len(errs) > 0 {
		return Summary{}, errs
	}
	_, err = out.Write(report.Bytes())
	return sum, err
}

// outcome is what one test found: the expected firings that did not
// happen and the firings not expected, sorted, and with Options.Verbose the
// messages of the expected firings that happened. A firing inhibited
// otherwise than expected is both missing (as expected) and extra (as it
// fired).
type outcome struct {
	missing, extra []firing
	messages       []firing
}

// firing is a (rule, student) that fires, with the rules inhibiting it
// (sorted, comma-separated; "" for none) and, when rendered, its message.
type firing struct {
	rule, student, inhibitedBy, message string
}

// key is what compare matches firings by.
func (f firing) key() string { return f.rule + " " + f.student + " " + f.inhibitedBy }

// label names the firing in what a test prints: "RULE STUDENT", and the
// inhibiting rules when it is inhibited.
func (f firing) label(p *i18n.Printer) string {
	if f.inhibitedBy == "" {
		return f.rule + " " + f.student
	}
	by := strings.Join(strings.Split(f.inhibitedBy, ","), p.Sprintf("common.list.sep"))
	return p.Sprintf("ruletest.inhibited", f.rule+" "+f.student, by)
}

func (o *outcome) passed() bool { return len(o.missing) == 0 && len(o.extra) == 0 }

// print writes the test's result line, its differences and messages.
func (o *outcome) print(w io.Writer, p *i18n.Printer, set *rules.Set, tc *testCase) {
	if o.passed() {
		p.Fprintln(w, "ruletest.pass", tc.label)
	} else {
		p.Fprintln(w, "ruletest.fail", tc.label, strconv.Itoa(tc.line), tc.At)
	}
	for _, m := range o.missing {
		p.Fprintln(w, "ruletest.missing", m.label(p))
	}
	for _, e := range o.extra {
		p.Fprintln(w, "ruletest.extra", e.label(p))
	}
	for _, f := range o.messages {
		if r := set.Rule(f.rule); r == nil || r.Message == "" {
			p.Fprintln(w, "ruletest.no_message", f.rule, f.student)
			continue
		}
		if f.inhibitedBy != "" {
			// Not sent while inhibited; sent as written once it is not.
			p.Fprintln(w, "ruletest.message_inhibited", f.label(p))
		} else {
			p.Fprintln(w, "ruletest.message", f.rule, f.student)
		}
		for line := range strings.SplitSeq(f.message, "\n") {
			io.WriteString(w, "      "+line+"\n")
		}
	}
}

// runTest imports one test's rows into a database of its own and, when
// evaluate is set and every row imported, evaluates the rules on them.
// Rows that do not import are returned as the test's errors, with no
// outcome; the tables after the first that fails are not imported (their
// rows would only fail for its sake).
func runTest(ctx context.Context, file string, set *rules.Set, tc *testCase, evaluate, verbose bool) (*outcome, inputerr.List, error) {
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
		source := tableSource(file, tbl.key)
		sum, err := importer.ImportRows(ctx, st, tbl.kind, source, tbl.header, tbl.rows, tbl.lines,
			importer.Options{ImplicitRefs: true, AllowFuture: true, Actor: "rules test"})
		var bad *importer.BadRows
		if errors.As(err, &bad) {
			return nil, bad.Errors, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if len(sum.Ignored) > 0 {
			// parseFile refuses a key that names no column; should the
			// importer still ignore one, a test whose column is not read
			// proves something else than its author thinks.
			return nil, inputerr.List{{File: source, Line: tbl.lines[0],
				Msg: i18n.M("ruletest.row.ignored", names(sum.Ignored), tbl.kind)}}, nil
		}
	}
	if !evaluate {
		return nil, nil, nil
	}
	res, err := engine.Evaluate(ctx, st, set, engine.Options{At: tc.at, Campaign: tc.Campaign, Norms: tc.norms,
		DryRun: true, Messages: verbose, AllReported: true, Workers: 1})
	var re *rules.RunError
	if errors.As(err, &re) {
		// A rule that fails on a test's student is the rule file's mistake,
		// which the test has found: bad input, as a failing test is.
		return nil, inputerr.List{{File: file, Line: tc.line, Msg: inTest(tc, i18n.M("ruletest.rule_failed", re))}}, nil
	}
	if err != nil {
		return nil, nil, i18n.Errorf("ruletest.eval", file+":"+strconv.Itoa(tc.line), tc.label, err)
	}
	return compare(tc, res, verbose), nil, nil
}

// compare sets the firings of res against those tc expects, each with
// the rules inhibiting it.
func compare(tc *testCase, res *engine.Result, verbose bool) *outcome {
	got := map[string]firing{}
	for _, a := range res.Alerts {
		f := firing{rule: a.Line.Rule, student: a.Line.Student, inhibitedBy: strings.Join(a.Line.InhibitedBy, ","),
			message: a.Line.Message}
		got[f.key()] = f
	}
	want := map[string]firing{}
	for _, e := range tc.Expect {
		by := slices.Sorted(slices.Values(e.InhibitedBy))
		for _, s := range e.Students {
			f := firing{rule: e.Rule, student: s, inhibitedBy: strings.Join(slices.Compact(by), ",")}
			want[f.key()] = f
		}
	}
	o := &outcome{}
	for k, f := range want {
		g, ok := got[k]
		switch {
		case !ok:
			o.missing = append(o.missing, f)
		case verbose:
			o.messages = append(o.messages, g)
		}
	}
	for k, f := range got {
		if _, ok := want[k]; !ok {
			o.extra = append(o.extra, f)
		}
	}
	for _, l := range [][]firing{o.missing, o.extra, o.messages} {
		sort.Slice(l, func(i, j int) bool {
			a, b := l[i], l[j]
			return a.rule < b.rule || a.rule == b.rule && (a.student < b.student ||
				a.student == b.student && a.inhibitedBy < b.inhibitedBy)
		})
	}
	return o
}

// tableSource names the inline rows of key in file, as the File of their
// errors: "FILE: students", so that a row's error reads
// "FILE: students:6: birth_date: …", LINE being the row's line in FILE.
func tableSource(file, key string) string { return file + ": " + key }

// checkExpectedRules reports each expected rule id of tc (in `rule` and in
// `inhibited_by`) that no loaded rule has: a typo there would otherwise
// read as a rule that failed to fire.
func checkExpectedRules(path string, tf *testFile, tc *testCase, set *rules.Set) inputerr.List {
	var ids []string
	for _, r := range set.Rules {
		ids = append(ids, r.ID)
	}
	var l inputerr.List
	check := func(id string, line, col int) {
		if id == "" || set.Rule(id) != nil {
			return
		}
		msg := i18n.M("ruletest.expect.no_rule", id, names(tf.RuleFiles))
		if near := rules.Nearest(id, ids); near != "" {
			msg = i18n.M("ruletest.expect.no_rule_near", id, names(tf.RuleFiles), near)
		}
		l.Add(path, line, col, "", inTest(tc, msg))
	}
	for _, e := range tc.Expect {
		check(e.Rule, e.line, e.col)
		for i, id := range e.InhibitedBy {
			line, col := e.line, e.col
			if i < len(e.byLine) {
				line, col = e.byLine[i], e.byCol[i]
			}
			check(id, line, col)
		}
	}
	return l
}

// inTest returns msg about the test tc: `test "NAME": …`.
func inTest(tc *testCase, msg i18n.Message) i18n.Message {
	return i18n.M("ruletest.in_test", tc.label, msg)
}

// names is a list of identifiers (keys, columns, files) in a message,
// joined as the reader's language joins a list.
type names []string

// Localize joins n with p's list separator.
func (n names) Localize(p *i18n.Printer) string {
	return strings.Join(n, p.Sprintf("common.list.sep"))
}
