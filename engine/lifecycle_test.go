package engine

import (
	"context"
	"errors"
	"slices"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

const lifecycleRules = `
rules:
  - id: grade9-absence
    name: 初三学生近两周缺勤两天以上
    severity: high
    when: student.grade == 9 && absences(14) >= 2
    cooldown: 7d
    task: {kind: contact_guardian, assign: homeroom, due: 2d}
    message: "{{.student.name}}近14天缺勤{{absences 14}}天"
`

func evalAt(t *testing.T, st *store.Store, src, at string, dry bool) *Result {
	t.Helper()
	res, err := Evaluate(context.Background(), st, compile(t, src), Options{At: day(t, at), DryRun: dry})
	if err != nil {
		t.Fatalf("eval at %s: %v", at, err)
	}
	return res
}

// oneAlert returns the only alert of res, failing the test when there is not
// exactly one.
func oneAlert(t *testing.T, res *Result) AlertLine {
	t.Helper()
	if len(res.Alerts) != 1 {
		t.Fatalf("alerts = %+v, want exactly one", res.Alerts)
	}
	return res.Alerts[0].Line
}

func TestLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s.teacher("P1", "SCH01", "C1", "principal")
		s.teacher("A1", "", "C1", "center_admin")
		s1 := s.student("S1", "SCH01", 9, "T1")
		s.student("S2", "SCH01", 9, "T1")
		s.absent(s1, "absent", "2026-03-09", "2026-03-10") // Monday, Tuesday

		// A dry run says what would happen and writes nothing.
		res := evalAt(t, st, lifecycleRules, "2026-03-10", true)
		if len(res.Alerts) != 1 || !res.Alerts[0].Line.New || !res.Alerts[0].Line.Notified || res.Alerts[0].Line.Student != "S1" {
			t.Fatalf("dry run alerts = %+v, want one new notified alert for S1", res.Alerts)
		}
		for _, tbl := range []string{"alerts", "tasks", "runs", "outbox", "pairings"} {
			if n := s.count(tbl, ""); n != 0 {
				t.Errorf("dry run wrote %d rows to %s", n, tbl)
			}
		}

		// Fires, no open alert: opens, notified, one task, one digest.
		res = evalAt(t, st, lifecycleRules, "2026-03-10", false)
		a := oneAlert(t, res)
		if !a.New || !a.Notified || a.Task == nil || a.Task.Assignee != "T1" || a.Task.Due != "2026-03-12" {
			t.Fatalf("first run: %+v task %+v", a, a.Task)
		}
		if n := s.count("tasks", "status = 'open'"); n != 1 {
			t.Fatalf("open tasks = %d, want 1", n)
		}
		if n := s.count("outbox", "recipient = 'T1'"); n != 1 {
			t.Fatalf("outbox rows for T1 = %d, want 1", n)
		}
		if n := s.count("alerts", "message = '学生S1近14天缺勤2天'"); n != 1 {
			t.Fatalf("the new alert's message was not stored")
		}

		// Fires again within the cooldown: nothing new, nothing sent.
		res = evalAt(t, st, lifecycleRules, "2026-03-11", false)
		if a := oneAlert(t, res); a.New || a.Notified || a.Task == nil || a.Task.Due != "2026-03-12" {
			t.Fatalf("second run: %+v", a)
		}
		if n := s.count("tasks", ""); n != 1 {
			t.Fatalf("tasks after second run = %d, want 1", n)
		}
		if n := s.count("outbox", ""); n != 1 {
			t.Fatalf("outbox after second run = %d, want 1", n)
		}

		// Cooldown elapsed (7 days later, still absent within 14 days): a
		// reminder, no second task; the task is overdue and escalates to the
		// principal, and (twice its due time) to the center, once each.
		res = evalAt(t, st, lifecycleRules, "2026-03-17", false)
		if a := oneAlert(t, res); a.New || !a.Notified {
			t.Fatalf("after cooldown: %+v", a)
		}
		if n := s.count("tasks", ""); n != 1 {
			t.Fatalf("tasks after cooldown = %d, want 1", n)
		}
		if n := s.count("outbox", "recipient = 'T1' AND payload LIKE '%学生S1近14天缺勤2天%'"); n != 2 {
			t.Fatalf("the reminder's digest lacks the message (%d digests with it, want 2)", n)
		}
		if len(res.Escalations) != 2 || !slices.Equal(res.Escalations[0].To, []string{"P1"}) || !slices.Equal(res.Escalations[1].To, []string{"A1"}) {
			t.Fatalf("escalations = %+v, want level 1 to P1 and level 2 to A1", res.Escalations)
		}
		res = evalAt(t, st, lifecycleRules, "2026-03-18", false)
		if len(res.Escalations) != 0 || s.count("escalations", "") != 2 {
			t.Fatalf("escalations repeated: %+v", res.Escalations)
		}

		// The data changes: the absences leave the window; the alert resolves
		// and its task closes as resolved.
		res = evalAt(t, st, lifecycleRules, "2026-03-24", false)
		if len(res.Alerts) != 0 || len(res.Resolved) != 1 || res.Resolved[0].Student != "S1" {
			t.Fatalf("resolve: alerts %+v resolved %+v", res.Alerts, res.Resolved)
		}
		if n := s.count("tasks", "status = 'closed' AND outcome = 'resolved'"); n != 1 {
			t.Fatalf("closed tasks = %d, want 1", n)
		}

		// Fires again after it resolved: a new alert and a new task.
		s.absent(s1, "sick", "2026-03-25", "2026-03-26")
		res = evalAt(t, st, lifecycleRules, "2026-03-26", false)
		if a := oneAlert(t, res); !a.New || !a.Notified {
			t.Fatalf("refire: %+v", a)
		}
		if n := s.count("tasks", ""); n != 2 {
			t.Fatalf("tasks after refire = %d, want 2", n)
		}
		if n := s.count("alerts", ""); n != 2 {
			t.Fatalf("alerts after refire = %d, want 2", n)
		}
		if n := s.count("runs", ""); n != 6 {
			t.Fatalf("runs = %d, want 6", n)
		}

		// A writing run earlier than the latest is refused, unless forced.
		_, err := Evaluate(context.Background(), st, compile(t, lifecycleRules), Options{At: day(t, "2026-03-20")})
		if !errors.Is(err, ErrEarlierThanLatest) {
			t.Fatalf("earlier run: err = %v, want ErrEarlierThanLatest", err)
		}
		if _, err := Evaluate(context.Background(), st, compile(t, lifecycleRules), Options{At: day(t, "2026-03-20"), Force: true}); err != nil {
			t.Fatalf("forced earlier run: %v", err)
		}
	})
}

