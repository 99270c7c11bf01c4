package rules

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"
)

// outcome is what an evaluation gave: a value, or a failure (why).
type outcome struct {
	value  any
	failed bool
	why    any
}

// vmOutcome runs p on f with expr's VM.
func vmOutcome(p *vm.Program, f *Facts) outcome {
	f.bind()
	var v vm.VM
	out, err := v.Run(p, f)
	if err != nil {
		return outcome{failed: true, why: err}
	}
	return outcome{value: out}
}

// closureOutcome runs c on f; a panic is a failure.
func closureOutcome(c closure, f *Facts) (o outcome) {
	defer func() {
		if r := recover(); r != nil {
			o = outcome{failed: true, why: r}
		}
	}()
	return outcome{value: c.value(f)}
}

// same reports whether o and p are the same value of the same type (a
// float64 to the bit, any NaN equal to any NaN) or both failures.
func (o outcome) same(p outcome) bool {
	if o.failed || p.failed {
		return o.failed == p.failed
	}
	x, okx := o.value.(float64)
	y, oky := p.value.(float64)
	if okx && oky {
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	}
	return o.value == p.value
}

func (o outcome) String() string {
	if o.failed {
		return fmt.Sprintf("failed (%v)", o.why)
	}
	return fmt.Sprintf("%T %#v", o.value, o.value)
}

// factsDump names the facts an expression saw, for a failure message.
func factsDump(f *Facts) string {
	return fmt.Sprintf("%+v streaks %d/%d today %q month %d campaign %q norms %+v windows %+v",
		f.Student, f.AbsentStreak, f.UnexcusedStreak, f.Today, f.Month, f.Campaign, f.Norms, f.W)
}

// TestClosureMatchesVM compares the closures with expr's VM on generated
// expressions of every type, each on random facts: the same value of the
// same type, or a failure of both.
func TestClosureMatchesVM(t *testing.T) {
	exprs, perExpr := 3000, 20
	if testing.Short() {
		exprs = 500
	}
	var refused, failures, nans int
	for i := range exprs {
		g := newExprGen(uint64(i))
		text := g.expr(g.anyType(), 4)
		p, err := expr.Compile(text, envOptions()...)
		if err != nil {
			if refused++; refused <= 3 {
				t.Logf("expr refuses %s: %v", text, err)
			}
			continue
		}
		c, ok := compileNode(p.Node())
		if !ok {
			t.Errorf("no closure for %s", text)
			continue
		}
		r := rand.New(rand.NewPCG(uint64(i), 1))
		for range perExpr {
			f := randomFacts(r)
			want, got := vmOutcome(p, f), closureOutcome(c, f)
			if !want.same(got) {
				t.Errorf("%s\n  on %s\n  VM gives %v\n  closure  %v", text, factsDump(f), want, got)
				break
			}
			if want.failed {
				failures++
			} else if x, ok := want.value.(float64); ok && math.IsNaN(x) {
				nans++
			}
		}
	}
	t.Logf("%d expressions (%d refused by expr), %d failures, %d NaNs", exprs, refused, failures, nans)
	if refused > exprs/20 {
		t.Errorf("expr refused %d of %d generated expressions: the generator writes ill-typed ones", refused, exprs)
	}
	if failures == 0 || nans == 0 {
		t.Errorf("no failure (%d) or no NaN (%d) compared: the generator misses the edges", failures, nans)
	}
}

// TestClosureDefaults: every default rule compiles to closures, which
// decide as the VM on random facts, and fail as it does (same error).
func TestClosureDefaults(t *testing.T) {
	set, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules {
		if r.fast == nil {
			t.Errorf("default rule %s runs on the VM", r.ID)
		}
	}
	fired := map[string]int{}
	rng := rand.New(rand.NewPCG(7, 7))
	for range 5000 {
		f := randomFacts(rng)
		if rng.IntN(2) == 0 {
			f.Student.Status = "enrolled"
		}
		for _, r := range set.Rules {
			got, gotErr := r.Eval(nil, f)
			want, wantErr := r.evalVM(nil, f)
			if got != want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("%s on %s: Eval %v, %v; VM %v, %v", r.ID, factsDump(f), got, gotErr, want, wantErr)
			}
			if got {
				fired[r.ID]++
			}
		}
	}
	for _, r := range set.Rules {
		if fired[r.ID] == 0 || fired[r.ID] == 5000 {
			t.Errorf("%s fired %d times of 5000: the facts do not test it", r.ID, fired[r.ID])
		}
	}
}

