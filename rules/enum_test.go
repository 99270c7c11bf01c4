package rules

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"baoxue/i18n"
)

// TestClosedFactsAreStringFacts keeps closedValues on the facts: each name
// is a string fact of the environment, so a renamed field cannot leave its
// list checking nothing.
func TestClosedFactsAreStringFacts(t *testing.T) {
	stringFacts := map[string]bool{}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for f := range typ.Fields() {
			tag := f.Tag.Get("expr")
			switch {
			case tag == "" || tag == "-":
			case f.Type.Kind() == reflect.String:
				stringFacts[prefix+tag] = true
			case f.Type.Kind() == reflect.Struct:
				walk(prefix+tag+".", f.Type)
			}
		}
	}
	walk("", reflect.TypeFor[Facts]())
	if !stringFacts["student.status"] || !stringFacts["campaign"] {
		t.Fatalf("the walk found no student.status or campaign: %v", stringFacts)
	}
	for _, name := range ClosedFacts() {
		if !stringFacts[name] {
			t.Errorf("closedValues lists %s, which is not a string fact", name)
		}
		values := FactValues(name)
		if len(values) < 2 || len(slices.Compact(slices.Sorted(slices.Values(values)))) != len(values) {
			t.Errorf("the values of %s are %q: want two or more, each once", name, values)
		}
	}
	// Open facts stay open.
	for _, name := range []string{"student.name", "student.village", "today"} {
		if FactValues(name) != nil {
			t.Errorf("FactValues(%s) is not nil", name)
		}
	}
}

// TestEnumValues compiles conditions that compare a closed fact: the good
// ones load, the bad ones are refused with the allowed values, in Chinese
// by default and in English on request.
func TestEnumValues(t *testing.T) {
	good := []string{
		`student.status == "enrolled"`,
		`"suspended" != student.status`,
		`student.poverty in ["none", "monitored"]`,
		`student.gender not in ["M", ""]`,
		`student.disability_type == "多重" || campaign == ""`,
		`student.stage == student.status`,                  // two facts: not checked
		`student.name == "enroled" && student.class != ""`, // open facts
		`student.status == ("enrol" + "led")`,              // not a constant
	}
	for _, when := range good {
		if _, err := Compile(File{Name: "t.yaml", Data: []byte(ruleWith(when))}); err != nil {
			t.Errorf("when: %s: %v", when, err)
		}
	}
	bad := []struct{ when, zh, en string }{
		{`student.status == "enroled"`,
			`student.status 不会等于 "enroled"：可取 enrolled、suspended（是否应为 "enrolled"？）`,
			`student.status never equals "enroled": it is one of enrolled, suspended (did you mean "enrolled"?)`},
		{`"monitord" != student.poverty`, `student.poverty 不会等于 "monitord"`, `(did you mean "monitored"?)`},
		{`student.gender in ["M", "男"]`, `student.gender 不会等于 "男"：可取 M、F、""`, `student.gender never equals "男": it is one of M, F, ""`},
		{`student.status == "dropped"`, `student.status 不会等于 "dropped"：只评估学籍状态为 enrolled、suspended 的学生`,
			`student.status never equals "dropped": only students whose status is enrolled, suspended are evaluated`},
		{`campaign not in ["autumn"]`, `campaign 不会等于 "autumn"`, `campaign never equals "autumn"`},
	}
	for _, tc := range bad {
		_, err := Compile(File{Name: "t.yaml", Data: []byte(ruleWith(tc.when))})
		if err == nil {
			t.Errorf("when: %s loaded", tc.when)
			continue
		}
		if got := err.Error(); !strings.Contains(got, tc.zh) {
			t.Errorf("when: %s:\n%s\nwant %s", tc.when, got, tc.zh)
		}
		if got := i18n.NewPrinter(i18n.English).Error(err); !strings.Contains(got, tc.en) {
			t.Errorf("when: %s (English):\n%s\nwant %s", tc.when, got, tc.en)
		}
	}
}

// ruleWith is a rule file of one rule with the condition when.
func ruleWith(when string) string {
	return "rules:\n  - id: r\n    name: 规则\n    severity: low\n    when: '" + strings.ReplaceAll(when, "'", "''") + "'\n"
}
