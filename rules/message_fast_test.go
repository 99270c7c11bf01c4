package rules

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// messageRule compiles a rule whose message is message; nil when it does
// not load.
func messageRule(message string) *Rule {
	data, err := yaml.Marshal(map[string]any{"rules": []map[string]any{{
		"id": "m", "name": "m", "severity": "low", "when": "true", "message": message}}})
	if err != nil {
		return nil
	}
	set, err := Compile(File{Name: "msg.yaml", Data: data})
	if err != nil {
		return nil
	}
	return set.Rules[0]
}

// renderBoth renders r's message on f through Rule.Render (the parts when
// r has them) and through Rule.Render with the template alone; fellBack
// says whether the parts gave up on f.
func renderBoth(r *Rule, f *Facts) (got, want string, gotErr, wantErr error, fellBack bool) {
	fast := r.tmpl.fast
	if fast != nil {
		_, ok := fast.renderSafe(f)
		fellBack = !ok
	}
	got, gotErr = r.Render(f)
	r.tmpl.fast = nil
	want, wantErr = r.Render(f)
	r.tmpl.fast = fast
	return got, want, gotErr, wantErr, fellBack
}

// Student strings a message may meet: empty, non-ASCII, invalid UTF-8 (cut
// across a write), what looks like an identity number, markup, a template,
// and long enough to reach MaxMessageLength.
var msgStrings = []string{"", "张三", "欧阳娜娜", "a b", "G500234201101010057", "500234201101010057",
	"110101200001011234", "<b>&amp;\"'", "{{.student.id}}", "%d %s", "\xff\xe4\xb8", "\xad半", "e\u0301",
	"🙂", strings.Repeat("张", MaxMessageLength-3), strings.Repeat("x", 2*MaxMessageLength), "\t\n"}

// randomMessageFacts are randomFacts with student strings from msgStrings
// half of the time.
func randomMessageFacts(r *rand.Rand) *Facts {
	f := randomFacts(r)
	for _, s := range []*string{&f.Student.ID, &f.Student.Name, &f.Student.School, &f.Student.Class,
		&f.Student.Village, &f.Student.Township, &f.Today} {
		if r.IntN(2) == 0 {
			*s = msgStrings[r.IntN(len(msgStrings))]
		}
	}
	return f
}

// msgGen writes random message templates: mostly what message_fast.go
// compiles, sometimes what it leaves to the template.
type msgGen struct{ r *rand.Rand }

func (g *msgGen) one(xs ...string) string { return xs[g.r.IntN(len(xs))] }

// field returns a field of the data, as .a.b.
func (g *msgGen) field() string {
	switch g.r.IntN(4) {
	case 0:
		return "." + g.one("absent_streak", "unexcused_streak", "today", "month", "campaign")
	case 1:
		return ".norms." + g.one(normsNames()...)
	}
	return ".student." + g.one(studentNames()...)
}

// intField returns a field of type int.
func (g *msgGen) intField() string {
	return g.one(".student.grade", ".student.age", ".student.days_since_return", ".absent_streak", ".month",
		".norms.home_teaching_hours_per_session", ".norms.suspected_dropout_days")
}

// call returns a windowed call.
func (g *msgGen) call() string {
	name := g.one(windowFuncs...)
	n := strconv.Itoa(1 + g.r.IntN(MaxWindowLimit))
	if name == "home_teaching_sessions_of" {
		return name + " " + n + " " + g.one("2", "0", "-1", g.intField())
	}
	return name + " " + n
}

// value returns an argument: a field or a call in parentheses.
func (g *msgGen) value() string {
	if g.r.IntN(2) == 0 {
		return g.field()
	}
	return "(" + g.call() + ")"
}

// action returns the inside of an action.
func (g *msgGen) action() string {
	switch g.r.IntN(14) {
	case 0, 1, 2, 3:
		return g.field()
	case 4, 5, 6:
		return g.call()
	case 7:
		return g.one(`printf "%d"`, `printf "%.1f"`, `printf "%v%%"`, `printf "%s"`, `printf "%5.2f|%x"`,
			`printf "%q"`, `printf "%t"`, `printf "%06.2f"`) + " " + g.value()
	case 8:
		return g.value() + " | " + g.one(`printf "%v"`, `printf "%.0f%%"`, `print`, `printf "%d天"`, `print "x"`)
	case 9:
		return "print " + g.value() + " " + g.value() + g.one("", ` "、"`)
	case 10:
		return "(" + g.call() + ")"
	case 11: // left to the template
		return g.one(`if gt (absences 14) 2`, `len .student.name`, `eq .month 3`, `"literal"`, `3`,
			`print 1.5`, `printf "%d" 7`, `.student`, `$.student.name`, `with .student`, `not .student.orphan`)
	}
	return "/* 注释 */"
}