// TestClosureFallback: a rule using what closure.go does not compile runs
// on the VM, with the VM's result.
func TestClosureFallback(t *testing.T) {
	tests := []struct {
		when string
		fast bool
		want bool
	}{
		{`student?.grade == 9`, false, true},
		{`let g = student.grade; g == 9`, false, true},
		{`student.name[0:3] == "张"`, false, true}, // bytes
		{`student.grade in [month, 9]`, false, true},
		{`student.grade in []`, false, false},
		{`(student.grade > 3 ? 1 : 2.5) == 1`, false, true},
		{`max(student.grade, 2.5) == 9`, false, true},
		{`len([1, 2, 3]) == 3`, false, true},
		{`"Grade" in student`, false, true}, // Go's names
		{`(student.grade ?? 0) > 1`, false, true},
		{`student.grade in 7..9`, true, true}, // expr makes it two comparisons
		{`student.grade in [7, 8, 9] && student.poverty not in ["none"]`, true, true},
		{`max(student.grade, month) == 9 && student.name != nil`, true, true},
		{`student.grade + 0.5 > 9 ? upper(student.stage) == "JUNIOR" : false`, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.when, func(t *testing.T) {
			r := compileOne(t, tc.when, "")
			if fast := r.fast != nil; fast != tc.fast {
				t.Errorf("compiled to closures: %v, want %v", fast, tc.fast)
			}
			f := &Facts{Student: student9(), W: newFake(), Month: 3}
			if got, err := r.Eval(nil, f); got != tc.want || err != nil {
				t.Errorf("Eval = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// failingWindows panics in every call, as an engine bug would.
type failingWindows struct{ zeroWindows }

func (failingWindows) Absences(int) int { panic("no attendance") }

// TestClosureFailsAsVM: a rule failing in its closures fails through
// Eval with the error the VM gives, placed in the rule file.
func TestClosureFailsAsVM(t *testing.T) {
	tests := []struct {
		when string
		edit func(*Facts)
	}{
		{"student.grade % (student.age - 14) == 0", nil},
		{"student.grade > 3 && int(student.name) > 0", nil},
		{"float(student.stage) > 0.5", nil},
		{"student.left_behind && absences(14) > 0", func(f *Facts) { f.W = failingWindows{} }},
	}
	for _, tc := range tests {
		t.Run(tc.when, func(t *testing.T) {
			r := compileOne(t, tc.when, "")
			if r.fast == nil {
				t.Fatal("no closures")
			}
			f := &Facts{Student: student9(), W: newFake()}
			if tc.edit != nil {
				tc.edit(f)
			}
			_, err := r.Eval(nil, f)
			_, want := r.evalVM(nil, f)
			var re *RunError
			if want == nil || !errors.As(err, &re) || err.Error() != want.Error() {
				t.Errorf("Eval error %v\nwant the VM's %v", err, want)
			}
		})
	}
}

// TestClosureFields: the field tables of closure.go name every bool, int
// and string of Facts, Student and Norms by its expr tag, and read it;
// compileWindow calls every windowed function.
func TestClosureFields(t *testing.T) {
	f := &Facts{}
	names := map[reflect.Kind]int{}
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		for i := range v.NumField() {
			sf, fv := v.Type().Field(i), v.Field(i)
			tag := sf.Tag.Get("expr")
			if tag == "" || tag == "-" || !sf.IsExported() {
				continue
			}
			name := prefix + tag
			var probe, zero any
			switch fv.Kind() {
			case reflect.Struct:
				walk(fv, name+".")
				continue
			case reflect.Bool:
				fv.SetBool(true)
				probe, zero = true, false
			case reflect.Int:
				fv.SetInt(-42)
				probe, zero = -42, 0
			case reflect.String:
				fv.SetString("probe")
				probe, zero = "probe", ""
			default:
				continue // the windowed functions are calls
			}
			names[fv.Kind()]++
			c, ok := factField(name)
			if !ok {
				t.Errorf("%s: no closure reads it", name)
			} else if got := c.value(f); got != probe {
				t.Errorf("%s reads %#v, want %#v", name, got, probe)
			}
			fv.Set(reflect.ValueOf(zero))
		}
	}
	walk(reflect.ValueOf(f).Elem(), "")
	for _, name := range windowFuncs {
		p, err := expr.Compile(windowExample(name)+" > 0", exprOptions()...)
		if err != nil {
			t.Fatal(err)
		}
		if compileClosure(p) == nil {
			t.Errorf("%s: no closure calls it", name)
		}
	}
	if len(boolFields) != names[reflect.Bool] || len(intFields) != names[reflect.Int] || len(stringFields) != names[reflect.String] {
		t.Errorf("the tables hold %d bools, %d ints, %d strings; Facts %d, %d, %d", len(boolFields), len(intFields),
			len(stringFields), names[reflect.Bool], names[reflect.Int], names[reflect.String])
	}
}

// FuzzClosureMatchesVM: any `when` that loads as a rule and compiles to
// closures gives on random facts what the VM gives, or fails as it does.
func FuzzClosureMatchesVM(f *testing.F) {
	set, err := Defaults()
	if err != nil {
		f.Fatal(err)
	}
	for i, r := range set.Rules {
		f.Add(r.When, uint64(i))
	}
	for i := range 50 {
		f.Add(newExprGen(uint64(i)).expr(genBool, 4), uint64(i))
	}
	f.Fuzz(func(t *testing.T, when string, seed uint64) {
		defer watchdog()()
		if !utf8.ValidString(when) {
			return // YAML files are UTF-8
		}
		data, err := yaml.Marshal(map[string]any{"rules": []map[string]any{{
			"id": "f", "name": "f", "severity": "low", "when": when}}})
		if err != nil {
			t.Skip(err)
		}
		set, err := Compile(File{Name: "fuzz.yaml", Data: data})
		if err != nil || set.Rules[0].fast == nil {
			return
		}
		p := set.Rules[0].program
		c, _ := compileNode(p.Node())
		r := rand.New(rand.NewPCG(seed, 2))
		for range 16 {
			f := randomFacts(r)
			if want, got := vmOutcome(p, f), closureOutcome(c, f); !want.same(got) {
				t.Fatalf("%s\n  on %s\n  VM gives %v\n  closure  %v", when, factsDump(f), want, got)
			}
		}
	})
}
