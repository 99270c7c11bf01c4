package rules

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"
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
func exprOptions() []expr.Option {
	opts := []expr.Option{
		expr.Env(Facts{}),
		expr.AsBool(),
		expr.MaxNodes(maxNodes),
		expr.DisableAllBuiltins(),
	}
	for _, b := range enabledBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	return opts
}

// windowChecker checks, before compilation, that every windowed function is
// called with one integer literal window in range, and records the largest.
type windowChecker struct {
	errs   []*file.Error
	window int
	called map[*ast.IdentifierNode]bool // callees of windowed calls
	bare   []*ast.IdentifierNode        // windowed names not seen as callees yet
}

// Visit implements ast.Visitor (post-order: callees before their call).
func (c *windowChecker) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if n.Value == "$env" {
			c.fail(n, "$env is not available in rules: use the names directly, e.g. student.grade")
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
			what := "exactly one window in days"
			if want == 2 {
				what = "a window in days and the least class hours of a session"
			}
			c.fail(n, fmt.Sprintf("%s needs %s, e.g. %s", id.Value, what, windowExample(id.Value)))
			return
		}
		lit, ok := n.Arguments[0].(*ast.IntegerNode)
		if !ok {
			c.fail(n.Arguments[0], fmt.Sprintf("window of %s must be a whole number of days written out, from %d to %d, e.g. %s",
				id.Value, MinWindow, MaxWindowLimit, windowExample(id.Value)))
			return
		}
		if lit.Value < MinWindow || lit.Value > MaxWindowLimit {
			c.fail(lit, fmt.Sprintf("window of %s must be from %d to %d days, not %d", id.Value, MinWindow, MaxWindowLimit, lit.Value))
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
func notAvailable(name string) string {
	switch name {
	case "now", "date", "timezone", "duration":
		return fmt.Sprintf("%s() is not available in rules: a rule sees the evaluation date as today and month, "+
			"so that rule tests and catch-up runs give the same result", name)
	}
	return fmt.Sprintf("%s() is not available in rules; functions: %s, %s", name,
		joinAllowed(windowFuncNames()), joinAllowed(enabledBuiltins))
}

func (c *windowChecker) fail(n ast.Node, msg string) {
	c.errs = append(c.errs, &file.Error{Location: n.Location(), Message: msg})
}

// finish reports windowed names used without a call.
func (c *windowChecker) finish() {
	for _, id := range c.bare {
		if !c.called[id] {
			c.fail(id, fmt.Sprintf("%s is a function: call it with a window in days, e.g. %s", id.Value, windowExample(id.Value)))
		}
	}
}

// compileWhen compiles the `when` scalar n of rule id; problems go to report.
func compileWhen(src *source, id string, n *yaml.Node, report *collector) (*vm.Program, int) {
	text := n.Value
	if fe := checkWhenText(text); fe != nil {
		report.exprError(src, n, id, fe.Bind(file.NewSource(text)))
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
	if errs := append(wc.errs, bc.errs...); len(errs) > 0 {
		for _, e := range errs {
			report.exprError(src, n, id, e.Bind(tree.Source))
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

// exprError reports an expr error at its place inside the scalar n:
// *file.Error carries a position; other errors (the result type) concern
// the whole expression.
func (c *collector) exprError(src *source, n *yaml.Node, id string, err error) {
	var fe *file.Error
	if !errors.As(err, &fe) {
		msg := err.Error()
		if strings.HasPrefix(msg, "expected bool") {
			msg = fmt.Sprintf("when: %s: a condition must be true or false, e.g. absences(14) >= 2", msg)
		} else {
			msg = "when: " + msg
		}
		c.atNode(src, n, id, msg)
		return
	}
	line, col := src.locate(n, fe.From)
	c.add(src.name, line, col, id, withSnippet("when: "+friendlyExprMessage(fe.Message),
		trimSnippet(strings.TrimPrefix(fe.Snippet, "\n"))))
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
)

// friendlyExprMessage rewrites expr messages that name Go types into the
// rule language, with a suggestion where one is close.
func friendlyExprMessage(msg string) string {
	if m := noFieldRE.FindStringSubmatch(msg); m != nil {
		switch m[1] {
		case "Student":
			return fmt.Sprintf("student has no field %q%s", m[2], suggest(m[2], studentNames()))
		case "Norms":
			return fmt.Sprintf("norms has no field %q%s", m[2], suggest(m[2], normsNames()))
		}
		return fmt.Sprintf("unknown name %q%s", m[2], suggest(m[2], append(windowFuncNames(), topNames...)))
	}
	if m := unknownNameRE.FindStringSubmatch(msg); m != nil {
		names := append(windowFuncNames(), topNames...)
		names = append(names, enabledBuiltins...)
		return fmt.Sprintf("unknown name %q%s", m[1], suggest(m[1], names))
	}
	if msg == "compilation failed: expression exceeds maximum allowed nodes" {
		return fmt.Sprintf("the condition has more than %d parts (expr nodes); a condition has at most %d (split it into several rules)", maxNodes, maxNodes)
	}
	if msg == "unexpected token EOF" {
		return "the condition ends too early (unexpected end)"
	}
	if msg == `unexpected token Operator("=")` {
		return "unexpected = (to compare, write ==)"
	}
	return strings.TrimSpace(strings.ReplaceAll(msg, "rules.", ""))
}
