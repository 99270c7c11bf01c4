package engine

import (
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

// TestRunCountsStudents: a run counts the students at risk (one child,
// however many rules fire for them, inhibited ones included) and those of
// them with no open alert before the run, and records both with the run;
// a dry run counts the same.
func TestRunCountsStudents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s.teacher("P1", "SCH01", "C1", "principal")
		for _, id := range []string{"S1", "S2", "S3"} {
			sid := s.student(id, "SCH01", 9, "T1")
			s.absent(sid, "absent", "2026-03-09", "2026-03-10")
		}
		s4 := s.student("S4", "SCH01", 9, "T1")
		s.exec(`UPDATE students SET left_behind = 1 WHERE id = 'S2'`)
		// S2 fires general (inhibited) and specific: three students, four
		// alerts.
		res := evalAt(t, st, inhibitRules, "2026-03-10", false)
		if res.AtRisk != 3 || res.NewAtRisk != 3 || len(res.Alerts) != 4 {
			t.Fatalf("first run: at risk %d, new %d, alerts %d; want 3, 3, 4", res.AtRisk, res.NewAtRisk, len(res.Alerts))
		}
		// S4 is absent twice by Wednesday; the others still fire.
		s.absent(s4, "absent", "2026-03-10", "2026-03-11")
		dry := evalAt(t, st, inhibitRules, "2026-03-11", true)
		res = evalAt(t, st, inhibitRules, "2026-03-11", false)
		for _, r := range []*Result{dry, res} {
			if r.AtRisk != 4 || r.NewAtRisk != 1 {
				t.Errorf("second run (dry %v): at risk %d, new %d; want 4, 1", r.DryRun, r.AtRisk, r.NewAtRisk)
			}
		}
		if n := s.count("runs", "students_at_risk = 3 AND students_new = 3"); n != 1 {
			t.Errorf("the first run's student counts are not recorded")
		}
		if n := s.count("runs", "students_at_risk = 4 AND students_new = 1"); n != 1 {
			t.Errorf("the second run's student counts are not recorded")
		}
	})
}
