package rules

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"baoxue/inputerr"
)

// TestInhibitedBy: Compile records, on each rule, the rules that list it in
// their `inhibits`, sorted, across files, disabled inhibitors included (a
// disabled rule runs in no run, so it inhibits nothing: the engine asks
// what fired).
func TestInhibitedBy(t *testing.T) {
	set, err := Load("testdata/inhibits.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string][]string{
		"general":       {"more-specific", "off", "specific"},
		"specific":      {"more-specific"},
		"more-specific": nil,
		"march-check":   {"daily", "spring"},
		"empty":         nil,
	} {
		if got := set.Rule(id).InhibitedBy(); !slices.Equal(got, want) {
			t.Errorf("%s.InhibitedBy() = %v, want %v", id, got, want)
		}
	}
	if got := set.Rule("more-specific").Inhibits; !slices.Equal(got, []string{"specific", "general"}) {
		t.Errorf("Inhibits = %v, want as written", got)
	}

	// Across files: b.yaml's rule inhibits a.yaml's.
	set, err = Compile(
		File{Name: "a.yaml", Data: []byte("rules:\n  - {id: general, name: 一般, severity: low, when: absences(14) >= 1}\n")},
		File{Name: "b.yaml", Data: []byte("rules:\n  - {id: specific, name: 具体, severity: high, when: absences(14) >= 2, inhibits: [general]}\n")})
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Rule("general").InhibitedBy(); !slices.Equal(got, []string{"specific"}) {
		t.Errorf("across files: InhibitedBy() = %v", got)
	}
}

// TestInhibitsRefusedByCompile: every loader (rules check, eval, the
// daemon, rules test, the defaults) compiles through Compile, which
// refuses an unknown id, a rule naming itself and a cycle, each at the
// entry, naming the rule.
func TestInhibitsRefusedByCompile(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		// (The rule's own id is not suggested: it cannot inhibit itself.)
		{"unknown", "rules:\n  - {id: a, name: a, severity: low, when: absences(14) >= 1, inhibits: [b]}\n",
			`x.yaml:2:73: 规则 a：inhibits：没有 id 为 "b" 的规则` + "\n"},
		{"itself", "rules:\n  - {id: a, name: a, severity: low, when: absences(14) >= 1, inhibits: [a]}\n",
			"x.yaml:2:73: 规则 a：inhibits：规则不能抑制自己"},
		{"cycle", "rules:\n  - {id: a, name: a, severity: low, when: absences(14) >= 1, inhibits: [b]}\n" +
			"  - {id: b, name: b, severity: low, when: absences(14) >= 1, inhibits: [a]}\n",
			"x.yaml:2:73: 规则 a：inhibits：规则互相抑制，形成环（a → b → a）"},
		{"cycle through a chain", "rules:\n" +
			"  - {id: a, name: a, severity: low, when: absences(14) >= 1, inhibits: [b]}\n" +
			"  - {id: b, name: b, severity: low, when: absences(14) >= 1, inhibits: [c, d]}\n" +
			"  - {id: c, name: c, severity: low, when: absences(14) >= 1}\n" +
			"  - {id: d, name: d, severity: low, when: absences(14) >= 1, inhibits: [b]}\n",
			"x.yaml:3:76: 规则 b：inhibits：规则互相抑制，形成环（b → d → b）"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := Compile(File{Name: "x.yaml", Data: []byte(tc.src)})
			var errs inputerr.List
			if !errors.As(err, &errs) || set != nil {
				t.Fatalf("Compile = %v, %v; want errors", set, err)
			}
			// A want ending in a line break is the whole message.
			if len(errs) != 1 || !strings.HasPrefix(errs[0].Error()+"\n", tc.want) {
				t.Errorf("errors:\n%v\nwant one starting %q", err, tc.want)
			}
		})
	}
}

// TestDefaultInhibitions: the built-in rules let the notice's specific
// signal speak instead of the general one (SPEC §5).
func TestDefaultInhibitions(t *testing.T) {
	set, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	special := []string{"disabled-absence", "hardship-absence", "left-behind-absence", "migrant-absence",
		"orphan-absence", "poverty-absence", "returned-dropout-absence", "returning-absence"}
	for id, want := range map[string][]string{
		"unexcused-streak": {"suspected-dropout"},
		"repeated-absence": special,
		"grade9-absence":   special,
	} {
		if got := set.Rule(id).InhibitedBy(); !slices.Equal(got, want) {
			t.Errorf("%s.InhibitedBy() = %v, want %v", id, got, want)
		}
	}
	for _, r := range set.Rules {
		switch r.ID {
		case "unexcused-streak", "repeated-absence", "grade9-absence":
		default:
			if len(r.InhibitedBy()) > 0 {
				t.Errorf("%s is inhibited by %v", r.ID, r.InhibitedBy())
			}
		}
	}
}
