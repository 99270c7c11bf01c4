package rules

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"

	"baoxue/i18n"
)

// enabledBuiltins are the expr builtins rules may use: numbers and strings.
// Collection builtins have nothing to work on (the environment holds no
// lists), and now()/date() would make a rule depend on the wall clock
// instead of the evaluation date T, breaking `rules test` and catch-up runs.
var enabledBuiltins = []string{
	"len", "abs", "ceil", "floor", "round", "int", "float", "string",
	"trim", "trimPrefix", "trimSuffix", "upper", "lower", "hasPrefix", "hasSuffix",
	"max", "min",
}

// exprOptions returns the options every `when` compiles with.
func exprOptions() []expr.Option { return append(envOptions(), expr.AsBool()) }

// envOptions are the options of a `when` but its boolean result: the
// environment, the size bound and the builtins.
func envOptions() []expr.Option {
	opts := []expr.Option{
		expr.Env(Facts{}),
		expr.MaxNodes(maxNodes),
		expr.DisableAllBuiltins(),
	}
	for _, b := range enabledBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	return opts
}

// whenProblem is a problem at a place of a `when` found by our own checks:
// at says where (file.Error gives the snippet), msg what.
type whenProblem struct {
	at  *file.Error
	msg i18n.Message
}

// problemAt returns the problem msg at node n.
func problemAt(n ast.Node, msg i18n.Message) whenProblem {
	return whenProblem{at: &file.Error{Location: n.Location()}, msg: msg}
}

// windowChecker checks, before compilation, that every windowed function is
// called with one integer literal window in range, and records the largest.
type windowChecker struct {
	errs   []whenProblem
	window int
	called map[*ast.IdentifierNode]bool // callees of windowed calls
	bare   []*ast.IdentifierNode        // windowed names not seen as callees yet
}

// Visit implements ast.Visitor (post-order: callees before their call).
func (c *windowChecker) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if n.Value == "$env" {
			c.fail(n, i18n.M("rules.when.env"))
		} else if isWindowFunc(n.Value) {
			c.bare = append(c.bare, n)
		}
	case *ast.BuiltinNode:
		if !slices.Contains(enabledBuiltins, n.Name) {
			c.fail(n, notAvailable(n.Name))
		}
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if ok && !isWindowFunc(id.Value) && isBuiltin(id.Value) && !slices.Contains(enabledBuiltins, id.Value) {
			c.fail(n, notAvailable(id.Value))
			return
		}
		if !ok || !isWindowFunc(id.Value) {
			return
		}
		c.called[id] = true
		if want := windowArgs(id.Value); len(n.Arguments) != want {
			key := "rules.when.window_count"
			if want == 2 {
				key = "rules.when.window_count_hours"
			}
			c.fail(n, i18n.M(key, id.Value, windowExample(id.Value)))
			return
		}
		lit, ok := n.Arguments[0].(*ast.IntegerNode)
		if !ok {
			c.fail(n.Arguments[0], i18n.M("rules.when.window_literal", id.Value, MinWindow, MaxWindowLimit, windowExample(id.Value)))
			return
		}
		if lit.Value < MinWindow || lit.Value > MaxWindowLimit {
			c.fail(lit, i18n.M("rules.when.window_range", id.Value, MinWindow, MaxWindowLimit, strconv.Itoa(lit.Value)))
			return
		}
		c.window = max(c.window, lit.Value)
	}
}

// isBuiltin reports whether name is one of expr's builtin functions.
func isBuiltin(name string) bool {
	_, ok := builtin.Index[name]
	return ok
}

// notAvailable explains why an expr builtin cannot be used in rules.
func notAvailable(name string) i18n.Message {
	switch name {
	case "now", "date", "timezone", "duration":
		return i18n.M("rules.when.clock", name)
	}
	return i18n.M("rules.when.function", name, names(append(windowFuncNames(), enabledBuiltins...)))
}

func (c *windowChecker) fail(n ast.Node, msg i18n.Message) {
	c.errs = append(c.errs, problemAt(n, msg))
}

// finish reports windowed names used without a call.
func (c *windowChecker) finish() {
	for _, id := range c.bare {
		if !c.called[id] {
			c.fail(id, i18n.M("rules.when.bare", id.Value, windowExample(id.Value)))
		}
	}
}

