package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

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

// twoContactRules ask the homeroom teacher to contact the guardian for two
// reasons that resolve apart: two absences in 14 days, and one in the last
// three days.
const twoContactRules = `
rules:
  - id: absent-twice
    name: 近两周缺勤两天
    severity: high
    when: absences(14) >= 2
    cooldown: 7d
    task: {kind: contact_guardian, assign: homeroom, due: 2d}
    message: "{{.student.name}}近14天缺勤{{absences 14}}天"
  - id: absent-lately
    name: 近三天缺勤
    severity: medium
    when: absences(3) >= 1
    cooldown: 7d
    task: {kind: contact_guardian, assign: homeroom, due: 3d}
`

// tasksOf returns the tasks of the database as "id status outcome due
// severity: rule(ended) rule(ended)", in id order.
func tasksOf(t *testing.T, st *store.Store) []string {
	t.Helper()
	var got []string
	if err := st.StreamTasks(context.Background(), store.TaskFilter{}, func(r *store.TaskRow) error {
		line := fmt.Sprintf("%d %s %s %s %s:", r.ID, r.Status, r.Outcome, r.Due, r.Severity)
		for _, rs := range r.Reasons {
			line += " " + rs.Rule
			if rs.Ended != "" {
				line += "(" + rs.Ended + ")"
			}
		}
		got = append(got, line)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	return got
}

// TestTwoRulesOneTask: two rules asking for contact_guardian for one
// student make one task with two reasons; one resolves, the task stays;
// both resolve, it closes. Closed by a teacher while both still fire, no
// new task comes before the rules' cooldown has passed since the day it
// was closed (in the installation's time zone); then one, with both
// reasons.
func TestTwoRulesOneTask(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s1 := s.student("S1", "SCH01", 7, "T1")
		s.absent(s1, "absent", "2026-03-09", "2026-03-10") // Monday, Tuesday
		run := func(at string) *Result {
			t.Helper()
			res, err := Evaluate(context.Background(), st, compile(t, twoContactRules), Options{At: day(t, at), Zone: shanghai})
			if err != nil {
				t.Fatalf("eval at %s: %v", at, err)
			}
			return res
		}
		want := func(when string, tasks ...string) {
			t.Helper()
			if got := tasksOf(t, st); !slices.Equal(got, tasks) {
				t.Fatalf("%s: tasks\n  %q\nwant\n  %q", when, got, tasks)
			}
		}

		res := run("2026-03-10")
		want("both fire", "1 open  2026-03-12 high: absent-lately absent-twice")
		if res.TasksCreated != 1 || res.Reasons != 2 || len(res.Alerts) != 2 {
			t.Fatalf("created %d tasks for %d reasons of %d alerts, want 1 for 2 of 2", res.TasksCreated, res.Reasons, len(res.Alerts))
		}
		for _, a := range res.Alerts {
			if a.Line.Task == nil || *a.Line.Task != (TaskLine{Kind: "contact_guardian", Assignee: "T1", Due: "2026-03-12"}) {
				t.Errorf("%s: task %+v, want the one task", a.Line.Rule, a.Line.Task)
			}
		}
		var payload string
		if err := st.RawGet(context.Background(), &payload, `SELECT payload FROM outbox WHERE recipient = 'T1'`); err != nil {
			t.Fatal(err)
		}
		var dg Digest
		if err := json.Unmarshal([]byte(payload), &dg); err != nil {
			t.Fatal(err)
		}
		if len(dg.Alerts) != 2 || len(dg.Tasks) != 1 || len(dg.Tasks[0].Reasons) != 2 || dg.Tasks[0].Due != "2026-03-12" {
			t.Fatalf("digest: %d alerts, tasks %+v; want 2 alerts, one task with 2 reasons", len(dg.Alerts), dg.Tasks)
		}

		run("2026-03-16") // Monday: nothing in the last three days
		want("one resolves", "1 open  2026-03-12 high: absent-lately(2026-03-16) absent-twice")
		run("2026-03-24") // both absences out of the 14 days
		want("both resolve", "1 closed resolved 2026-03-12 high: absent-lately(2026-03-16) absent-twice(2026-03-24)")

		// Absent again: both fire, a new task; a teacher closes it on
		// Friday 03-27 at 04:00 in Shanghai (still Thursday in UTC).
		s.absent(s1, "absent", "2026-03-25", "2026-03-26", "2026-03-30", "2026-03-31", "2026-04-02")
		run("2026-03-26")
		s.exec(`UPDATE tasks SET status = 'closed', outcome = 'reached_family', closed_at = '2026-03-26T20:00:00.000000Z' WHERE id = 2`)
		closed := "2 closed reached_family 2026-03-30 high: absent-lately absent-twice"
		for _, at := range []string{"2026-03-31", "2026-04-02"} {
			res := run(at)
			want("closed by a teacher, at "+at, "1 closed resolved 2026-03-12 high: absent-lately(2026-03-16) absent-twice(2026-03-24)", closed)
			if len(res.Alerts) != 2 || res.TasksCreated != 0 {
				t.Fatalf("at %s: %d alerts, %d tasks created; want 2 still firing, no task", at, len(res.Alerts), res.TasksCreated)
			}
		}
		res = run("2026-04-03") // seven days after the day it was closed
		want("a cooldown after the close", "1 closed resolved 2026-03-12 high: absent-lately(2026-03-16) absent-twice(2026-03-24)",
			closed, "3 open  2026-04-06 high: absent-lately absent-twice")
		if res.TasksCreated != 1 || res.New != 0 {
			t.Fatalf("a cooldown after the close: %d tasks created, %d new alerts; want 1, 0", res.TasksCreated, res.New)
		}
		if n := s.count("task_reasons", "since = '2026-03-26' AND added_at = '2026-04-03'"); n != 2 {
			t.Errorf("reasons of the new task since the alerts opened: %d, want 2", n)
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
		// Students who left count toward nobody's load; K1, of a school
		// that has not reported (not evaluated), counts toward T2's. D1
		// leaves after the facts are built: its stored facts row, stale,
		// must not count.
		s.student("D1", "SCH01", 5, "T1", "pairing_teacher_id", "T3")
		s.student("D2", "SCH01", 5, "T1", "status", "dropped", "pairing_teacher_id", "T3")
		s.unreportedSchool("SCH02", "C1")
		s.student("K1", "SCH02", 5, "", "pairing_teacher_id", "T2")
		ids := []string{"S1", "S2", "S3", "S4", "S5", "S6", "S7"}
		for _, id := range ids {
			sid := s.student(id, "SCH01", 5, "T1", "left_behind", "2")
			s.absent(sid, "absent", "2026-03-10")
		}
		// Most loads are counted from stored facts, D1's row is stale. A
		// dry run reads the stale row as it is; a writing run rebuilds
		// the stale facts first.
		if _, err := st.RebuildFacts(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		s.exec(`UPDATE students SET status = 'transferred' WHERE id = 'D1'`)
		var res *Result
		for _, dry := range []bool{true, false} {
			var err error
			res, err = Evaluate(context.Background(), st, compile(t, pairRules), Options{At: day(t, "2026-03-10"), PairingCap: 2, DryRun: dry})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, p := range res.Pairings {
				got[p.Student] = p.Teacher
			}
			// Homeroom T1 first up to the cap (S1, S2), then the least
			// loaded: T2 and T3 at 1 -> T2 (smaller id) for S3, T3 for
			// S4; all at the cap: least loaded then smallest id for S5,
			// S6, S7.
			want := map[string]string{"S1": "T1", "S2": "T1", "S3": "T2", "S4": "T3", "S5": "T1", "S6": "T2", "S7": "T3"}
			for id, tch := range want {
				if got[id] != tch {
					t.Errorf("dry run %v: pairing of %s = %q, want %q (all: %v)", dry, id, got[id], tch, got)
				}
			}
			if res.NotEvaluated != 1 {
				t.Errorf("dry run %v: students not evaluated = %d, want 1 (K1)", dry, res.NotEvaluated)
			}
			if _, ok := got["S0"]; ok {
				t.Errorf("dry run %v: S0 already had a pairing teacher and was reassigned", dry)
			}
		}
		if n := s.count("students", "pairing_teacher_id <> ''"); n != 11 {
			t.Errorf("paired students = %d, want 11", n)
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

// TestReasonJoinsOpenTask: an alert asking for a task the student already
// has open (same kind, same teacher) joins it in a later run: the task's
// due date moves to the earlier, its severity to the higher, and the
// teacher's digest lists it once, as an open task with a new reason.
func TestReasonJoinsOpenTask(t *testing.T) {
	src := strings.Replace(twoContactRules, "assign: homeroom, due: 3d}", "assign: homeroom, due: 7d}", 1)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s1 := s.student("S1", "SCH01", 7, "T1")
		s.absent(s1, "absent", "2026-03-09")
		if res := evalAt(t, st, src, "2026-03-09", false); res.TasksCreated != 1 {
			t.Fatalf("first run: %d tasks created, want 1", res.TasksCreated)
		}
		if got := tasksOf(t, st); !slices.Equal(got, []string{"1 open  2026-03-16 medium: absent-lately"}) {
			t.Fatalf("first run: %q", got)
		}
		s.absent(s1, "absent", "2026-03-10")
		res := evalAt(t, st, src, "2026-03-10", false)
		if res.TasksCreated != 0 || res.TasksGrown != 1 || res.Merged != 1 {
			t.Fatalf("second run: %d created, %d grown, %d merged; want 0, 1, 1", res.TasksCreated, res.TasksGrown, res.Merged)
		}
		if got := tasksOf(t, st); !slices.Equal(got, []string{"1 open  2026-03-12 high: absent-lately absent-twice"}) {
			t.Fatalf("second run: %q", got)
		}
		var payload string
		if err := st.RawGet(context.Background(), &payload, `SELECT payload FROM outbox WHERE recipient = 'T1' AND run_id = 2`); err != nil {
			t.Fatal(err)
		}
		var dg Digest
		if err := json.Unmarshal([]byte(payload), &dg); err != nil {
			t.Fatal(err)
		}
		want := []DigestTask{{Kind: "contact_guardian", Rule: "absent-twice", StudentKey: "kS1", Name: "学生S1", Due: "2026-03-12",
			Updated: true, Reasons: []DigestReason{
				{Rule: "absent-lately", RuleName: "近三天缺勤", Severity: "medium", Since: "2026-03-09"},
				{Rule: "absent-twice", RuleName: "近两周缺勤两天", Severity: "high", Since: "2026-03-10", New: true}}}}
		if !reflect.DeepEqual(dg.Tasks, want) {
			t.Fatalf("digest tasks:\n%+v\nwant\n%+v", dg.Tasks, want)
		}
	})
}
