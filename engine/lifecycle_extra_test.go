package engine

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// SPEC §7: `resolved` lines are for writing runs only.
func TestDryRunPrintsNoResolved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		grade9Absent(t, st)
		evalAt(t, st, lifecycleRules, "2026-03-10", false)
		res := evalAt(t, st, lifecycleRules, "2026-03-31", true) // no longer fires
		var b bytes.Buffer
		WriteJSON(&b, res)
		if bytes.Contains(b.Bytes(), []byte(`"type":"resolved"`)) {
			t.Fatalf("dry run printed:\n%s", b.String())
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
		got[string(st.Dialect)] = res.Alerts[0].Task.Assignee
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
		set := compile(t, lifecycleRules)
		inTx, release := make(chan struct{}), make(chan struct{})
		errA, errB := make(chan error, 1), make(chan error, 1)
		go func() {
			_, err := Evaluate(context.Background(), st, set, Options{At: day(t, "2026-03-17"),
				beforeCommit: func() error { close(inTx); <-release; return nil }})
			errA <- err
		}()
		<-inTx
		go func() {
			_, err := Evaluate(context.Background(), st, set, Options{At: day(t, "2026-03-10")})
			errB <- err
		}()
		time.Sleep(300 * time.Millisecond) // B waits on the lock A holds
		select {
		case err := <-errB:
			t.Fatalf("the second run did not wait for the first: %v", err)
		default:
		}
		close(release)
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