func TestClosedTaskNoNewTaskUntilResolved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := grade9Absent(t, st)
		evalAt(t, st, lifecycleRules, "2026-03-10", false)
		s.exec(`UPDATE tasks SET status = 'closed', outcome = 'reached_family'`)
		res := evalAt(t, st, lifecycleRules, "2026-03-17", false)
		if a := oneAlert(t, res); a.New || !a.Notified {
			t.Fatalf("reminder expected: %+v", a)
		}
		if n := s.count("tasks", ""); n != 1 {
			t.Fatalf("tasks = %d, want 1: a closed task is not recreated while the alert fires", n)
		}
	})
}

func TestFailedRunLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := grade9Absent(t, st)
		boom := errors.New("crash before commit")
		_, err := Evaluate(context.Background(), st, compile(t, lifecycleRules), Options{
			At: day(t, "2026-03-10"), beforeCommit: func() error { return boom }})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want the injected crash", err)
		}
		for _, tbl := range []string{"alerts", "tasks", "runs", "outbox", "escalations", "pairings"} {
			if n := s.count(tbl, ""); n != 0 {
				t.Errorf("a failed run left %d rows in %s", n, tbl)
			}
		}
		// The next run does it all, once.
		res := evalAt(t, st, lifecycleRules, "2026-03-10", false)
		if !oneAlert(t, res).New || s.count("alerts", "") != 1 || s.count("outbox", "") != 1 {
			t.Fatalf("run after crash: %+v", res.Alerts)
		}
	})
}

