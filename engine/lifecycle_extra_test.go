package engine

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/i18n"
	"baoxue/store"
	"baoxue/store/storetest"
)

// SPEC §7: `resolved` lines are for writing runs only: a dry run's result
// has none for `eval --json` to print, and counts them in WouldResolve.
func TestDryRunPrintsNoResolved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		grade9Absent(t, st)
		evalAt(t, st, lifecycleRules, "2026-03-10", false)
		res := evalAt(t, st, lifecycleRules, "2026-03-31", true) // no longer fires
		if len(res.Resolved) != 0 || len(res.Retired) != 0 || res.WouldResolve != 1 {
			t.Fatalf("dry run: resolved %+v, retired %+v, would resolve %d; want none, none, 1", res.Resolved, res.Retired, res.WouldResolve)
		}
	})
}

const principalTask = `
rules:
  - id: r
    name: r
    severity: high
    when: absences(14) >= 2
    task: {kind: verify, assign: principal, due: 2d}
`

// The assignee of a principal task must not depend on the database's collation.
func TestAssigneeIndependentOfCollation(t *testing.T) {
	got := map[string]string{}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		if st.Dialect == store.Postgres { // as in a cluster initialised with an en_US locale
			s.exec(`ALTER TABLE teachers ALTER COLUMN id TYPE TEXT COLLATE "en-US-x-icu"`)
		}
		s.school("SCH01", "C1")
		s.teacher("p2", "SCH01", "C1", "principal")
		s.teacher("P3", "SCH01", "C1", "principal")
		s1 := s.student("S1", "SCH01", 9, "")
		s.absent(s1, "absent", "2026-03-09", "2026-03-10")
		res := evalAt(t, st, principalTask, "2026-03-10", true)
		a := oneAlert(t, res)
		if a.Task == nil {
			t.Fatalf("alert %+v has no task", a)
		}
		got[string(st.Dialect)] = a.Task.Assignee
	})
	if _, ok := got["postgres"]; ok && got["sqlite"] != got["postgres"] {
		t.Fatalf("assignee: sqlite %q, postgres %q", got["sqlite"], got["postgres"])
	}
}

// Writing runs queue on the data lock: a run that starts while another holds
// it waits, and then sees what the first committed.
func TestWritingRunsQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.student("S1", "SCH01", 9, "")
		set := compile(t, lifecycleRules)
		// The store reports a wait only while BeginBulk is blocked: A
		// commits once B is seen waiting for the lock A holds.
		waiting := make(chan struct{})
		var once sync.Once
		st.SetLockWait(store.LockWait{Waiting: func(store.Holder) { once.Do(func() { close(waiting) }) }})
		inTx := make(chan struct{})
		errA, errB := make(chan error, 1), make(chan error, 1)
		go func() {
			_, err := Evaluate(context.Background(), st, set, Options{At: day(t, "2026-03-17"),
				beforeCommit: func() error {
					close(inTx)
					select {
					case <-waiting:
						return nil
					case <-time.After(time.Minute):
						return errors.New("the second run never waited for the first")
					}
				}})
			errA <- err
		}()
		<-inTx
		go func() {
			_, err := Evaluate(context.Background(), st, set, Options{At: day(t, "2026-03-10")})
			errB <- err
		}()
		if err := <-errA; err != nil {
			t.Fatal(err)
		}
		if err := <-errB; !errors.Is(err, ErrEarlierThanLatest) {
			t.Fatalf("a run at 2026-03-10 after one at 2026-03-17 committed: err = %v", err)
		}
	})
}

// A student who leaves (here: drops out) is no longer evaluated: the alert
// resolves, but the task closes as "student_dropped", not as solved.
func TestStudentWhoLeftClosesTasksAsSuch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := grade9Absent(t, st)
		s.student("S2", "SCH01", 9, "T1")
		evalAt(t, st, lifecycleRules, "2026-03-10", false)
		s.exec(`UPDATE students SET status = 'dropped' WHERE id = 'S1'`)
		res := evalAt(t, st, lifecycleRules, "2026-03-11", false)
		if len(res.Resolved) != 1 {
			t.Fatalf("resolved = %+v", res.Resolved)
		}
		if n := s.count("tasks", "status = 'closed' AND outcome = 'student_dropped'"); n != 1 {
			t.Fatalf("tasks closed as student_dropped = %d, want 1", n)
		}
	})
}