// message returns a message of a few texts and actions.
func (g *msgGen) message() string {
	var b strings.Builder
	for range 1 + g.r.IntN(6) {
		if g.r.IntN(2) == 0 {
			b.WriteString(g.one("近", "天缺勤", " ", "，请联系家长。\n", "a\tb", "%d", "{ ", "}", "…", "x"))
		}
		a := g.action()
		open, closing := g.one("{{", "{{- "), g.one("}}", " -}}")
		if strings.HasPrefix(a, "if ") || strings.HasPrefix(a, "with ") {
			b.WriteString(open + a + "}}" + "有" + "{{else}}无{{end" + closing)
			continue
		}
		b.WriteString(open + a + closing)
	}
	return b.String()
}

// TestMessageMatchesTemplate: every default rule and generated messages
// render through their parts exactly as through text/template, on random
// facts (edge values, NaN and infinite rates, names like identity
// numbers, invalid UTF-8, long enough to be cut), and fail where it fails.
func TestMessageMatchesTemplate(t *testing.T) {
	set, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	var messages []string
	for _, r := range set.Rules {
		messages = append(messages, r.Message)
	}
	n := 3000
	if testing.Short() {
		n = 500
	}
	g := &msgGen{rand.New(rand.NewPCG(15, 15))}
	for range n {
		messages = append(messages, g.message())
	}
	var loaded, compiled, renders, failures, cut, floats int
	for i, m := range messages {
		r := messageRule(m)
		if r == nil {
			continue
		}
		loaded++
		if r.tmpl.fast == nil {
			continue
		}
		compiled++
		rng := rand.New(rand.NewPCG(uint64(i), 3))
		for range 20 {
			f := randomMessageFacts(rng)
			got, want, gotErr, wantErr, fellBack := renderBoth(r, f)
			if got != want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || fellBack != (wantErr != nil) {
				t.Fatalf("message %q\n  on %s\n  parts    %q, %v (fell back: %v)\n  template %q, %v",
					m, factsDump(f), got, gotErr, fellBack, want, wantErr)
			}
			renders++
			if wantErr != nil {
				failures++
			}
			if utf8.RuneCountInString(want) == MaxMessageLength && strings.HasSuffix(want, "…") {
				cut++
			}
			if strings.Contains(m, "absence_rate") {
				floats++
			}
		}
	}
	t.Logf("%d messages, %d loaded, %d compiled to parts; %d renders, %d failures, %d cut, %d with a rate",
		len(messages), loaded, compiled, renders, failures, cut, floats)
	if loaded < len(messages)*9/10 || compiled < loaded*2/3 || compiled == loaded {
		t.Errorf("%d of %d messages loaded, %d compiled: the generator misses", loaded, len(messages), compiled)
	}
	if failures == 0 || cut == 0 || floats == 0 {
		t.Errorf("no failure (%d), cut message (%d) or rate (%d) compared: the facts miss the edges", failures, cut, floats)
	}
}

// TestMessageDefaults: every default rule's message compiles to parts.
func TestMessageDefaults(t *testing.T) {
	set, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules {
		if r.Message != "" && r.tmpl.fast == nil {
			t.Errorf("default rule %s renders its message through text/template", r.ID)
		}
	}
}