const pairRules = `
rules:
  - id: left-behind
    name: 留守儿童缺勤
    severity: medium
    when: student.left_behind && absences(14) >= 1
    pair: true
    notify: [pairing]
`

func TestPairing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s.teacher("T2", "SCH01", "C1", "teacher")
		s.teacher("T3", "SCH01", "C1", "teacher")
		// S0 already has T3: kept, and counts toward T3's load.
		s0 := s.student("S0", "SCH01", 5, "T1", "left_behind", "1", "pairing_teacher_id", "T3")
		s.absent(s0, "absent", "2026-03-10")
		ids := []string{"S1", "S2", "S3", "S4", "S5", "S6", "S7"}
		for _, id := range ids {
			sid := s.student(id, "SCH01", 5, "T1", "left_behind", "2")
			s.absent(sid, "absent", "2026-03-10")
		}
		res, err := Evaluate(context.Background(), st, compile(t, pairRules), Options{At: day(t, "2026-03-10"), PairingCap: 2})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, p := range res.Pairings {
			got[p.Student] = p.Teacher
		}
		// Homeroom T1 first up to the cap (S1, S2), then the least loaded:
		// T2 (0) for S3, T2 and T3 at 1 -> T2 for S4, then T3 for S5; all
		// at the cap: least loaded then smallest id for S6, S7.
		want := map[string]string{"S1": "T1", "S2": "T1", "S3": "T2", "S4": "T2", "S5": "T3", "S6": "T1", "S7": "T2"}
		for id, tch := range want {
			if got[id] != tch {
				t.Errorf("pairing of %s = %q, want %q (all: %v)", id, got[id], tch, got)
			}
		}
		if _, ok := got["S0"]; ok {
			t.Errorf("S0 already had a pairing teacher and was reassigned")
		}
		if n := s.count("students", "pairing_teacher_id <> ''"); n != 8 {
			t.Errorf("paired students = %d, want 8", n)
		}
		if n := s.count("tasks", "kind = 'pairing'"); n != 7 {
			t.Errorf("pairing tasks = %d, want 7", n)
		}
		// notify: [pairing] goes to the newly assigned teacher.
		for _, a := range res.Alerts {
			if a.Line.Student == "S3" && (len(a.Line.Recipients) != 1 || a.Line.Recipients[0] != "T2") {
				t.Errorf("S3 recipients = %v, want [T2]", a.Line.Recipients)
			}
		}
		// A second run assigns nobody again.
		res = evalAt(t, st, pairRules, "2026-03-11", false)
		if len(res.Pairings) != 0 {
			t.Errorf("second run reassigned: %+v", res.Pairings)
		}
	})
}

func TestRecipientFallbacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("P1", "SCH01", "C1", "principal")
		s.teacher("A1", "", "C1", "center_admin")
		s1 := s.student("S1", "SCH01", 9, "") // no homeroom teacher
		s.absent(s1, "absent", "2026-03-09", "2026-03-10")
		res := evalAt(t, st, `
rules:
  - id: r
    name: r
    severity: high
    when: absences(14) >= 2
    notify: [homeroom, center]
`, "2026-03-10", true)
		a := oneAlert(t, res)
		if len(a.Recipients) != 2 || a.Recipients[0] != "A1" || a.Recipients[1] != "P1" {
			t.Fatalf("recipients = %v, want [A1 P1]", a.Recipients)
		}
		if len(res.Gaps) != 1 || res.Gaps[0].Want != "homeroom" || res.Gaps[0].Got != "principal" {
			t.Fatalf("gaps = %+v", res.Gaps)
		}
	})
}
