package rules

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/expr-lang/expr/vm"

	"baoxue/i18n"
)

// worstCaseWhen builds as many 1000-number ranges as a condition may hold,
// in one list (len, the list, > and 0 are four expr nodes, each range
// three): the most list memory a rule that loads can ask of one
// evaluation, about a third of the VM's budget.
func worstCaseWhen() string {
	n := (maxNodes - 4) / 3
	return "len([" + strings.Repeat("1..1000, ", n-1) + "1..1000]) > 0"
}

// TestWorstCaseWithinMemoryBudget shows that the load-time budgets keep
// every rule under the VM's memory budget, and that a VM over its budget
// fails with an error placed in the rule file that names the rule.
func TestWorstCaseWithinMemoryBudget(t *testing.T) {
	r := compileOne(t, worstCaseWhen(), "")
	f := &Facts{Student: student9(), W: newFake()}
	var v vm.VM // expr's default budget, as the engine uses it
	if ok, err := r.Eval(&v, f); err != nil || !ok {
		t.Fatalf("worst case within the budgets: %v, %v", ok, err)
	}
	// The same rule on a VM with a tenth of the budget fails, placed.
	_, err := r.Eval(&vm.VM{MemoryBudget: 100_000}, f)
	var e *RunError
	if !errors.As(err, &e) {
		t.Fatalf("over budget: %v (%T), want a *RunError", err, err)
	}
	if at := e.At; at.File != "test.yaml" || at.Line != 6 || at.Col < 7 || e.Rule != "r" || !strings.Contains(at.Msg.String(), "memory budget exceeded") {
		t.Errorf("over budget: %+v", e)
	}
	got := OnStudent(err, "G500234********0057").Error()
	if want := "test.yaml:6:"; !strings.HasPrefix(got, want) || !strings.Contains(got, ": 规则 r：学生 G500234********0057：when：memory budget exceeded：条件构造的列表") {
		t.Errorf("OnStudent: %s", got)
	}
	got = i18n.NewPrinter(i18n.English).Error(OnStudent(err, "G500234********0057"))
	if !strings.Contains(got, ": rule r: student G500234********0057: when: memory budget exceeded: the condition builds larger lists") {
		t.Errorf("OnStudent in English: %s", got)
	}
}

