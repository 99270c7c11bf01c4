package server

import (
	"context"
	"net/http"
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
