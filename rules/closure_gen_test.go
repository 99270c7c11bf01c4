package rules

import (
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// This file generates what closure_test.go compares the closures with the
// VM on: random well-typed expressions over the names of Facts, and random
// Facts whose windows answer random values, edge values included.

// genType is the type of a generated expression.
type genType int

const (
	genBool genType = iota
	genInt
	genFloat
	genString
)

// Edge values the generated facts and literals take.
var (
	genInts    = []int{0, 1, 2, 3, 9, 10, 14, -1, -7, 366, math.MaxInt32, math.MaxInt, math.MinInt, 1<<53 + 1}
	genFloats  = []float64{0, 0.1, 0.5, 1, 2.5, -0.25, 1e308, 5e-324, math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1)}
	genStrings = []string{"", "enrolled", "suspended", "junior", "primary", "marginal", "none", "M", "F", "march",
		" a b ", "中文", "张三", "1", "-3", "2.5", "NaN", "Inf", "1e3", "abc", "ABC", "\t", "a", "2026-03-10"}
	genIntLits    = []string{"0", "1", "2", "3", "7", "9", "10", "-1", "-5", "100", "2147483647", "9223372036854775807"}
	genFloatLits  = []string{"0.0", "0.1", "0.5", "1.5", "-2.25", "1e308", "1e-9", "3.0"}
	genPatterns   = []string{"^a", "[0-9]+", "中", "^$", "e", "^(en|sus)"}
	genIntWindows = []string{"absences", "unexcused", "contacts", "home_teaching_sessions", "home_teaching_hours"}
)

// exprGen writes random expressions of a type from r.
type exprGen struct{ r *rand.Rand }

func newExprGen(seed uint64) *exprGen {
	return &exprGen{rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))}
}

func (g *exprGen) one(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *exprGen) anyType() genType { return genType(g.r.IntN(4)) }

func (g *exprGen) number() genType { return genType(1 + g.r.IntN(2)) }

// expr returns an expression of type t nested at most depth deep.
func (g *exprGen) expr(t genType, depth int) string {
	if depth <= 0 || g.r.IntN(5) == 0 {
		return g.leaf(t)
	}
	d := depth - 1
	switch t {
	case genBool:
		return g.boolExpr(d)
	case genInt:
		return g.intExpr(d)
	case genFloat:
		return g.floatExpr(d)
	}
	return g.stringExpr(d)
}

// p is expr of type t in parentheses.
func (g *exprGen) p(t genType, depth int) string { return "(" + g.expr(t, depth) + ")" }

func (g *exprGen) leaf(t genType) string {
	switch t {
	case genBool:
		if g.r.IntN(3) == 0 {
			return g.one("true", "false")
		}
		return g.one(slices.Sorted(maps.Keys(boolFields))...)
	case genInt:
		switch g.r.IntN(4) {
		case 0:
			return g.one(genIntLits...)
		case 1:
			return g.one(genIntWindows...) + "(" + strconv.Itoa(1+g.r.IntN(MaxWindowLimit)) + ")"
		case 2:
			return fmt.Sprintf("home_teaching_sessions_of(%d, %s)", 1+g.r.IntN(MaxWindowLimit), g.leaf(genInt))
		}
		return g.one(slices.Sorted(maps.Keys(intFields))...)
	case genFloat:
		if g.r.IntN(2) == 0 {
			return g.one(genFloatLits...)
		}
		return "absence_rate(" + strconv.Itoa(1+g.r.IntN(MaxWindowLimit)) + ")"
	}
	if g.r.IntN(2) == 0 {
		return strconv.Quote(g.one(genStrings...))
	}
	return g.one(slices.Sorted(maps.Keys(stringFields))...)
}

