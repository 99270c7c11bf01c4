package rules

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
)

// The closures (closure.go) of comparisons with nil, of `in` a list, of
// `matches`, and of the builtins rules may use.

// compileNil compiles == and != with nil on one side at least: the VM's
// runtime.Equal finds nil equal to nil only, and no value of ours is nil.
func compileNil(n *ast.BinaryNode) (closure, bool) {
	_, lnil := n.Left.(*ast.NilNode)
	_, rnil := n.Right.(*ast.NilNode)
	if n.Operator != "==" && n.Operator != "!=" || !lnil && !rnil {
		return closure{}, false
	}
	differ := n.Operator == "!="
	if lnil && rnil {
		return closure{b: func(*Facts) bool { return !differ }}, true
	}
	other := n.Left
	if lnil {
		other = n.Right
	}
	c, ok := compileNode(other)
	if !ok {
		return closure{}, false
	}
	return closure{b: func(f *Facts) bool { c.value(f); return differ }}, true
}

// compileIn compiles `x in [...]` with a list written out, which expr's
// optimiser has made a constant: a set when its elements are all strings
// (or all ints, x an int), else a list compared as runtime.Equal does (an
// int equals a float64 of the same value; other types never match).
func compileIn(n *ast.BinaryNode) (closure, bool) {
	l, ok := compileNode(n.Left)
	k, isConst := n.Right.(*ast.ConstantNode)
	if !ok || !isConst {
		return closure{}, false
	}
	switch set := k.Value.(type) {
	case map[string]struct{}:
		if s := l.s; s != nil {
			return closure{b: func(f *Facts) bool { _, ok := set[s(f)]; return ok }}, true
		}
	case map[int]struct{}:
		if i := l.i; i != nil {
			return closure{b: func(f *Facts) bool { _, ok := set[i(f)]; return ok }}, true
		}
	case []any:
		return inList(l, set)
	}
	return closure{}, false
}

func inList(l closure, list []any) (closure, bool) {
	var (
		ints   []int
		floats []float64
		strs   []string
		bools  []bool
	)
	for _, e := range list {
		switch e := e.(type) {
		case int:
			ints = append(ints, e)
		case float64:
			floats = append(floats, e)
		case string:
			strs = append(strs, e)
		case bool:
			bools = append(bools, e)
		default:
			return closure{}, false
		}
	}
	switch {
	case l.i != nil:
		i := l.i
		return closure{b: func(f *Facts) bool { v := i(f); return has(ints, v) || has(floats, float64(v)) }}, true
	case l.x != nil:
		x := l.x
		return closure{b: func(f *Facts) bool {
			v := x(f)
			for _, e := range ints {
				if float64(e) == v {
					return true
				}
			}
			return has(floats, v)
		}}, true
	case l.s != nil:
		s := l.s
		return closure{b: func(f *Facts) bool { return has(strs, s(f)) }}, true
	case l.b != nil:
		b := l.b
		return closure{b: func(f *Facts) bool { return has(bools, b(f)) }}, true
	}
	return closure{}, false
}

// has reports whether v == one of list (never for a NaN, as in the VM).
func has[T comparable](list []T, v T) bool {
	for _, e := range list {
		if e == v {
			return true
		}
	}
	return false
}

// compileMatches compiles `s matches "pattern"` with the pattern written
// out, compiled once as the VM's compiler does.
func compileMatches(n *ast.BinaryNode) (closure, bool) {
	l, ok := compileNode(n.Left)
	p, isString := n.Right.(*ast.StringNode)
	if !ok || !isString || l.s == nil {
		return closure{}, false
	}
	re, err := regexp.Compile(p.Value)
	if err != nil {
		return closure{}, false
	}
	s := l.s
	return closure{b: func(f *Facts) bool { return re.MatchString(s(f)) }}, true
}

// compileBuiltin compiles the builtins rules may use (enabledBuiltins) as
// expr's builtin package computes them.
func compileBuiltin(n *ast.BuiltinNode) (closure, bool) {
	args := make([]closure, len(n.Arguments))
	for i, a := range n.Arguments {
		c, ok := compileNode(a)
		if !ok {
			return closure{}, false
		}
		args[i] = c
	}
	switch {
	case n.Name == "max" || n.Name == "min":
		return minMax(n.Name == "max", args)
	case len(args) == 1:
		return builtin1(n.Name, args[0])
	case len(args) == 2 && args[0].s != nil && args[1].s != nil:
		return builtin2(n.Name, args[0].s, args[1].s)
	}
	return closure{}, false
}

