package rules

import (
	"math"
	"reflect"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// closure.go compiles a `when` that expr has checked, optimised and
// compiled into a tree of typed Go closures, func(*Facts) bool at the
// root, which read Facts' fields and call Facts.W directly. expr's VM
// fetches every `student.x` by reflection and boxes it in an interface;
// the closures do neither (BenchmarkEval, BENCHMARKS.md).
//
// The closures reproduce what the VM computes from the same tree, node by
// node, with the VM's runtime rules: an int meeting a float64 becomes a
// float64; `/` and `**` always give a float64, `%` an int; && and ||
// short-circuit; `in` a literal list compares as runtime.Equal. Only
// nodes and types listed here compile; anything else (a nil outside ==,
// let, ?., ranges outside `in`, slices, predicates, lists that are not
// literals, an operand of another type than bool, int, float64 or
// string), or a node whose type as computed here differs from the type
// expr's checker gave it, leaves the whole rule to the VM: one never
// runs partly on each.
//
// A closure fails where the VM fails (a modulo by zero, int("x"), a
// panicking Windows) by panicking; Rule.Eval then runs the VM, which
// fails the same way and places the error in the rule file.

// closure is a compiled node: exactly one of its functions is set, the
// one of the node's type.
type closure struct {
	b func(*Facts) bool
	i func(*Facts) int
	x func(*Facts) float64
	s func(*Facts) string
}

var (
	boolType   = reflect.TypeFor[bool]()
	intType    = reflect.TypeFor[int]()
	floatType  = reflect.TypeFor[float64]()
	stringType = reflect.TypeFor[string]()
)

// typ is the Go type of the values c computes.
func (c closure) typ() reflect.Type {
	switch {
	case c.b != nil:
		return boolType
	case c.i != nil:
		return intType
	case c.x != nil:
		return floatType
	case c.s != nil:
		return stringType
	}
	return nil
}

// number reports whether c computes an int or a float64.
func (c closure) number() bool { return c.i != nil || c.x != nil }

// float returns c as a float64 function, converting an int as the VM
// does when an int meets a float64.
func (c closure) float() func(*Facts) float64 {
	if c.x != nil {
		return c.x
	}
	i := c.i
	return func(f *Facts) float64 { return float64(i(f)) }
}

// value evaluates c on f, boxed: for string() and nil comparisons, off
// the common path.
func (c closure) value(f *Facts) any {
	switch {
	case c.b != nil:
		return c.b(f)
	case c.i != nil:
		return c.i(f)
	case c.x != nil:
		return c.x(f)
	case c.s != nil:
		return c.s(f)
	}
	return nil
}

// compileClosure returns the `when` of p as a closure, nil when it uses
// anything this file does not compile (the VM then runs it).
func compileClosure(p *vm.Program) func(*Facts) bool {
	c, ok := compileNode(p.Node())
	if !ok {
		return nil
	}
	return c.b
}

// compileNode compiles n, checking that the type of its values is the
// one expr's checker gave n, if it gave one: the nodes expr's optimiser
// writes (`x in 7..9` becomes `x >= 7 and x <= 9`) have none.
func compileNode(n ast.Node) (closure, bool) {
	c, ok := compileAny(n)
	if t := n.Type(); !ok || t != c.typ() && t.Kind() != reflect.Interface {
		return closure{}, false
	}
	return c, true
}

func compileAny(n ast.Node) (closure, bool) {
	switch n := n.(type) {
	case *ast.BoolNode:
		v := n.Value
		return closure{b: func(*Facts) bool { return v }}, true
	case *ast.IntegerNode:
		// The VM pushes an integer literal as the type the checker gave
		// it, an int when it gave none.
		switch n.Type().Kind() {
		case reflect.Int, reflect.Interface:
			v := n.Value
			return closure{i: func(*Facts) int { return v }}, true
		case reflect.Float64:
			v := float64(n.Value)
			return closure{x: func(*Facts) float64 { return v }}, true
		}
	case *ast.FloatNode:
		if n.Type().Kind() != reflect.Float32 {
			v := n.Value
			return closure{x: func(*Facts) float64 { return v }}, true
		}
	case *ast.StringNode:
		v := n.Value
		return closure{s: func(*Facts) string { return v }}, true
	case *ast.IdentifierNode:
		return factField(n.Value)
	case *ast.MemberNode:
		base, ok := n.Node.(*ast.IdentifierNode)
		prop, isString := n.Property.(*ast.StringNode)
		if ok && isString && !n.Optional && !n.Method && (base.Value == "student" || base.Value == "norms") {
			return factField(base.Value + "." + prop.Value)
		}
	case *ast.CallNode:
		return compileWindow(n)
	case *ast.BuiltinNode:
		return compileBuiltin(n)
	case *ast.UnaryNode:
		return compileUnary(n)
	case *ast.BinaryNode:
		return compileBinary(n)
	case *ast.ConditionalNode:
		return compileConditional(n)
	}
	return closure{}, false
}

// factField returns the field of Facts that rules name name
// ("student.grade", "month"); closure_test.go checks the tables below
// against the expr tags of Facts, Student and Norms.
func factField(name string) (closure, bool) {
	if g, ok := boolFields[name]; ok {
		return closure{b: g}, true
	}
	if g, ok := intFields[name]; ok {
		return closure{i: g}, true
	}
	if g, ok := stringFields[name]; ok {
		return closure{s: g}, true
	}
	return closure{}, false
}

var boolFields = map[string]func(*Facts) bool{
	"student.left_behind":         func(f *Facts) bool { return f.Student.LeftBehind },
	"student.migrant":             func(f *Facts) bool { return f.Student.Migrant },
	"student.returning":           func(f *Facts) bool { return f.Student.Returning },
	"student.orphan":              func(f *Facts) bool { return f.Student.Orphan },
	"student.boarding":            func(f *Facts) bool { return f.Student.Boarding },
	"student.disabled":            func(f *Facts) bool { return f.Student.Disabled },
	"student.hardship":            func(f *Facts) bool { return f.Student.Hardship },
	"student.home_taught":         func(f *Facts) bool { return f.Student.HomeTaught },
	"student.has_pairing_teacher": func(f *Facts) bool { return f.Student.HasPairingTeacher },
}

var intFields = map[string]func(*Facts) int{
	"student.grade":                         func(f *Facts) int { return f.Student.Grade },
	"student.age":                           func(f *Facts) int { return f.Student.Age },
	"student.left_behind_parents":           func(f *Facts) int { return f.Student.LeftBehindParents },
	"student.disability_level":              func(f *Facts) int { return f.Student.DisabilityLevel },
	"student.days_since_return":             func(f *Facts) int { return f.Student.DaysSinceReturn },
	"absent_streak":                         func(f *Facts) int { return f.AbsentStreak },
	"unexcused_streak":                      func(f *Facts) int { return f.UnexcusedStreak },
	"month":                                 func(f *Facts) int { return f.Month },
	"norms.home_teaching_sessions_per_week": func(f *Facts) int { return f.Norms.HomeTeachingSessionsPerWeek },
	"norms.home_teaching_hours_per_session": func(f *Facts) int { return f.Norms.HomeTeachingHoursPerSession },
	"norms.suspected_dropout_days":          func(f *Facts) int { return f.Norms.SuspectedDropoutDays },
}

var stringFields = map[string]func(*Facts) string{
	"student.id":              func(f *Facts) string { return f.Student.ID },
	"student.name":            func(f *Facts) string { return f.Student.Name },
	"student.gender":          func(f *Facts) string { return f.Student.Gender },
	"student.school":          func(f *Facts) string { return f.Student.School },
	"student.class":           func(f *Facts) string { return f.Student.Class },
	"student.township":        func(f *Facts) string { return f.Student.Township },
	"student.village":         func(f *Facts) string { return f.Student.Village },
	"student.status":          func(f *Facts) string { return f.Student.Status },
	"student.stage":           func(f *Facts) string { return f.Student.Stage },
	"student.disability_type": func(f *Facts) string { return f.Student.DisabilityType },
	"student.poverty":         func(f *Facts) string { return f.Student.Poverty },
	"today":                   func(f *Facts) string { return f.Today },
	"campaign":                func(f *Facts) string { return f.Campaign },
}

// compileWindow compiles a call of a windowed function to a call of f.W.
func compileWindow(n *ast.CallNode) (closure, bool) {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok || len(n.Arguments) != windowArgs(id.Value) || !isWindowFunc(id.Value) {
		return closure{}, false
	}
	var args [2]func(*Facts) int
	for i, a := range n.Arguments {
		c, ok := compileNode(a)
		if !ok || c.i == nil {
			return closure{}, false
		}
		args[i] = c.i
	}
	return windowCall(id.Value, args[0], args[1])
}

// windowCall returns a call of the windowed function name on the window
// d (and the least hours h, for home_teaching_sessions_of) as a closure
// calling f.W; closure.go and message_fast.go share it.
func windowCall(name string, d, h func(*Facts) int) (closure, bool) {
	switch name {
	case "absences":
		return closure{i: func(f *Facts) int { return f.W.Absences(d(f)) }}, true
	case "unexcused":
		return closure{i: func(f *Facts) int { return f.W.Unexcused(d(f)) }}, true
	case "absence_rate":
		return closure{x: func(f *Facts) float64 { return f.W.AbsenceRate(d(f)) }}, true
	case "contacts":
		return closure{i: func(f *Facts) int { return f.W.Contacts(d(f)) }}, true
	case "home_teaching_sessions":
		return closure{i: func(f *Facts) int { return f.W.HomeTeachingSessions(d(f)) }}, true
	case "home_teaching_hours":
		return closure{i: func(f *Facts) int { return f.W.HomeTeachingHours(d(f)) }}, true
	case "home_teaching_sessions_of":
		return closure{i: func(f *Facts) int { return f.W.HomeTeachingSessionsOf(d(f), h(f)) }}, true
	}
	return closure{}, false
}

func compileUnary(n *ast.UnaryNode) (closure, bool) {
	c, ok := compileNode(n.Node)
	if !ok {
		return closure{}, false
	}
	switch {
	case (n.Operator == "!" || n.Operator == "not") && c.b != nil:
		b := c.b
		return closure{b: func(f *Facts) bool { return !b(f) }}, true
	case n.Operator == "+" && c.number():
		return c, true
	case n.Operator == "-" && c.i != nil:
		i := c.i
		return closure{i: func(f *Facts) int { return -i(f) }}, true
	case n.Operator == "-" && c.x != nil:
		x := c.x
		return closure{x: func(f *Facts) float64 { return -x(f) }}, true
	}
	return closure{}, false
}

func compileConditional(n *ast.ConditionalNode) (closure, bool) {
	cond, ok1 := compileNode(n.Cond)
	a, ok2 := compileNode(n.Exp1)
	b, ok3 := compileNode(n.Exp2)
	if !ok1 || !ok2 || !ok3 || cond.b == nil || a.typ() != b.typ() {
		return closure{}, false
	}
	c := cond.b
	switch {
	case a.b != nil:
		return closure{b: func(f *Facts) bool { return choose(c(f), a.b, b.b)(f) }}, true
	case a.i != nil:
		return closure{i: func(f *Facts) int { return choose(c(f), a.i, b.i)(f) }}, true
	case a.x != nil:
		return closure{x: func(f *Facts) float64 { return choose(c(f), a.x, b.x)(f) }}, true
	default:
		return closure{s: func(f *Facts) string { return choose(c(f), a.s, b.s)(f) }}, true
	}
}

// choose is the ternary: only the branch taken runs, as in the VM.
func choose[T any](cond bool, a, b T) T {
	if cond {
		return a
	}
	return b
}

func compileBinary(n *ast.BinaryNode) (closure, bool) {
	switch n.Operator {
	case "&&", "and", "||", "or":
		return compileLogic(n)
	case "in":
		return compileIn(n)
	case "matches":
		return compileMatches(n)
	}
	if c, ok := compileNil(n); ok {
		return c, true
	}
	l, okl := compileNode(n.Left)
	r, okr := compileNode(n.Right)
	if !okl || !okr {
		return closure{}, false
	}
	op := n.Operator
	switch {
	case l.i != nil && r.i != nil:
		return ints(op, l.i, r.i)
	case l.number() && r.number():
		return floats(op, l.float(), r.float())
	case l.s != nil && r.s != nil:
		return stringsOp(op, l.s, r.s)
	case l.b != nil && r.b != nil:
		a, b := l.b, r.b
		switch op {
		case "==":
			return closure{b: func(f *Facts) bool { return a(f) == b(f) }}, true
		case "!=":
			return closure{b: func(f *Facts) bool { return a(f) != b(f) }}, true
		}
	}
	return closure{}, false
}

// ints is an operator on two ints: runtime.Add and the others keep ints
// but `/` and `**`, which give a float64, and a comparison.
func ints(op string, a, b func(*Facts) int) (closure, bool) {
	switch op {
	case "+":
		return closure{i: func(f *Facts) int { return a(f) + b(f) }}, true
	case "-":
		return closure{i: func(f *Facts) int { return a(f) - b(f) }}, true
	case "*":
		return closure{i: func(f *Facts) int { return a(f) * b(f) }}, true
	case "%":
		return closure{i: func(f *Facts) int { return a(f) % b(f) }}, true
	case "/", "**", "^":
		return floats(op, closure{i: a}.float(), closure{i: b}.float())
	}
	if c := compare(op, a, b); c != nil {
		return closure{b: c}, true
	}
	return closure{}, false
}

// floats is an operator on two numbers of which one at least is a
// float64, or `/` or `**` of two ints, as float64s.
func floats(op string, a, b func(*Facts) float64) (closure, bool) {
	switch op {
	case "+":
		return closure{x: func(f *Facts) float64 { return a(f) + b(f) }}, true
	case "-":
		return closure{x: func(f *Facts) float64 { return a(f) - b(f) }}, true
	case "*":
		return closure{x: func(f *Facts) float64 { return a(f) * b(f) }}, true
	case "/":
		return closure{x: func(f *Facts) float64 { return a(f) / b(f) }}, true
	case "**", "^":
		return closure{x: func(f *Facts) float64 { return math.Pow(a(f), b(f)) }}, true
	}
	if c := compare(op, a, b); c != nil {
		return closure{b: c}, true
	}
	return closure{}, false
}

func stringsOp(op string, a, b func(*Facts) string) (closure, bool) {
	switch op {
	case "+":
		return closure{s: func(f *Facts) string { return a(f) + b(f) }}, true
	case "contains":
		return closure{b: func(f *Facts) bool { return strings.Contains(a(f), b(f)) }}, true
	case "startsWith":
		return closure{b: func(f *Facts) bool { return strings.HasPrefix(a(f), b(f)) }}, true
	case "endsWith":
		return closure{b: func(f *Facts) bool { return strings.HasSuffix(a(f), b(f)) }}, true
	}
	if c := compare(op, a, b); c != nil {
		return closure{b: c}, true
	}
	return closure{}, false
}

// compare is a comparison of two values of one type, nil for an operator
// that is none.
func compare[T int | float64 | string](op string, a, b func(*Facts) T) func(*Facts) bool {
	switch op {
	case "==":
		return func(f *Facts) bool { return a(f) == b(f) }
	case "!=":
		return func(f *Facts) bool { return a(f) != b(f) }
	case "<":
		return func(f *Facts) bool { return a(f) < b(f) }
	case "<=":
		return func(f *Facts) bool { return a(f) <= b(f) }
	case ">":
		return func(f *Facts) bool { return a(f) > b(f) }
	case ">=":
		return func(f *Facts) bool { return a(f) >= b(f) }
	}
	return nil
}

// compileLogic compiles && and ||, which skip their right side as the VM
// does.
func compileLogic(n *ast.BinaryNode) (closure, bool) {
	l, okl := compileNode(n.Left)
	r, okr := compileNode(n.Right)
	if !okl || !okr || l.b == nil || r.b == nil {
		return closure{}, false
	}
	a, b := l.b, r.b
	if n.Operator == "&&" || n.Operator == "and" {
		return closure{b: func(f *Facts) bool { return a(f) && b(f) }}, true
	}
	return closure{b: func(f *Facts) bool { return a(f) || b(f) }}, true
}