func (g *exprGen) boolExpr(d int) string {
	switch g.r.IntN(12) {
	case 0:
		return g.p(g.number(), d) + g.one(" == ", " != ", " < ", " <= ", " > ", " >= ") + g.p(g.number(), d)
	case 1:
		return g.p(genString, d) + g.one(" == ", " != ", " < ", " <= ", " > ", " >= ") + g.p(genString, d)
	case 2:
		return g.p(genBool, d) + g.one(" == ", " != ") + g.p(genBool, d)
	case 3:
		return g.one("!", "not ") + g.p(genBool, d)
	case 4, 5:
		return g.p(genBool, d) + g.one(" && ", " || ", " and ", " or ") + g.p(genBool, d)
	case 6:
		return g.in(d)
	case 7:
		return g.p(genBool, d) + " ? " + g.p(genBool, d) + " : " + g.p(genBool, d)
	case 8:
		return g.one("hasPrefix", "hasSuffix") + "(" + g.expr(genString, d) + ", " + g.expr(genString, d) + ")"
	case 9:
		return g.p(genString, d) + g.one(" contains ", " startsWith ", " endsWith ") + g.p(genString, d)
	case 10:
		return g.p(genString, d) + " matches " + strconv.Quote(g.one(genPatterns...))
	}
	switch g.r.IntN(3) {
	case 0:
		return g.p(g.anyType(), d) + g.one(" == nil", " != nil")
	case 1:
		return "nil " + g.one("==", "!=") + " " + g.p(g.anyType(), d)
	}
	return g.one("nil == nil", "nil != nil")
}

// in is `x in [...]` or `x not in [...]` with a list written out: of
// x's type (which expr makes a set) or mixed (a list).
func (g *exprGen) in(d int) string {
	t := g.anyType()
	n := 1 + g.r.IntN(4)
	var elems []string
	for range n {
		et := t
		if g.r.IntN(3) == 0 {
			et = g.anyType()
		}
		if t == genInt && et == genString && len(elems) == 0 {
			// Not strings only: expr makes them a set of strings, which
			// the VM fails to look an int up in.
			et = genFloat
		}
		if t != genString && et == genFloat && g.r.IntN(2) == 0 {
			elems = append(elems, g.one(genIntLits...)+".0") // a float equal to an int
			continue
		}
		elems = append(elems, g.leafLiteral(et))
	}
	return g.p(t, d) + g.one(" in ", " not in ") + "[" + strings.Join(elems, ", ") + "]"
}

func (g *exprGen) leafLiteral(t genType) string {
	switch t {
	case genBool:
		return g.one("true", "false")
	case genInt:
		return g.one(genIntLits...)
	case genFloat:
		return g.one(genFloatLits...)
	}
	return strconv.Quote(g.one(genStrings...))
}

func (g *exprGen) intExpr(d int) string {
	switch g.r.IntN(10) {
	case 0, 1, 2:
		return g.p(genInt, d) + g.one(" + ", " - ", " * ", " % ") + g.p(genInt, d)
	case 3:
		return g.one("-", "+") + g.p(genInt, d)
	case 4:
		return "len(" + g.expr(genString, d) + ")"
	case 5:
		return "abs(" + g.expr(genInt, d) + ")"
	case 6:
		return "int(" + g.expr(g.anyType()%3+1, d) + ")" // int, float or string
	case 7:
		return g.one("max", "min") + "(" + g.args(genInt, d) + ")"
	case 8:
		return fmt.Sprintf("home_teaching_sessions_of(%d, %s)", 1+g.r.IntN(MaxWindowLimit), g.expr(genInt, d))
	}
	return g.p(genBool, d) + " ? " + g.p(genInt, d) + " : " + g.p(genInt, d)
}

func (g *exprGen) floatExpr(d int) string {
	switch g.r.IntN(9) {
	case 0, 1:
		return g.p(g.number(), d) + g.one(" / ", " ** ", " ^ ") + g.p(g.number(), d)
	case 2, 3:
		a, b := g.p(genFloat, d), g.p(g.number(), d)
		if g.r.IntN(2) == 0 {
			a, b = b, a
		}
		return a + g.one(" + ", " - ", " * ") + b
	case 4:
		return "-" + g.p(genFloat, d)
	case 5:
		return g.one("ceil", "floor", "round", "float") + "(" + g.expr(g.number(), d) + ")"
	case 6:
		if g.r.IntN(2) == 0 {
			return "abs(" + g.expr(genFloat, d) + ")"
		}
		return "float(" + g.expr(g.one2(genString, genFloat), d) + ")"
	case 7:
		return g.one("max", "min") + "(" + g.args(genFloat, d) + ")"
	}
	return g.p(genBool, d) + " ? " + g.p(genFloat, d) + " : " + g.p(genFloat, d)
}

