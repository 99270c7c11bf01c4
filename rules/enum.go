package rules

import (
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"

	"baoxue/i18n"
)

// enumChecker finds, before compilation, a fact of a closed set of values
// (closedValues) compared with a string constant it can never equal:
// `student.status == "enroled"` type-checks, and the rule would silently
// never fire. It checks ==, != (either operand order), in and not in with a
// literal list, and places the problem at the constant. Comparisons of two
// facts and constants built by expressions are not checked. (A `let`
// cannot redeclare student or campaign: expr refuses it.)
type enumChecker struct {
	errs []whenProblem
}

// Visit implements ast.Visitor.
func (c *enumChecker) Visit(node *ast.Node) {
	n, ok := (*node).(*ast.BinaryNode)
	if !ok {
		return
	}
	switch n.Operator {
	case "==", "!=":
		if fact := factOf(n.Left); fact != "" {
			c.check(fact, n.Right)
		} else if fact := factOf(n.Right); fact != "" {
			c.check(fact, n.Left)
		}
	case "in": // also not in, which is not(in)
		list, ok := n.Right.(*ast.ArrayNode)
		if fact := factOf(n.Left); ok && fact != "" {
			for _, e := range list.Nodes {
				c.check(fact, e)
			}
		}
	}
}

// factOf returns the name of the closed fact n reads (student.status,
// campaign), or "".
func factOf(n ast.Node) string {
	if ch, ok := n.(*ast.ChainNode); ok {
		n = ch.Node
	}
	var name string
	switch n := n.(type) {
	case *ast.IdentifierNode:
		name = n.Value
	case *ast.MemberNode:
		id, ok := n.Node.(*ast.IdentifierNode)
		prop, isString := n.Property.(*ast.StringNode)
		if !ok || !isString {
			return ""
		}
		name = id.Value + "." + prop.Value
	default:
		return ""
	}
	if _, ok := closedValues[name]; !ok {
		return ""
	}
	return name
}

// check reports the node n when it is a string constant fact never equals.
func (c *enumChecker) check(fact string, n ast.Node) {
	lit, ok := n.(*ast.StringNode)
	if !ok {
		return
	}
	values := closedValues[fact]
	switch {
	case slices.Contains(values, lit.Value):
	case fact == "student.status" && slices.Contains(studentStatuses, lit.Value):
		c.errs = append(c.errs, problemAt(lit, i18n.M("rules.when.not_evaluated",
			fact, lit.Value, quotedNames(values))))
	default:
		c.errs = append(c.errs, problemAt(lit, i18n.M("rules.when.never_equal",
			fact, lit.Value, quotedNames(values), suggestValue(lit.Value, values))))
	}
}

// quotedNames lists values for a message, the empty string as "".
func quotedNames(values []string) names {
	out := make(names, len(values))
	for i, v := range values {
		if v == "" {
			v = `""`
		}
		out[i] = v
	}
	return out
}

// suggestValue is suggest for a constant compared with a fact: the empty
// value is never suggested, nor a value with no character in common with
// got (女 is not a misspelling of F, though one edit away).
func suggestValue(got string, values []string) i18n.Message {
	var candidates []string
	for _, v := range values {
		if v != "" && strings.ContainsAny(strings.ToLower(got), strings.ToLower(v)) {
			candidates = append(candidates, v)
		}
	}
	return suggest(got, candidates)
}