// A rule that is removed or disabled does not "resolve" its alerts: a
// writing run refuses without Retire, naming the rule and count; with it the
// alerts retire and their tasks close as rule_retired, never as resolved.
func TestRemovedRuleRetiresNotResolves(t *testing.T) {
	other := `
rules:
  - id: other-rule
    name: 其他
    severity: low
    when: absences(14) >= 10
`
	disabled := lifecycleRules + "    enabled: false\n"
	for name, src := range map[string]string{"no longer in the rule files": other, "disabled": disabled} {
		zh := map[string]string{"no longer in the rule files": "已不在规则文件中", "disabled": "已停用"}[name]
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				s := grade9Absent(t, st)
				evalAt(t, st, lifecycleRules, "2026-03-10", false)
				set := compile(t, src)
				opt := Options{At: day(t, "2026-03-11")}
				_, err := Evaluate(context.Background(), st, set, opt)
				if !errors.Is(err, ErrRetire) || !strings.Contains(err.Error(), "grade9-absence（"+zh+"；1 条未结预警）") || !strings.Contains(err.Error(), "--retire") {
					t.Fatalf("err = %v, want ErrRetire naming grade9-absence and --retire", err)
				}
				if en := i18n.NewPrinter(i18n.English).Error(err); !strings.Contains(en, "grade9-absence ("+name+"; 1 open alert)") ||
					!strings.Contains(en, "Run with --retire") {
					t.Fatalf("in English: %s", en)
				}
				if n := s.count("alerts", "resolved_at IS NULL"); n != 1 || s.count("runs", "") != 1 {
					t.Fatalf("a refused run changed something: %d open alerts, %d runs", n, s.count("runs", ""))
				}
				opt.DryRun = true
				res, err := Evaluate(context.Background(), st, set, opt)
				if err != nil {
					t.Fatalf("dry run: %v", err)
				}
				if res.RetiredByRule["grade9-absence"] != 1 || len(res.Retired) != 0 {
					t.Fatalf("dry run: err %v, retired by rule %v, lines %v", err, res.RetiredByRule, res.Retired)
				}
				opt.DryRun, opt.Retire = false, true
				res, err = Evaluate(context.Background(), st, set, opt)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Resolved) != 0 || len(res.Retired) != 1 || res.Retired[0].Type != "retired" || res.Retired[0].Rule != "grade9-absence" {
					t.Fatalf("resolved %+v, retired %+v", res.Resolved, res.Retired)
				}
				if n := s.count("alerts", "outcome = 'rule_retired' AND resolved_at IS NOT NULL"); n != 1 {
					t.Errorf("alerts retired = %d, want 1", n)
				}
				if n := s.count("tasks", "status = 'closed' AND outcome = 'rule_retired'"); n != 1 {
					t.Errorf("tasks closed as rule_retired = %d, want 1", n)
				}
				if n := s.count("runs", "alerts_retired = 1 AND alerts_resolved = 0"); n != 1 {
					t.Errorf("run records with 1 retired = %d, want 1", n)
				}
			})
		})
	}
}

// A student who left and whose rule was removed too closes as a student who
// left: a dropout must not read as a retired rule, nor need --retire.
func TestLeftStudentOfRemovedRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := grade9Absent(t, st)
		s.student("S2", "SCH01", 9, "T1")
		evalAt(t, st, lifecycleRules, "2026-03-10", false)
		s.exec(`UPDATE students SET status = 'dropped' WHERE id = 'S1'`)
		res, err := Evaluate(context.Background(), st, compile(t, "rules:\n  - {id: other, name: x, severity: low, when: absences(7) >= 9}\n"),
			Options{At: day(t, "2026-03-11")})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Retired) != 0 || len(res.Resolved) != 1 {
			t.Fatalf("retired %+v, resolved %+v", res.Retired, res.Resolved)
		}
		if n := s.count("tasks", "outcome = 'student_dropped'"); n != 1 {
			t.Errorf("tasks closed as student_dropped = %d, want 1", n)
		}
	})
}