func (g *exprGen) stringExpr(d int) string {
	switch g.r.IntN(6) {
	case 0, 1:
		return g.p(genString, d) + " + " + g.p(genString, d)
	case 2:
		return g.one("trim", "trimPrefix", "trimSuffix", "upper", "lower") + "(" + g.expr(genString, d) + ")"
	case 3:
		return g.one("trim", "trimPrefix", "trimSuffix") + "(" + g.expr(genString, d) + ", " + g.expr(genString, d) + ")"
	case 4:
		return "string(" + g.expr(g.anyType(), d) + ")"
	}
	return g.p(genBool, d) + " ? " + g.p(genString, d) + " : " + g.p(genString, d)
}

// one2 picks one of two types.
func (g *exprGen) one2(a, b genType) genType {
	if g.r.IntN(2) == 0 {
		return a
	}
	return b
}

// args is one to three arguments of type t.
func (g *exprGen) args(t genType, d int) string {
	var as []string
	for range 1 + g.r.IntN(3) {
		as = append(as, g.expr(t, d))
	}
	return strings.Join(as, ", ")
}

// randomFacts fills every bool, int and string field of Facts, Student
// and Norms with a value of its kind's edge values, and W with windows
// answering random values.
func randomFacts(r *rand.Rand) *Facts {
	f := &Facts{W: &randWindows{seed: r.Uint64()}}
	if r.IntN(10) == 0 {
		f.W.(*randWindows).fail = windowFuncs[r.IntN(len(windowFuncs))]
	}
	fill(reflect.ValueOf(f).Elem(), r)
	return f
}

func fill(v reflect.Value, r *rand.Rand) {
	for i := range v.NumField() {
		fv := v.Field(i)
		if !fv.CanSet() {
			continue
		}
		switch fv.Kind() {
		case reflect.Struct:
			fill(fv, r)
		case reflect.Bool:
			fv.SetBool(r.IntN(2) == 0)
		case reflect.Int:
			fv.SetInt(int64(genInts[r.IntN(len(genInts))]))
		case reflect.String:
			fv.SetString(genStrings[r.IntN(len(genStrings))])
		}
	}
}

// randWindows answers each windowed call with a value that depends on the
// seed, the function and its arguments, so the VM and the closures see the
// same; the function named fail panics.
type randWindows struct {
	seed uint64
	fail string
}

func (w *randWindows) hash(name string, args ...int) uint64 {
	if name == w.fail {
		panic("windows: " + name + " failed")
	}
	h := fnv.New64a()
	fmt.Fprint(h, w.seed, name, args)
	return h.Sum64()
}

func (w *randWindows) int(name string, args ...int) int {
	h := w.hash(name, args...)
	if h%3 == 0 {
		return int(h>>8) % 5 // small counts, as most windows answer
	}
	return genInts[h%uint64(len(genInts))]
}

func (w *randWindows) Absences(n int) int  { return w.int("absences", n) }
func (w *randWindows) Unexcused(n int) int { return w.int("unexcused", n) }
func (w *randWindows) AbsenceRate(n int) float64 {
	return genFloats[w.hash("absence_rate", n)%uint64(len(genFloats))]
}
func (w *randWindows) Contacts(n int) int             { return w.int("contacts", n) }
func (w *randWindows) HomeTeachingSessions(n int) int { return w.int("home_teaching_sessions", n) }
func (w *randWindows) HomeTeachingHours(n int) int    { return w.int("home_teaching_hours", n) }
func (w *randWindows) HomeTeachingSessionsOf(n, minHours int) int {
	return w.int("home_teaching_sessions_of", n, minHours)
}
