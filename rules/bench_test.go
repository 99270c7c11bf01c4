package rules

import (
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// constWindows answers every window with a fixed value, so benchmarks
// measure rule evaluation, not the data behind it.
type constWindows struct{ n int }

func (w constWindows) Absences(int) int             { return w.n }
func (w constWindows) Unexcused(int) int            { return w.n / 2 }
func (w constWindows) AbsenceRate(int) float64      { return float64(w.n) / 40 }
func (w constWindows) Contacts(int) int             { return 1 }
func (w constWindows) HomeTeachingSessions(int) int { return 1 }
func (w constWindows) HomeTeachingHours(int) int    { return 2 }

func (w constWindows) HomeTeachingSessionsOf(int, int) int { return 1 }

// BenchmarkEval evaluates every default rule on one student: one op is a
// whole student, so ns/op × students ÷ cores is the evaluation time of a
// district (the engine runs one VM per worker).
func BenchmarkEval(b *testing.B) { benchEval(b, (*Rule).Eval) }

// BenchmarkEvalVM is BenchmarkEval with every rule run on expr's VM, as
// before closure.go: their ratio is what the closures save.
func BenchmarkEvalVM(b *testing.B) { benchEval(b, (*Rule).evalVM) }

func benchEval(b *testing.B, eval func(*Rule, *vm.VM, *Facts) (bool, error)) {
	set, err := Defaults()
	if err != nil {
		b.Fatal(err)
	}
	f := &Facts{Student: student9(), W: constWindows{n: 1}, Today: "2026-03-10", Month: 3}
	var v vm.VM
	fired := 0
	for b.Loop() {
		for _, r := range set.Rules {
			ok, err := eval(r, &v, f)
			if err != nil {
				b.Fatal(err)
			}
			if ok {
				fired++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(set.Rules)), "ns/rule")
}

// BenchmarkRender renders a default rule's message, as the engine does for
// every firing; BenchmarkRender/template renders it through text/template,
// as before message_fast.go.
func BenchmarkRender(b *testing.B) {
	set, err := Defaults()
	if err != nil {
		b.Fatal(err)
	}
	r := set.Rule("grade9-absence")
	f := &Facts{Student: student9(), W: constWindows{n: 2}, Norms: DefaultNorms()}
	b.Run("parts", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.Render(f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("template", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.tmpl.execute(f); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRenderAll renders every default rule's message for one student:
// one op is 15 renderings.
func BenchmarkRenderAll(b *testing.B) {
	set, err := Defaults()
	if err != nil {
		b.Fatal(err)
	}
	f := &Facts{Student: student9(), W: constWindows{n: 2}, Norms: DefaultNorms()}
	for b.Loop() {
		for _, r := range set.Rules {
			if _, err := r.Render(f); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// envArgFacts is the environment of the rejected alternative: windowed
// functions registered with expr.Function and a patch that passes the
// environment as their first argument (absences(14) → absences($env, 14)).
type envArgFacts struct {
	Student Student `expr:"student"`
	W       Windows `expr:"-"`
}

type envArgPatch struct{}

func (envArgPatch) Visit(node *ast.Node) {
	call, ok := (*node).(*ast.CallNode)
	if !ok || len(call.Arguments) != 1 {
		return
	}
	if id, ok := call.Callee.(*ast.IdentifierNode); ok && id.Value == "absences" {
		ast.Patch(node, &ast.CallNode{Callee: call.Callee,
			Arguments: []ast.Node{&ast.IdentifierNode{Value: "$env"}, call.Arguments[0]}})
	}
}

// BenchmarkWindowCall compares ways of exposing windowed functions to expr
// on a typical rule; the Facts doc comment records the choice.
func BenchmarkWindowCall(b *testing.B) {
	const when = `student.grade == 9 && absences(14) >= 1 && student.poverty in ["marginal", "monitored"]`
	w := constWindows{n: 2}
	run := func(b *testing.B, p *vm.Program, env any) {
		var v vm.VM
		for b.Loop() {
			out, err := v.Run(p, env)
			if err != nil || out != true {
				b.Fatal(out, err)
			}
		}
	}
	absences := expr.Function("absences", func(params ...any) (any, error) {
		return params[0].(*envArgFacts).W.Absences(params[1].(int)), nil
	}, new(func(envArgFacts, int) int))

	b.Run("func-fields", func(b *testing.B) { // the chosen mechanism, through Rule.Eval
		r := compileOne(b, when, "")
		f := &Facts{Student: student9(), W: w}
		var v vm.VM
		for b.Loop() {
			if ok, err := r.Eval(&v, f); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("function-env-arg", func(b *testing.B) {
		p, err := expr.Compile(when, expr.Env(envArgFacts{}), expr.AsBool(), expr.Patch(envArgPatch{}), absences)
		if err != nil {
			b.Fatal(err)
		}
		run(b, p, &envArgFacts{Student: student9(), W: w})
	})
	b.Run("function-env-arg-value-env", func(b *testing.B) { // the environment copied into an interface per run
		p, err := expr.Compile(when, expr.Env(envArgFacts{}), expr.AsBool(), expr.Patch(envArgPatch{}),
			expr.Function("absences", func(params ...any) (any, error) {
				return params[0].(envArgFacts).W.Absences(params[1].(int)), nil
			}, new(func(envArgFacts, int) int)))
		if err != nil {
			b.Fatal(err)
		}
		run(b, p, envArgFacts{Student: student9(), W: w})
	})
	b.Run("pointer-env-compile", func(b *testing.B) { // compiled against *Facts: fields fetched by name
		p, err := expr.Compile(when, expr.Env(&envArgFacts{}), expr.AsBool(), expr.Patch(envArgPatch{}),
			expr.Function("absences", func(params ...any) (any, error) {
				return params[0].(*envArgFacts).W.Absences(params[1].(int)), nil
			}, new(func(*envArgFacts, int) int)))
		if err != nil {
			b.Fatal(err)
		}
		run(b, p, &envArgFacts{Student: student9(), W: w})
	})
}
