package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

func escalateAt(t *testing.T, st *store.Store, at string) *EscalateResult {
	t.Helper()
	res, err := Escalate(context.Background(), st, Options{At: day(t, at)})
	if err != nil {
		t.Fatalf("escalate at %s: %v", at, err)
	}
	return res
}

// TestEscalateRun: the escalation run escalates an overdue task to the
// principal once it is due and to the center at twice its time, queues a
// digest for each, evaluates no rule, and never escalates a level twice,
// whether the level was reached by itself or by an evaluation; it records
// a run only when it escalated something, and such a run does not make an
// evaluation of an earlier day "earlier than the latest run".
func TestEscalateRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s.teacher("P1", "SCH01", "C1", "principal")
		s.teacher("A1", "", "C1", "center_admin")
		s1 := s.student("S1", "SCH01", 9, "T1")
		s.absent(s1, "absent", "2026-03-09", "2026-03-10")
		evalAt(t, st, lifecycleRules, "2026-03-10", false) // a task for T1, due 2026-03-12
		// A second student's absences would open an alert, were rules
		// evaluated.
		s2 := s.student("S2", "SCH01", 9, "T1")
		s.absent(s2, "absent", "2026-03-10", "2026-03-11")

		if res := escalateAt(t, st, "2026-03-11"); res.RunID != 0 || len(res.Escalations) != 0 || s.count("runs", "") != 1 {
			t.Fatalf("before the due date: %+v, %d runs", res, s.count("runs", ""))
		}

		res := escalateAt(t, st, "2026-03-12")
		if res.RunID == 0 || len(res.Escalations) != 1 || res.Escalations[0].Level != 1 || !slices.Equal(res.Escalations[0].To, []string{"P1"}) || res.Notified != 1 {
			t.Fatalf("on the due date: %+v", res)
		}
		if n := s.count("runs", "kind = 'escalate' AND at_date = '2026-03-12' AND finished_at IS NOT NULL"); n != 1 {
			t.Errorf("escalation runs recorded: %d, want 1", n)
		}
		if n := s.count("outbox", "recipient = 'P1' AND payload LIKE '%\"escalations\"%'"); n != 1 {
			t.Errorf("digests to P1 telling the escalation: %d, want 1", n)
		}
		if n := s.count("alerts", ""); n != 1 {
			t.Errorf("%d alerts: the escalation run evaluated rules", n)
		}
		if n := s.count("tasks", "escalation = 1"); n != 1 {
			t.Errorf("tasks at level 1: %d, want 1", n)
		}

		// Again the same day, and the evening's evaluation: nothing more.
		if res := escalateAt(t, st, "2026-03-12"); res.RunID != 0 || len(res.Escalations) != 0 {
			t.Fatalf("a second escalation run: %+v", res)
		}
		if ev := evalAt(t, st, lifecycleRules, "2026-03-12", false); len(ev.Escalations) != 0 {
			t.Fatalf("the evaluation escalated again: %+v", ev.Escalations)
		}
		if n := s.count("outbox", "recipient = 'P1'"); n != 1 {
			t.Errorf("digests to P1: %d, want 1", n)
		}

		// Twice the time from creation (10 March) to due (12 March): the
		// center's admins.
		res = escalateAt(t, st, "2026-03-14")
		if len(res.Escalations) != 1 || res.Escalations[0].Level != 2 || !slices.Equal(res.Escalations[0].To, []string{"A1"}) {
			t.Fatalf("at twice the time: %+v", res)
		}
		if n := s.count("escalations", ""); n != 2 {
			t.Errorf("%d escalations recorded, want 2", n)
		}
		// An escalation run decides no alert: an evaluation of a day
		// before it is not refused as earlier than the latest run.
		if _, err := Evaluate(context.Background(), st, compile(t, lifecycleRules), Options{At: day(t, "2026-03-13")}); errors.Is(err, ErrEarlierThanLatest) {
			t.Errorf("evaluation of 13 March after the escalation run of the 14th: %v", err)
		}
		for _, e := range evalAt(t, st, lifecycleRules, "2026-03-16", false).Escalations {
			if e.Student == "S1" { // S2's task, due today, escalates
				t.Errorf("the evaluation escalated S1's task again: %+v", e)
			}
		}
	})
}

// TestEscalateRunGapsAndClosed: an escalation that finds no principal goes on up
// and is reported as a gap; a closed task is not escalated.
func TestEscalateRunGapsAndClosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s.teacher("A1", "", "C1", "center_admin")
		s1 := s.student("S1", "SCH01", 9, "T1")
		s.absent(s1, "absent", "2026-03-09", "2026-03-10")
		evalAt(t, st, lifecycleRules, "2026-03-10", false)

		res := escalateAt(t, st, "2026-03-12")
		if len(res.Escalations) != 1 || len(res.Gaps) != 1 || !strings.Contains(res.Gaps[0].Want, "principal") {
			t.Fatalf("no principal: escalations %+v, gaps %+v", res.Escalations, res.Gaps)
		}

		s.exec(`UPDATE tasks SET status = 'closed'`)
		if res := escalateAt(t, st, "2026-03-14"); len(res.Escalations) != 0 || res.RunID != 0 {
			t.Fatalf("a closed task escalated: %+v", res)
		}
	})
}

// TestEscalateRunMergedTask: a task several alerts asked for (SPEC §7: one
// per student, kind and assignee) escalates once per level, however many
// reasons it has, and one digest tells each level.
func TestEscalateRunMergedTask(t *testing.T) {
	const rules = `
rules:
  - id: a-absence
    name: 缺勤甲
    severity: high
    when: absences(14) >= 2
    task: {kind: contact_guardian, assign: homeroom, due: 2d}
  - id: b-absence
    name: 缺勤乙
    severity: medium
    when: absences(14) >= 1
    task: {kind: contact_guardian, assign: homeroom, due: 2d}
`
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s.teacher("P1", "SCH01", "C1", "principal")
		s.teacher("A1", "", "C1", "center_admin")
		s.absent(s.student("S1", "SCH01", 9, "T1"), "absent", "2026-03-09", "2026-03-10")
		if res := evalAt(t, st, rules, "2026-03-10", false); res.TasksCreated != 1 || len(res.Alerts) != 2 {
			t.Fatalf("%d tasks for %d alerts, want 1 for 2", res.TasksCreated, len(res.Alerts))
		}
		if n := s.count("task_reasons", ""); n != 2 {
			t.Fatalf("%d reasons, want 2", n)
		}
		for _, c := range []struct {
			at    string
			level int
		}{{"2026-03-12", 1}, {"2026-03-14", 2}} {
			res := escalateAt(t, st, c.at)
			if len(res.Escalations) != 1 || res.Escalations[0].Level != c.level || res.Notified != 1 {
				t.Fatalf("at %s: %+v, want one escalation to level %d, one digest", c.at, res, c.level)
			}
			if again := escalateAt(t, st, c.at); len(again.Escalations) != 0 {
				t.Fatalf("at %s again: %+v", c.at, again)
			}
		}
		if n := s.count("escalations", ""); n != 2 {
			t.Errorf("%d escalations recorded, want 2 (one per level)", n)
		}
		if n := s.count("outbox", "payload LIKE '%\"escalations\"%'"); n != 2 {
			t.Errorf("%d digests tell an escalation, want 2", n)
		}
	})
}
