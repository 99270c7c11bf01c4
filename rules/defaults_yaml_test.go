package rules

import "testing"

// TestDefaultYAMLLoads: what `rules show-defaults` prints is one valid rule
// file holding every built-in rule.
func TestDefaultYAMLLoads(t *testing.T) {
	b, err := DefaultYAML()
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
}
