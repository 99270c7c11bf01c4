package engine

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

// twoRules are lifecycleRules and a second rule that fires on any absence.
const twoRules = lifecycleRules + `
  - id: any-absence
    name: 近两周有缺勤
    severity: low
    when: absences(14) >= 1
`

// TestRetirements: Retirements counts, by rule, exactly what a writing run
// would retire (the dry run's RetiredByRule): alerts of removed or disabled
// rules, not those of students who left. RetireRules lets a run retire
// those rules' alerts only; another rule's refuse it, named alone.
func TestRetirements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := grade9Absent(t, st)
		s.absent(s.student("S2", "SCH01", 9, "T1"), "absent", "2026-03-09", "2026-03-10")
		s.absent(s.student("S3", "SCH01", 8, "T1"), "absent", "2026-03-10")
		evalAt(t, st, twoRules, "2026-03-10", false)
		s.exec(`UPDATE students SET status = 'dropped' WHERE id = 'S2'`)

		for _, tc := range []struct {
			name, src string
			want      map[string]int
		}{
			{"same rules", twoRules, nil},
			{"one removed", lifecycleRules, map[string]int{"any-absence": 2}},
			{"one disabled", strings.Replace(twoRules, "severity: high\n", "severity: high\n    enabled: false\n", 1), map[string]int{"grade9-absence": 1}},
			{"both gone", "rules:\n  - {id: other, name: x, severity: low, when: absences(7) >= 9}\n", map[string]int{"grade9-absence": 1, "any-absence": 2}},
		} {
			set := compile(t, tc.src)
			got, err := Retirements(ctx, st, set)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("%s: Retirements = %v, want %v", tc.name, got, tc.want)
			}
			res, err := Evaluate(ctx, st, set, Options{At: day(t, "2026-03-11"), DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, res.RetiredByRule) {
				t.Errorf("%s: Retirements = %v, the dry run's RetiredByRule = %v", tc.name, got, res.RetiredByRule)
			}
		}

		gone := compile(t, "rules:\n  - {id: other, name: x, severity: low, when: absences(7) >= 9}\n")
		opt := Options{At: day(t, "2026-03-11"), RetireRules: map[string]bool{"grade9-absence": true}}
		_, err := Evaluate(ctx, st, gone, opt)
		if !errors.Is(err, ErrRetire) || !strings.Contains(err.Error(), "any-absence（已不在规则文件中；2 条未结预警）") ||
			strings.Contains(err.Error(), "grade9-absence") {
			t.Fatalf("a run allowed to retire grade9-absence only: err = %v, want ErrRetire naming any-absence alone", err)
		}
		if n := s.count("alerts", "resolved_at IS NULL"); n != 5 {
			t.Fatalf("the refused run changed the open alerts: %d, want 5", n)
		}
		opt.RetireRules["any-absence"] = true
		res, err := Evaluate(ctx, st, gone, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(res.RetiredByRule, map[string]int{"grade9-absence": 1, "any-absence": 2}) {
			t.Errorf("retired %v", res.RetiredByRule)
		}
		if n := s.count("alerts", "outcome = 'rule_retired'"); n != 3 {
			t.Errorf("alerts retired = %d, want 3", n)
		}
	})
}
