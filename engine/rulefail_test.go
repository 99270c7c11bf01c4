package engine

import (
	"context"
	"strings"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

// failingID is the 学籍号 of the student the failing rules fail on; only
// its masked form may appear in the error.
const failingID, failingMasked = "G500234201101010057", "G500234********0057"

// TestRuleFailingOnOneStudent: a rule that loads but fails at run time on
// one student (here an integer division by zero in `when`, or a message
// comparing a name with a number) fails the whole writing run, loudly,
// with an error placed in the rule file that names the rule and the masked
// student, and leaves nothing written: not the alert another rule raised
// for another student, not the run. No other rule's alerts are silently
// dropped; the run as a whole does not happen. (A VM memory budget
// exceeded takes this same path; the load-time budgets keep loaded rules
// under it, rules.TestWorstCaseWithinMemoryBudget.)
func TestRuleFailingOnOneStudent(t *testing.T) {
	const good = `
rules:
  - id: grade9-absence
    name: 初三学生近两周缺勤两天以上
    severity: high
    when: student.grade == 9 && absences(14) >= 2
    task: {kind: contact_guardian, assign: homeroom, due: 2d}
    message: "{{.student.name}}近14天缺勤{{absences 14}}天"
`
	for _, tc := range []struct{ name, rule, want string }{
		{"when", `
  - id: divides
    name: 按年级取余
    severity: low
    when: absences(14) % (student.grade - 8) == 1
`, "test.yaml:13:24: 规则 divides：学生 " + failingMasked + "：when：runtime error: integer divide by zero"},
		{"message", `
  - id: compares
    name: 名字和数字比较
    severity: low
    when: student.grade == 8
    message: "{{if eq .student.grade 8}}{{lt .student.name 3}}{{end}}"
`, "test.yaml:14:43: 规则 compares：学生 " + failingMasked + "：message：executing \"message\" at <lt .student.name 3>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				s := grade9Absent(t, st) // S1 fires grade9-absence
				s.student(failingID, "SCH01", 8, "T1")
				_, err := Evaluate(context.Background(), st, compile(t, good+tc.rule), Options{At: day(t, "2026-03-10")})
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v\nwant it to contain %q", err, tc.want)
				}
				if strings.Contains(err.Error(), failingID) {
					t.Errorf("the error shows the 学籍号 in full: %v", err)
				}
				for _, tbl := range []string{"alerts", "tasks", "runs", "outbox", "escalations", "pairings"} {
					if n := s.count(tbl, ""); n != 0 {
						t.Errorf("a failed run left %d rows in %s", n, tbl)
					}
				}
				// Without the failing rule the same run writes S1's alert,
				// so the emptiness above is the failure's doing.
				res := evalAt(t, st, good, "2026-03-10", false)
				if len(res.Alerts) != 1 || s.count("alerts", "") != 1 || s.count("runs", "") != 1 {
					t.Fatalf("run without the failing rule: %+v", res.Alerts)
				}
			})
		})
	}
}