// TestMessageFallback: a message using what message_fast.go does not
// compile renders through the template, with the template's text; the
// ones it compiles render the same through their parts.
func TestMessageFallback(t *testing.T) {
	tests := []struct {
		message string
		fast    bool
		want    string
	}{
		{`{{.student.name}}缺勤{{absences 14}}天`, true, "张三缺勤3天"},
		{`{{.student.id}}`, true, "**"},
		{`{{.student.left_behind}}{{.month}}{{.today}}{{.campaign}}`, true, "true32026-03-10march"},
		{`{{absence_rate 60}}|{{printf "%.1f" (absence_rate 60)}}|{{absence_rate 60 | printf "%v"}}`, true, "0.25|0.2|0.25"},
		{`{{print .student.grade (absences 14) "、"}}`, true, "9 3、"},
		{`{{home_teaching_sessions_of 7 .norms.home_teaching_hours_per_session}}`, true, "4"},
		{`{{- .student.name -}} {{/* 注释 */}} 。`, true, "张三 。"},
		{`{{if gt (absences 14) 2}}多{{else}}少{{end}}`, false, "多"},
		{`{{with .student}}{{.name}}{{end}}`, false, "张三"},
		{`{{$n := .student.name}}{{$n}}`, false, "张三"},
		{`{{len .student.name}}`, false, "6"},
		{`{{printf "%d" 7}}`, false, "7"},
		{`{{"字"}}{{3}}`, false, "字3"},
		{`{{.student.name | printf "%s" | len}}`, false, "6"},
		{`{{home_teaching_sessions_of 7 (absences 14)}}`, false, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.message, func(t *testing.T) {
			r := messageRule(tc.message)
			if r == nil {
				t.Fatal("does not load")
			}
			if fast := r.tmpl.fast != nil; fast != tc.fast {
				t.Errorf("compiled to parts: %v, want %v", fast, tc.fast)
			}
			w := newFake()
			w.absences[14], w.rate[60], w.sessionsOf[[2]int{7, 2}] = 3, 0.25, 4
			f := &Facts{Student: student9(), W: w, Today: "2026-03-10", Month: 3, Campaign: "march", Norms: DefaultNorms()}
			if got, err := r.Render(f); got != tc.want || err != nil {
				t.Errorf("Render = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestMessageCutAsTemplate: the parts write in the template's pieces, so
// a message is cut where the template cuts it even when a field's invalid
// UTF-8 joins the next into one character (counted as three while written).
func TestMessageCutAsTemplate(t *testing.T) {
	r := compileOne(t, "true", "{{.student.name}}{{.student.class}}{{.student.village}}")
	if r.tmpl.fast == nil {
		t.Fatal("no parts")
	}
	f := &Facts{Student: Student{Name: "\xe4\xb8", Class: "\xad" + strings.Repeat("x", MaxMessageLength-3), Village: "yy"}}
	want := "中" + strings.Repeat("x", MaxMessageLength-3) + "y…"
	got, tmpl, err, _, fellBack := renderBoth(r, f)
	if got != want || tmpl != want || err != nil || fellBack {
		t.Errorf("Render = %q, %v (fell back: %v)\nwant %q (template %q)", got, err, fellBack, want, tmpl)
	}
}

// TestMessageFailsAsTemplate: a message failing in its parts (a panicking
// Windows) fails through Render with the template's error, placed in the
// rule file.
func TestMessageFailsAsTemplate(t *testing.T) {
	r := compileOne(t, "true", "{{.student.name}}近14天缺勤{{absences 14}}天")
	if r.tmpl.fast == nil {
		t.Fatal("no parts")
	}
	f := &Facts{Student: student9(), W: failingWindows{}}
	got, err := r.Render(f)
	_, want, _, wantErr, fellBack := renderBoth(r, f)
	var re *RunError
	if !fellBack || got != want || wantErr == nil || !errors.As(err, &re) || err.Error() != wantErr.Error() ||
		!strings.Contains(err.Error(), "no attendance") {
		t.Errorf("Render = %q, %v\nwant the template's %v", got, err, wantErr)
	}
}

// FuzzMessageMatchesTemplate: any message that loads and compiles to parts
// renders through them, on random facts, as through text/template, or
// fails as it fails.
func FuzzMessageMatchesTemplate(f *testing.F) {
	set, err := Defaults()
	if err != nil {
		f.Fatal(err)
	}
	for i, r := range set.Rules {
		f.Add(r.Message, uint64(i))
	}
	g := &msgGen{rand.New(rand.NewPCG(1, 1))}
	for i := range 50 {
		f.Add(g.message(), uint64(i))
	}
	f.Fuzz(func(t *testing.T, message string, seed uint64) {
		defer watchdog()()
		if !utf8.ValidString(message) {
			return // YAML files are UTF-8
		}
		r := messageRule(message)
		if r == nil || r.tmpl == nil || r.tmpl.fast == nil {
			return
		}
		rng := rand.New(rand.NewPCG(seed, 4))
		for range 16 {
			f := randomMessageFacts(rng)
			got, want, gotErr, wantErr, fellBack := renderBoth(r, f)
			if got != want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || fellBack != (wantErr != nil) {
				t.Fatalf("message %q\n  on %s\n  parts    %q, %v (fell back: %v)\n  template %q, %v",
					message, factsDump(f), got, gotErr, fellBack, want, wantErr)
			}
		}
	})
}
