package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/rules"
	"baoxue/store"
	"baoxue/store/storetest"
)

// oneAbsentStudent seeds school SCH01 (attendance reported every day of
// March), homeroom teacher T1 and student S1 absent on 03-09 and 03-10,
// and serves the API with a token for T1.
func oneAbsentStudent(t *testing.T, st *store.Store) *district {
	t.Helper()
	d := &district{t: t, st: st, tokens: map[string]string{}, ids: map[string]int64{}}
	d.school("SCH01", "C1")
	for day := 1; day <= 31; day++ {
		d.exec(`INSERT INTO attendance_reports (school_id, date, source) VALUES ('SCH01', ?, 'reports')`,
			civil.FromDate(2026, 3, day).String())
	}
	d.teacher("T1", "SCH01", "", "teacher")
	sid := d.student("S1", "SCH01", "T1", "")
	d.exec(`INSERT INTO attendance (sid, date, status) VALUES (?, '2026-03-09', 'absent'), (?, '2026-03-10', 'absent')`, sid, sid)
	d.serve("T1")
	return d
}

func evaluate(t *testing.T, st *store.Store, src, at string) *engine.Result {
	t.Helper()
	set, err := rules.Compile(rules.File{Name: "test.yaml", Data: []byte(src)})
	if err != nil {
		t.Fatal(err)
	}
	day, err := civil.ParseDay(at)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Evaluate(context.Background(), st, set, engine.Options{At: day})
	if err != nil {
		t.Fatalf("evaluate at %s: %v", at, err)
	}
	return res
}

const absenceRule = `
rules:
  - id: absence
    name: 近期缺勤
    severity: high
    when: absences(14) >= 2
    cooldown: 1d
    task: {kind: contact_guardian, assign: homeroom, due: 2d}
`

// TestClosedTaskWhileAlertFires: a task a teacher closes while its alert
// still fires stays closed with the teacher's outcome: the next run makes
// no second task and reopens nothing, and reminds as the cooldown says;
// the alert stays open until the rule stops firing, and then resolves
// without overwriting the teacher's outcome (SPEC §7, §8).
func TestClosedTaskWhileAlertFires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := oneAbsentStudent(t, st)
		evaluate(t, st, absenceRule, "2026-03-10")
		if n := d.count("tasks", "status = 'open'"); n != 1 {
			t.Fatalf("open tasks after the first run: %d", n)
		}
		if a := d.as("T1", http.MethodPost, "/api/v1/tasks/1/close", `{"outcome":"reached_family","note":"家长说周五返校"}`); a.status != http.StatusOK {
			t.Fatalf("close: %d %s", a.status, a.raw)
		}
		res := evaluate(t, st, absenceRule, "2026-03-11")
		if len(res.Alerts) != 1 || res.Alerts[0].Line.New || !res.Alerts[0].Line.Notified {
			t.Fatalf("the next run: %+v, want the open alert, reminded", res.Alerts)
		}
		if n := d.count("tasks", ""); n != 1 {
			t.Errorf("tasks = %d, want 1: a closed task is not duplicated while its alert fires", n)
		}
		if n := d.count("tasks", "status = 'closed' AND outcome = 'reached_family' AND closed_by = 'T1'"); n != 1 {
			t.Errorf("the teacher's close did not stay")
		}
		if n := d.count("alerts", "resolved_at IS NULL"); n != 1 {
			t.Errorf("open alerts = %d, want 1: closing the task does not resolve the alert", n)
		}
		// The absences leave the window: the alert resolves; the task
		// keeps the teacher's outcome.
		res = evaluate(t, st, absenceRule, "2026-03-24")
		if len(res.Resolved) != 1 || d.count("alerts", "resolved_at IS NULL") != 0 {
			t.Fatalf("resolved: %+v", res.Resolved)
		}
		if n := d.count("tasks", "status = 'closed' AND outcome = 'reached_family'"); n != 1 {
			t.Errorf("the alert's resolution overwrote the teacher's outcome")
		}
	})
}

// TestContactFeedsTheRules: a contact recorded through the API is counted
// by contacts(n) at the next run: the alert that waited for it resolves.
func TestContactFeedsTheRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := oneAbsentStudent(t, st)
		const src = `
rules:
  - id: no-contact
    name: 缺勤未联系
    severity: high
    when: absences(14) >= 2 && contacts(14) == 0
`
		if res := evaluate(t, st, src, "2026-03-10"); len(res.Alerts) != 1 {
			t.Fatalf("first run: %+v", res.Alerts)
		}
		if a := d.as("T1", http.MethodPost, "/api/v1/contacts", `{"student_key":"kS1","channel":"phone","outcome":"已联系"}`); a.status != http.StatusCreated {
			t.Fatalf("contact: %d %s", a.status, a.raw)
		}
		res := evaluate(t, st, src, "2026-03-11")
		if len(res.Alerts) != 0 || len(res.Resolved) != 1 {
			t.Fatalf("after the contact: alerts %+v, resolved %+v", res.Alerts, res.Resolved)
		}
	})
}

// twoRulesOneTask: both rules ask the homeroom teacher to contact the
// guardian, so a student both fire for has one task with two reasons.
const twoRulesOneTask = `
rules:
  - id: absence
    name: 近期缺勤
    severity: high
    when: absences(14) >= 2
    cooldown: 7d
    task: {kind: contact_guardian, assign: homeroom, due: 2d}
  - id: any-absence
    name: 有缺勤
    severity: medium
    when: absences(14) >= 1
    cooldown: 7d
    task: {kind: contact_guardian, assign: homeroom, due: 3d}
`

// TestCloseMergedTask: a task with two reasons is listed with both; a
// teacher's close handles both (SPEC §7): no run makes a task for either
// before the rules' cooldown has passed since the close, and then one
// task again, with both reasons.
func TestCloseMergedTask(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := oneAbsentStudent(t, st)
		if res := evaluate(t, st, twoRulesOneTask, "2026-03-10"); res.TasksCreated != 1 || len(res.Alerts) != 2 {
			t.Fatalf("first run: %d tasks for %d alerts", res.TasksCreated, len(res.Alerts))
		}
		a := d.as("T1", http.MethodGet, "/api/v1/tasks", "")
		for _, want := range []string{`"severity":"high"`, `"reasons":[{"alert":1,"rule":"absence","rule_name":"近期缺勤","severity":"high","since":"2026-03-10","ended":"","outcome":"","left":""},{"alert":2,"rule":"any-absence"`} {
			if a.status != http.StatusOK || !strings.Contains(a.raw, want) {
				t.Fatalf("list: %d %s, want %s", a.status, a.raw, want)
			}
		}
		if a := d.as("T1", http.MethodPost, "/api/v1/tasks/1/close", `{"outcome":"reached_family"}`); a.status != http.StatusOK ||
			!strings.Contains(a.raw, `"any-absence"`) {
			t.Fatalf("close: %d %s", a.status, a.raw)
		}
		res := evaluate(t, st, twoRulesOneTask, "2026-03-12")
		if res.TasksCreated != 0 || res.TasksGrown != 0 || d.count("tasks", "status = 'open'") != 0 {
			t.Fatalf("within the cooldown: %d created, %d grown: the close handled both reasons", res.TasksCreated, res.TasksGrown)
		}
		res = evaluate(t, st, twoRulesOneTask, "2026-03-18")
		if res.TasksCreated != 1 || d.count("tasks", "status = 'open'") != 1 || d.count("task_reasons", "task_id = 2") != 2 {
			t.Fatalf("after the cooldown: %d created; want one task with both reasons", res.TasksCreated)
		}
	})
}