func builtin1(name string, a closure) (closure, bool) {
	i, x, s := a.i, a.x, a.s
	switch {
	case name == "len" && s != nil:
		return closure{i: func(f *Facts) int { return utf8.RuneCountInString(s(f)) }}, true
	case name == "abs" && i != nil:
		return closure{i: func(f *Facts) int { return abs(i(f)) }}, true
	case name == "abs" && x != nil:
		return closure{x: func(f *Facts) float64 { return abs(x(f)) }}, true
	case name == "ceil" && x != nil:
		return closure{x: func(f *Facts) float64 { return math.Ceil(x(f)) }}, true
	case name == "floor" && x != nil:
		return closure{x: func(f *Facts) float64 { return math.Floor(x(f)) }}, true
	case name == "round" && x != nil:
		return closure{x: func(f *Facts) float64 { return math.Round(x(f)) }}, true
	case (name == "ceil" || name == "floor" || name == "round" || name == "float") && i != nil:
		return closure{x: a.float()}, true
	case name == "float" && x != nil, name == "int" && i != nil:
		return a, true
	case name == "int" && x != nil:
		return closure{i: func(f *Facts) int { return int(x(f)) }}, true
	case name == "int" && s != nil:
		return closure{i: func(f *Facts) int { return must(strconv.Atoi(s(f))) }}, true
	case name == "float" && s != nil:
		return closure{x: func(f *Facts) float64 { return must(strconv.ParseFloat(s(f), 64)) }}, true
	case name == "string":
		return closure{s: func(f *Facts) string { return fmt.Sprintf("%v", a.value(f)) }}, true
	case s == nil:
		return closure{}, false
	case name == "trim":
		return closure{s: func(f *Facts) string { return strings.TrimSpace(s(f)) }}, true
	case name == "trimPrefix":
		return closure{s: func(f *Facts) string { return strings.TrimPrefix(s(f), " ") }}, true
	case name == "trimSuffix":
		return closure{s: func(f *Facts) string { return strings.TrimSuffix(s(f), " ") }}, true
	case name == "upper":
		return closure{s: func(f *Facts) string { return strings.ToUpper(s(f)) }}, true
	case name == "lower":
		return closure{s: func(f *Facts) string { return strings.ToLower(s(f)) }}, true
	}
	return closure{}, false
}

func builtin2(name string, a, b func(*Facts) string) (closure, bool) {
	switch name {
	case "trim":
		return closure{s: func(f *Facts) string { return strings.Trim(a(f), b(f)) }}, true
	case "trimPrefix":
		return closure{s: func(f *Facts) string { return strings.TrimPrefix(a(f), b(f)) }}, true
	case "trimSuffix":
		return closure{s: func(f *Facts) string { return strings.TrimSuffix(a(f), b(f)) }}, true
	case "hasPrefix":
		return closure{b: func(f *Facts) bool { return strings.HasPrefix(a(f), b(f)) }}, true
	case "hasSuffix":
		return closure{b: func(f *Facts) bool { return strings.HasSuffix(a(f), b(f)) }}, true
	}
	return closure{}, false
}

// abs is expr's abs: -0 stays -0 and NaN NaN (not math.Abs), and the
// least int stays negative.
func abs[T int | float64](v T) T {
	if v < 0 {
		return -v
	}
	return v
}

// must returns v, or panics with err as the VM would fail (int("x")).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// minMax compiles max and min of ints only or float64s only; with both,
// the VM's result takes the type of the argument chosen, which the
// checker cannot know. Like expr's, it keeps the first of equal values
// and a NaN met first.
func minMax(isMax bool, args []closure) (closure, bool) {
	if len(args) == 0 {
		return closure{}, false
	}
	var (
		ints   []func(*Facts) int
		floats []func(*Facts) float64
	)
	for _, a := range args {
		if a.i != nil {
			ints = append(ints, a.i)
		} else if a.x != nil {
			floats = append(floats, a.x)
		}
	}
	switch {
	case len(ints) == len(args):
		return closure{i: func(f *Facts) int { return pick(isMax, ints, f) }}, true
	case len(floats) == len(args):
		return closure{x: func(f *Facts) float64 { return pick(isMax, floats, f) }}, true
	}
	return closure{}, false
}

// pick is expr's minMax: a later value replaces the one kept when the
// kept one is less (max) or more (min), so never for a NaN.
func pick[T int | float64](isMax bool, args []func(*Facts) T, f *Facts) T {
	m := args[0](f)
	for _, a := range args[1:] {
		v := a(f)
		if isMax && m < v || !isMax && m > v {
			m = v
		}
	}
	return m
}