// compileWhen compiles the `when` scalar n of rule id; problems go to report.
func compileWhen(src *source, id string, n *yaml.Node, report *collector) (*vm.Program, int) {
	text := n.Value
	if wp := checkWhenText(text); wp != nil {
		report.whenProblem(src, n, id, wp.at.Bind(file.NewSource(text)), wp.msg)
		return nil, 0
	}
	tree, err := parser.ParseWithConfig(text, &conf.Config{MaxNodes: maxNodes})
	if err != nil {
		report.exprError(src, n, id, err)
		return nil, 0
	}
	wc := &windowChecker{called: map[*ast.IdentifierNode]bool{}}
	ast.Walk(&tree.Node, wc)
	wc.finish()
	bc := &budgetChecker{}
	ast.Walk(&tree.Node, bc)
	ec := &enumChecker{}
	ast.Walk(&tree.Node, ec)
	if errs := slices.Concat(wc.errs, bc.errs, ec.errs); len(errs) > 0 {
		for _, e := range errs {
			report.whenProblem(src, n, id, e.at.Bind(tree.Source), e.msg)
		}
		return nil, 0
	}
	program, err := expr.Compile(text, exprOptions()...)
	if err != nil {
		report.exprError(src, n, id, err)
		return nil, 0
	}
	return program, wc.window
}

// whenMsg returns msg as a problem of a rule's condition: "when: …".
func whenMsg(msg i18n.Message) i18n.Message { return i18n.M("rules.when.prefix", msg) }

// exprError reports an error of expr at its place inside the scalar n:
// *file.Error carries a position; other errors (the result type) concern
// the whole expression.
func (c *collector) exprError(src *source, n *yaml.Node, id string, err error) {
	var fe *file.Error
	if !errors.As(err, &fe) {
		msg := i18n.Raw(err.Error())
		if m := notBoolRE.FindStringSubmatch(err.Error()); m != nil {
			msg = i18n.M("rules.when.not_bool", m[1])
		}
		c.atNode(src, n, id, whenMsg(msg))
		return
	}
	c.whenProblem(src, n, id, fe, friendlyExprMessage(fe.Message))
}

// whenProblem reports msg at the place of the bound error fe inside the
// scalar n, with fe's snippet.
func (c *collector) whenProblem(src *source, n *yaml.Node, id string, fe *file.Error, msg i18n.Message) {
	line, col := src.locate(n, fe.From)
	c.add(src.name, line, col, id, withSnippet(whenMsg(msg), trimSnippet(strings.TrimPrefix(fe.Snippet, "\n"))))
}

// snippetWidth is the most characters of an expression line a snippet shows.
const snippetWidth = 120

// trimSnippet cuts the expression line of an expr snippet (" | line" and
// " | ....^") to snippetWidth characters around the caret, so that an error
// in a long line does not print all of it.
func trimSnippet(snippet string) string {
	text, caret, ok := strings.Cut(snippet, "\n")
	line := []rune(strings.TrimPrefix(text, " | "))
	if !ok || len(line) <= snippetWidth {
		return snippet
	}
	col := strings.Count(caret, ".")
	start := max(0, min(col-snippetWidth/2, len(line)-snippetWidth))
	end := start + snippetWidth
	cut := string(line[start:end])
	if start > 0 {
		cut, col = "…"+cut, col-start+1
	}
	if end < len(line) {
		cut += "…"
	}
	return " | " + cut + "\n | " + strings.Repeat(".", col) + "^"
}

var (
	noFieldRE     = regexp.MustCompile(`^type rules\.(Student|Norms|Facts) has no field (\S+)$`)
	unknownNameRE = regexp.MustCompile(`^unknown name (\S+)$`)
	mismatchRE    = regexp.MustCompile(`^invalid operation: (\S+) \(mismatched types (\S+) and (\S+)\)$`)
	notBoolRE     = regexp.MustCompile(`^expected bool, but got (\S+)$`)
)

// friendlyExprMessage rewrites expr messages that name Go types into the
// rule language, with a suggestion where one is close, and says in the
// reader's language what expr says unclearly; the rest is expr's own words.
func friendlyExprMessage(msg string) i18n.Message {
	if m := noFieldRE.FindStringSubmatch(msg); m != nil {
		switch m[1] {
		case "Student":
			return i18n.M("rules.when.no_field", "student", m[2], suggest(m[2], studentNames()))
		case "Norms":
			return i18n.M("rules.when.no_field", "norms", m[2], suggest(m[2], normsNames()))
		}
		return i18n.M("rules.when.unknown_name", m[2], suggest(m[2], append(windowFuncNames(), topNames...)))
	}
	if m := unknownNameRE.FindStringSubmatch(msg); m != nil {
		names := append(windowFuncNames(), topNames...)
		names = append(names, enabledBuiltins...)
		return i18n.M("rules.when.unknown_name", m[1], suggest(m[1], names))
	}
	if m := mismatchRE.FindStringSubmatch(msg); m != nil {
		return i18n.M("rules.when.mismatch", m[1], m[2], m[3])
	}
	switch msg {
	case "compilation failed: expression exceeds maximum allowed nodes":
		return i18n.M("rules.when.nodes", maxNodes, maxNodes)
	case "unexpected token EOF":
		return i18n.M("rules.when.eof")
	case `unexpected token Operator("=")`:
		return i18n.M("rules.when.assign")
	}
	return i18n.Raw(strings.TrimSpace(strings.ReplaceAll(msg, "rules.", "")))
}