// TestRuntimeErrorLocated: a rule that fails on some students only is an
// error placed at the failing token, naming the rule; OnStudent adds the
// student, and wraps errors that are not placed.
func TestRuntimeErrorLocated(t *testing.T) {
	r := compileOne(t, "absences(14) % (student.grade - 9) == 0", "")
	f := &Facts{Student: student9(), W: newFake()}
	f.Student.Grade = 8
	if _, err := r.Eval(nil, f); err != nil {
		t.Fatalf("grade 8: %v", err)
	}
	f.Student.Grade = 9
	_, err := r.Eval(nil, f)
	want := "test.yaml:6:20: 规则 r：学生 ******：when：runtime error: integer divide by zero\n" +
		"     | absences(14) % (student.grade - 9) == 0\n" +
		"     | .............^"
	if got := OnStudent(err, "******").Error(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	plain := OnStudent(errors.New("boom"), "kS1")
	if plain.Error() != "学生 kS1：boom" {
		t.Errorf("OnStudent(plain) = %v", plain)
	}
}

// TestRenderErrorLocated: a message that fails on a student (a comparison
// of a name with a number, in a branch the load-time rendering does not
// take) is an error placed at its action.
func TestRenderErrorLocated(t *testing.T) {
	r := compileOne(t, "true", "{{.student.name}}\n{{if .student.orphan}}{{lt .student.name 3}}{{end}}")
	f := &Facts{Student: student9(), W: newFake()}
	if _, err := r.Render(f); err != nil {
		t.Fatalf("not an orphan: %v", err)
	}
	f.Student.Orphan = true
	_, err := r.Render(f)
	got := OnStudent(err, "******").Error()
	if want := "test.yaml:9:31: 规则 r：学生 ******：message：executing \"message\" at <lt .student.name 3>:"; !strings.HasPrefix(got, want) {
		t.Errorf("got:\n%s\nwant prefix:\n%s", got, want)
	}
}

// TestRenderCapped: a rendered message keeps at most MaxMessageLength
// characters, the last of them "…".
func TestRenderCapped(t *testing.T) {
	tests := []struct {
		name, message string
		student       Student
		want          string // "" means cut
	}{
		{"short", "{{.student.name}}缺勤", Student{Name: "张三"}, "张三缺勤"},
		{"exactly the cap", "{{.student.name}}", Student{Name: strings.Repeat("张", MaxMessageLength)}, strings.Repeat("张", MaxMessageLength)},
		{"long field", "前{{.student.name}}后", Student{Name: strings.Repeat("张", 2*MaxMessageLength)}, ""},
		{"long ascii field", "{{.student.class}}", Student{Class: strings.Repeat("x", 10*MaxMessageLength)}, ""},
		{"padded numbers", strings.Repeat(`{{printf "%99d" (absences 14)}}`, 6), Student{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := compileOne(t, "true", tc.message)
			got, err := r.Render(&Facts{Student: tc.student, W: newFake()})
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != "" {
				if got != tc.want {
					t.Errorf("Render = %q, want %q", got, tc.want)
				}
				return
			}
			if n := utf8.RuneCountInString(got); n != MaxMessageLength || !strings.HasSuffix(got, "…") {
				t.Errorf("Render gave %d characters ending %q, want %d ending with …", n, got[max(0, len(got)-9):], MaxMessageLength)
			}
		})
	}
}

// TestMessageAllowed: what messages may still do within their budgets.
func TestMessageAllowed(t *testing.T) {
	for _, m := range []string{
		`{{printf "%5.2f%%" (absence_rate 30)}}{{printf "%-10s|" .student.name}}`,
		`{{with $s := .student}}{{$s.name}}{{.class}}{{end}}`,
		`{{with .student}}{{.name}}{{else}}无{{end}}`,
		`{{if .student.orphan}}孤儿{{else if .student.left_behind}}留守{{end}}{{with .norms}}{{.suspected_dropout_days}}{{end}}`,
		`{{$n := .norms.suspected_dropout_days}}{{if ge .unexcused_streak $n}}疑似辍学{{end}}`,
		`{{(.student).name}} {{len .student.name}} {{and .student.orphan (not .student.migrant)}} {{print .}}`,
		`{{/* 注释 */}}{{.today}}`,
		strings.Repeat("字", MaxMessageLength),
	} {
		compileOne(t, "true", m)
	}
}

// TestHostileSizes: inputs that once crashed the process (a megabyte of
// "!" or "(" overflowed expr's parser stack, which no recover catches) or
// hung it (reading /dev/zero as a rule file) are refused.
func TestHostileSizes(t *testing.T) {
	for _, tc := range []struct{ name, when string }{
		{"prefix operators", strings.Repeat("!", MaxFileSize-100) + "true"},
		{"parentheses", strings.Repeat("(", MaxFileSize/2-100) + "true" + strings.Repeat(")", MaxFileSize/2-100)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "rules:\n  - {id: x, name: x, severity: low, when: '" + tc.when + "'}\n"
			_, err := Compile(File{Name: "hostile.yaml", Data: []byte(src)})
			if err == nil || !strings.Contains(err.Error(), "hostile.yaml:2:") || !strings.Contains(err.Error(), "条件最多 10,000 个字符") {
				t.Errorf("got %.300v", err)
			}
		})
	}
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := Load("/dev/zero")
	if err == nil || !strings.Contains(err.Error(), "/dev/zero:1:1048577: 规则文件超过 1,048,576 字节") {
		t.Errorf("Load(/dev/zero) = %.300v", err)
	}
}

// TestTooManyRuleFiles: a set of more files than MaxRules stops reading.
func TestTooManyRuleFiles(t *testing.T) {
	dir := t.TempDir()
	for i := range MaxRules + 1 {
		name := dir + "/" + strings.Repeat("a", 1+i/26) + string(rune('a'+i%26)) + ".yaml"
		if err := os.WriteFile(name, []byte("rules:\n  - {id: r"+strings.Repeat("x", i)+", name: x, severity: low, when: 'true'}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), "规则文件超过 200 个") {
		t.Errorf("Load of %d files = %.300v", MaxRules+1, err)
	}
}
