package rules

import (
	"strings"
	"testing"

	"baoxue/i18n"
)

// TestDefaultYAMLLoads: what `rules show-defaults` prints is one valid rule
// file holding every built-in rule, under a comment in the reader's
// language.
func TestDefaultYAMLLoads(t *testing.T) {
	b, err := DefaultYAML(nil)
	if err != nil {
		t.Fatal(err)
	}
	set, err := Compile(File{Name: "defaults.yaml", Data: b})
	if err != nil {
		t.Fatalf("show-defaults output does not load:\n%v", err)
	}
	want, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rules) != len(want.Rules) {
		t.Fatalf("%d rules, want %d", len(set.Rules), len(want.Rules))
	}
	for i, r := range set.Rules {
		if r.ID != want.Rules[i].ID || r.When != want.Rules[i].When {
			t.Errorf("rule %d: %s %q, want %s %q", i, r.ID, r.When, want.Rules[i].ID, want.Rules[i].When)
		}
	}
	for _, tc := range []struct {
		p    *i18n.Printer
		head string
	}{
		{nil, "# baoxue 内置规则。"},
		{i18n.NewPrinter(i18n.English), "# baoxue's built-in rules. Save this file, edit it, check it with\n# `baoxue rules check FILE`"},
	} {
		b, err := DefaultYAML(tc.p)
		if err != nil {
			t.Fatal(err)
		}
		head, _, _ := strings.Cut(string(b), "\nrules:\n")
		if !strings.HasPrefix(head, tc.head) {
			t.Errorf("show-defaults begins\n%s\nwant\n%s", head, tc.head)
		}
		for _, line := range strings.Split(head, "\n") {
			if !strings.HasPrefix(line, "# ") {
				t.Errorf("header line %q is not a comment", line)
			}
		}
	}
}
