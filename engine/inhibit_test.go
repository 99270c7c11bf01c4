package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

// inhibitRules: specific, which fires for left-behind students absent
// twice, inhibits general, which fires for every student absent twice
// (SPEC §5 `inhibits`). Both have a task; general is told to the homeroom
// teacher, specific to the principal and the homeroom teacher.
const inhibitRules = `
rules:
  - id: general
    name: 一般缺勤
    severity: high
    when: absences(14) >= 2
    cooldown: 7d
    task: {kind: contact_guardian, assign: homeroom, due: 2d}
    message: "一般：{{.student.name}}"
  - id: specific
    name: 留守儿童缺勤
    severity: medium
    when: student.left_behind && absences(14) >= 2
    notify: [homeroom, principal]
    inhibits: [general]
    task: {kind: home_visit, assign: principal, due: 1d}
    message: "具体：{{.student.name}}"
`

// evalMessages evaluates inhibitRules at as `eval --json` does, every
// message rendered.
func evalMessages(t *testing.T, st *store.Store, at string, dry bool) *Result {
	t.Helper()
	return evalRules(t, st, inhibitRules, at, dry)
}

// evalRules evaluates the rules of src at as `eval --json` does, every
// message rendered.
func evalRules(t *testing.T, st *store.Store, src, at string, dry bool) *Result {
	t.Helper()
	res, err := Evaluate(context.Background(), st, compile(t, src), Options{At: day(t, at), DryRun: dry, Messages: true})
	if err != nil {
		t.Fatalf("eval at %s: %v", at, err)
	}
	return res
}

// line returns the alert line of rule for the student, failing when there
// is none.
func line(t *testing.T, res *Result, rule, student string) AlertLine {
	t.Helper()
	for _, a := range res.Alerts {
		if a.Line.Rule == rule && a.Line.Student == student {
			return a.Line
		}
	}
	t.Fatalf("no %s alert for %s in %+v", rule, student, res.Alerts)
	return AlertLine{}
}

// digests returns the digests the run queued, by teacher.
func digests(t *testing.T, st *store.Store, run int64) map[string]Digest {
	t.Helper()
	var rows []struct {
		Recipient string `db:"recipient"`
		Payload   string `db:"payload"`
	}
	if err := st.RawSelect(context.Background(), &rows, `SELECT recipient, payload FROM outbox WHERE run_id = ?`, run); err != nil {
		t.Fatal(err)
	}
	out := map[string]Digest{}
	for _, r := range rows {
		var d Digest
		if err := json.Unmarshal([]byte(r.Payload), &d); err != nil {
			t.Fatal(err)
		}
		out[r.Recipient] = d
	}
	return out
}

// digestRules lists "RULE KEY new|reminder" for each alert of a digest,
// and "task RULE KEY" for each task.
func digestRules(d Digest) []string {
	var out []string
	for _, a := range d.Alerts {
		kind := "reminder"
		if a.New {
			kind = "new"
		}
		out = append(out, a.Rule+" "+a.StudentKey+" "+kind)
	}
	for _, tk := range d.Tasks {
		out = append(out, "task "+tk.Rule+" "+tk.StudentKey)
	}
	return out
}

// jsonLines renders the alert lines of res as `eval --json` prints them,
// and with ended the resolved and retired lines (a dry run has none).
func jsonLines(t *testing.T, res *Result, ended bool) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, a := range res.Alerts {
		if err := enc.Encode(a.Line); err != nil {
			t.Fatal(err)
		}
	}
	if ended {
		for _, l := range append(slices.Clone(res.Resolved), res.Retired...) {
			if err := enc.Encode(l); err != nil {
				t.Fatal(err)
			}
		}
	}
	return b.Bytes()
}

// TestInhibition drives SPEC §7's inhibition rows through writing runs on
// both engines: an inhibited alert is kept and marked, gets no task, is not
// notified and is in no digest; an open alert that becomes inhibited has
// its task closed as "inhibited"; when the inhibitor stops, the alert is
// active again, notified at once, with a new task. A dry run says what the
// writing run then does, and both engines print the same lines.
func TestInhibition(t *testing.T) {
	outputs := map[string][][]byte{}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s.teacher("P1", "SCH01", "C1", "principal")
		// S1 becomes left-behind after its general alert opened; S2 is
		// left-behind from the start; S3 never is.
		for _, id := range []string{"S1", "S2", "S3"} {
			sid := s.student(id, "SCH01", 9, "T1")
			s.absent(sid, "absent", "2026-03-09", "2026-03-10")
		}
		s.exec(`UPDATE students SET left_behind = 2 WHERE id = 'S2'`)
		record := func(res *Result) { outputs[t.Name()] = append(outputs[t.Name()], jsonLines(t, res, true)) }

		// Tuesday: S2's general alert opens inhibited: kept, marked, not
		// notified, no task; S1's and S3's open as usual.
		res := evalAt(t, st, inhibitRules, "2026-03-10", false)
		record(res)
		if a := line(t, res, "general", "S2"); !a.New || a.Notified || a.Task != nil || !slices.Equal(a.InhibitedBy, []string{"specific"}) {
			t.Fatalf("S2 general: %+v, want new, not notified, no task, inhibited by specific", a)
		}
		if a := line(t, res, "general", "S1"); !a.New || !a.Notified || a.Task == nil || a.InhibitedBy != nil {
			t.Fatalf("S1 general: %+v", a)
		}
		if res.New != 3 || res.Inhibited != 1 || res.Ongoing != 0 || res.Notified != 3 || res.TasksCreated != 3 {
			t.Fatalf("counts: new %d inhibited %d ongoing %d notified %d tasks %d; want 3 1 0 3 3",
				res.New, res.Inhibited, res.Ongoing, res.Notified, res.TasksCreated)
		}
		if n := s.count("alerts", "rule = 'general' AND inhibited_by = 'specific' AND notifications = 0 AND last_notified_at = ''"); n != 1 {
			t.Fatalf("the inhibited alert is not stored marked and unnotified (%d rows)", n)
		}
		if n := s.count("tasks", "rule = 'general'"); n != 2 {
			t.Fatalf("general tasks = %d, want 2 (S1, S3)", n)
		}
		if n := s.count("runs", "alerts_new = 3 AND alerts_inhibited = 1"); n != 1 {
			t.Fatalf("the run does not count the inhibited alert apart")
		}
		for teacher, d := range digests(t, st, res.RunID) {
			for _, r := range digestRules(d) {
				if strings.HasPrefix(r, "general kS2") || strings.HasPrefix(r, "task general kS2") {
					t.Errorf("%s's digest tells of the inhibited alert: %v", teacher, digestRules(d))
				}
			}
		}

		// Wednesday: S1 becomes left-behind. A dry run says what the
		// writing run does, line for line.
		s.exec(`UPDATE students SET left_behind = 1 WHERE id = 'S1'`)
		dry := evalMessages(t, st, "2026-03-11", true)
		res = evalMessages(t, st, "2026-03-11", false)
		record(res)
		if got, want := jsonLines(t, res, false), jsonLines(t, dry, false); !bytes.Equal(got, want) {
			t.Errorf("the writing run differs from its dry run:\n%s\nwant\n%s", got, want)
		}
		// S1's open general alert is inhibited: its task closes as
		// inhibited (the principal's home visit replaces it), nothing is
		// sent about it.
		if a := line(t, res, "general", "S1"); a.New || a.Notified || a.Task != nil || !slices.Equal(a.InhibitedBy, []string{"specific"}) {
			t.Fatalf("S1 general on Wednesday: %+v", a)
		}
		if a := line(t, res, "specific", "S1"); !a.New || !a.Notified || a.Task == nil || a.Task.Assignee != "P1" {
			t.Fatalf("S1 specific: %+v", a)
		}
		if n := s.count("tasks", "rule = 'general' AND status = 'closed' AND outcome = 'inhibited'"); n != 1 {
			t.Fatalf("S1's general task did not close as inhibited (%d)", n)
		}
		if n := s.count("alerts", "rule = 'general' AND resolved_at IS NULL"); n != 3 {
			t.Fatalf("open general alerts = %d, want 3: an inhibited alert is kept", n)
		}
		ds := digests(t, st, res.RunID)
		if got := digestRules(ds["T1"]); !slices.Equal(got, []string{"specific kS1 new"}) {
			t.Errorf("T1's digest = %v, want only the specific alert", got)
		}
		if res.Inhibited != 2 || res.New != 1 || res.Ongoing != 2 {
			t.Errorf("counts: inhibited %d new %d ongoing %d; want 2 1 2", res.Inhibited, res.New, res.Ongoing)
		}

		// Thursday: nothing changes; the closed task is not escalated.
		res = evalAt(t, st, inhibitRules, "2026-03-12", false)
		record(res)
		for _, e := range res.Escalations {
			if e.Rule == "general" && e.Student == "S1" {
				t.Errorf("the inhibited alert's task escalated: %+v", e)
			}
		}

		// Friday: neither is left-behind any more. The specific alerts
		// resolve; the general ones are active again: notified at once
		// (S2's for the first time, so as new in the digest) and each
		// given a new task.
		s.exec(`UPDATE students SET left_behind = 0`)
		dry = evalMessages(t, st, "2026-03-13", true)
		res = evalMessages(t, st, "2026-03-13", false)
		record(res)
		if got, want := jsonLines(t, res, false), jsonLines(t, dry, false); !bytes.Equal(got, want) {
			t.Errorf("the writing run differs from its dry run:\n%s\nwant\n%s", got, want)
		}
		for _, id := range []string{"S1", "S2"} {
			a := line(t, res, "general", id)
			if a.New || !a.Notified || a.InhibitedBy != nil || a.Task == nil || a.Task.Assignee != "T1" || a.Task.Due != "2026-03-16" {
				t.Errorf("%s general on Friday: %+v task %+v, want notified with a new task due Monday", id, a, a.Task)
			}
		}
		if len(res.Resolved) != 2 || res.Inhibited != 0 {
			t.Errorf("resolved %+v, inhibited %d", res.Resolved, res.Inhibited)
		}
		if n := s.count("tasks", "rule = 'general' AND status = 'open'"); n != 3 {
			t.Errorf("open general tasks = %d, want 3", n)
		}
		if n := s.count("alerts", "inhibited_by <> '' AND resolved_at IS NULL"); n != 0 {
			t.Errorf("%d open alerts still marked inhibited", n)
		}
		got := digestRules(digests(t, st, res.RunID)["T1"])
		want := []string{"general kS1 reminder", "general kS2 new", "task general kS1", "task general kS2"}
		if !slices.Equal(got, want) {
			t.Errorf("T1's digest = %v, want %v", got, want)
		}
		var alerts []string
		if err := st.StreamAlerts(context.Background(), store.AlertFilter{State: store.AlertsOpen, Rule: "general"}, func(r *store.AlertRow) error {
			alerts = append(alerts, r.StudentKey+" "+r.TaskStatus+" "+r.InhibitedBy)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(alerts)
		if want := []string{"kS1 open ", "kS2 open ", "kS3 open "}; !slices.Equal(alerts, want) {
			t.Errorf("alerts listed = %q, want %q: each with its one current task", alerts, want)
		}

		// Monday: within the cooldown, no reminder and no further task.
		res = evalAt(t, st, inhibitRules, "2026-03-16", false)
		record(res)
		if a := line(t, res, "general", "S2"); a.Notified || res.TasksCreated != 0 {
			t.Errorf("Monday: %+v, %d tasks created", a, res.TasksCreated)
		}
	})
	lite, pg := outputs["TestInhibition/sqlite"], outputs["TestInhibition/postgres"]
	if lite != nil && pg != nil && !slices.EqualFunc(lite, pg, bytes.Equal) {
		t.Errorf("SQLite and PostgreSQL outputs differ:\n%s\n%s", bytes.Join(lite, nil), bytes.Join(pg, nil))
	}
}

// TestInhibitedTaskClosedByTeacher: an alert whose task its teacher
// closed, then inhibited, is notified when active again but asks for its
// task again only once its rule's cooldown has passed since the teacher
// closed it (SPEC §7: the close handled the reason), as if never inhibited.
func TestInhibitedTaskClosedByTeacher(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := grade9Absent(t, st)
		s.teacher("P1", "SCH01", "C1", "principal")
		evalAt(t, st, inhibitRules, "2026-03-10", false)
		s.exec(`UPDATE tasks SET status = 'closed', outcome = 'reached_family', closed_at = '2026-03-10T09:00:00.000000Z'`)
		s.exec(`UPDATE students SET left_behind = 2`)
		res := evalAt(t, st, inhibitRules, "2026-03-11", false)
		if a := line(t, res, "general", "S1"); a.Notified || a.InhibitedBy == nil {
			t.Fatalf("inhibited: %+v", a)
		}
		if n := s.count("tasks", "outcome = 'reached_family'"); n != 1 {
			t.Fatalf("the teacher's outcome was overwritten")
		}
		s.exec(`UPDATE students SET left_behind = 0`)
		res = evalAt(t, st, inhibitRules, "2026-03-12", false)
		a := line(t, res, "general", "S1")
		if !a.Notified || a.Task == nil || a.Task.Due != "2026-03-12" || res.TasksCreated != 0 {
			t.Fatalf("active again: %+v task %+v, %d tasks created; want notified, the closed task, none created",
				a, a.Task, res.TasksCreated)
		}
		if n := s.count("tasks", "rule = 'general'"); n != 1 {
			t.Fatalf("general tasks = %d, want 1", n)
		}
		// Seven days after the close: it asks again.
		res = evalAt(t, st, inhibitRules, "2026-03-17", false)
		if a := line(t, res, "general", "S1"); a.Task == nil || res.TasksCreated != 1 || a.Task.Due != "2026-03-19" {
			t.Fatalf("after the cooldown: %+v task %+v, %d tasks created; want a new task", a, a.Task, res.TasksCreated)
		}
	})
}

// mergedInhibitRules: general and grade9 ask for the same task (the
// homeroom teacher contacts the guardian), so a ninth-grader absent twice
// has one task with both as reasons; specific inhibits general only.
const mergedInhibitRules = `
rules:
  - id: general
    name: 一般缺勤
    severity: high
    when: absences(14) >= 2
    cooldown: 7d
    task: {kind: contact_guardian, assign: homeroom, due: 2d}
  - id: grade9
    name: 初三缺勤
    severity: medium
    when: student.grade == 9 && absences(14) >= 2
    task: {kind: contact_guardian, assign: homeroom, due: 5d}
  - id: specific
    name: 留守儿童缺勤
    severity: medium
    when: student.left_behind && absences(14) >= 2
    inhibits: [general]
    task: {kind: home_visit, assign: principal, due: 1d}
`

// TestInhibitionLeavesMergedTask drives SPEC §7's rows where a task has
// several reasons through writing runs on both engines. When an alert
// becomes inhibited its reason leaves its task: a task left with another
// open reason stays open (its due date as it was, nothing sent about it),
// a task whose only reason it was closes as "inhibited". Active again, the
// alert joins the open task it left (the same reason again, no duplicate)
// or, when that task closed, a new one; the task left open escalates once.
func TestInhibitionLeavesMergedTask(t *testing.T) {
	outputs := map[string][][]byte{}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s.teacher("P1", "SCH01", "C1", "principal")
		// S1 (grade 9): general and grade9, one task. S2 (grade 8): general.
		for _, st := range []struct {
			id    string
			grade int
		}{{"S1", 9}, {"S2", 8}} {
			s.absent(s.student(st.id, "SCH01", st.grade, "T1"), "absent", "2026-03-09", "2026-03-10")
		}
		record := func(res *Result) { outputs[t.Name()] = append(outputs[t.Name()], jsonLines(t, res, true)) }
		taskOf := func(student string) (id int64, due, status, outcome string) {
			t.Helper()
			var row struct {
				ID      int64  `db:"id"`
				Due     string `db:"due"`
				Status  string `db:"status"`
				Outcome string `db:"outcome"`
			}
			if err := st.RawGet(context.Background(), &row, `SELECT t.id, t.due, t.status, t.outcome FROM tasks t
				JOIN students s ON s.sid = t.sid WHERE s.id = ? AND t.kind = 'contact_guardian' ORDER BY t.id LIMIT 1`, student); err != nil {
				t.Fatal(err)
			}
			return row.ID, row.Due, row.Status, row.Outcome
		}
		reasons := func(task int64) []string {
			t.Helper()
			var out []string
			if err := st.StreamTasks(context.Background(), store.TaskFilter{}, func(r *store.TaskRow) error {
				if r.ID == task {
					for _, rs := range r.Reasons {
						out = append(out, rs.Rule+" "+rs.Left)
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}

		// Tuesday: S1's task has both reasons, due as general asks.
		res := evalAt(t, st, mergedInhibitRules, "2026-03-10", false)
		record(res)
		s1Task, due, _, _ := taskOf("S1")
		if res.TasksCreated != 2 || due != "2026-03-12" || !slices.Equal(reasons(s1Task), []string{"general ", "grade9 "}) {
			t.Fatalf("Tuesday: %d tasks created, S1's due %s, reasons %q", res.TasksCreated, due, reasons(s1Task))
		}
		s2Task, _, _, _ := taskOf("S2")

		// Wednesday: both become left-behind; general is inhibited.
		s.exec(`UPDATE students SET left_behind = 1`)
		dry := evalRules(t, st, mergedInhibitRules, "2026-03-11", true)
		res = evalRules(t, st, mergedInhibitRules, "2026-03-11", false)
		record(res)
		if got, want := jsonLines(t, res, false), jsonLines(t, dry, false); !bytes.Equal(got, want) {
			t.Errorf("the writing run differs from its dry run:\n%s\nwant\n%s", got, want)
		}
		if a := line(t, res, "general", "S1"); a.Task != nil || a.Notified {
			t.Errorf("S1 general, inhibited: %+v, want no task, not notified", a)
		}
		if a := line(t, res, "grade9", "S1"); a.Task == nil || a.Task.Due != "2026-03-12" {
			t.Errorf("S1 grade9: %+v task %+v, want its task, due as it was", a, a.Task)
		}
		// S1's task stays open with grade9; general's reason left it.
		if _, due, status, outcome := taskOf("S1"); status != "open" || outcome != "" || due != "2026-03-12" {
			t.Errorf("S1's task: %s %q due %s, want open, due as it was", status, outcome, due)
		}
		if got := reasons(s1Task); !slices.Equal(got, []string{"general 2026-03-11", "grade9 "}) {
			t.Errorf("S1's reasons = %q, want general left on Wednesday", got)
		}
		// S2's task had general only: it closes as inhibited.
		if _, _, status, outcome := taskOf("S2"); status != "closed" || outcome != "inhibited" {
			t.Errorf("S2's task: %s %q, want closed inhibited", status, outcome)
		}
		if got := digestRules(digests(t, st, res.RunID)["T1"]); !slices.Equal(got, []string{"specific kS1 new", "specific kS2 new"}) {
			t.Errorf("T1's digest = %v, want the specific alerts only: nothing about general or the task that lost a reason", got)
		}
		var listed []string
		if err := st.StreamAlerts(context.Background(), store.AlertFilter{State: store.AlertsOpen, Rule: "general"}, func(r *store.AlertRow) error {
			listed = append(listed, r.StudentKey+" "+strconv.FormatInt(r.TaskID, 10))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(listed)
		if want := []string{"kS1 0", "kS2 0"}; !slices.Equal(listed, want) {
			t.Errorf("inhibited alerts listed with tasks %q, want none", listed)
		}

		// Thursday: neither is left-behind. general is active again: S1's
		// joins the task it left (still open), S2's a new task.
		s.exec(`UPDATE students SET left_behind = 0`)
		dry = evalRules(t, st, mergedInhibitRules, "2026-03-12", true)
		res = evalRules(t, st, mergedInhibitRules, "2026-03-12", false)
		record(res)
		if got, want := jsonLines(t, res, false), jsonLines(t, dry, false); !bytes.Equal(got, want) {
			t.Errorf("the writing run differs from its dry run:\n%s\nwant\n%s", got, want)
		}
		if a := line(t, res, "general", "S1"); !a.Notified || a.Task == nil || a.Task.Due != "2026-03-12" {
			t.Errorf("S1 general, active again: %+v task %+v", a, a.Task)
		}
		if res.TasksCreated != 1 || res.TasksGrown != 1 {
			t.Errorf("tasks created %d, grown %d; want 1 (S2), 1 (S1's)", res.TasksCreated, res.TasksGrown)
		}
		if got := reasons(s1Task); !slices.Equal(got, []string{"general ", "grade9 "}) {
			t.Errorf("S1's reasons = %q, want general again, once", got)
		}
		if n := s.count("tasks", "kind = 'contact_guardian' AND status = 'open'"); n != 2 {
			t.Errorf("open contact tasks = %d, want 2", n)
		}
		if n := s.count("tasks", "id = ? AND status = 'open'", s2Task); n != 0 {
			t.Errorf("S2's inhibited task reopened")
		}
		// S1's task is due today: it escalates, once; S2's closed one does not.
		var escalated []int64
		for _, e := range res.Escalations {
			escalated = append(escalated, e.Task)
		}
		if !slices.Equal(escalated, []int64{s1Task}) {
			t.Errorf("escalated tasks %v, want [%d] (S1's, once)", escalated, s1Task)
		}
		if got := digestRules(digests(t, st, res.RunID)["T1"]); !slices.Equal(got,
			[]string{"general kS1 reminder", "general kS2 reminder", "task general kS2", "task general kS1"}) &&
			!slices.Equal(got, []string{"general kS1 reminder", "general kS2 reminder", "task general kS1", "task general kS2"}) {
			t.Errorf("T1's digest = %v", got)
		}
	})
	lite, pg := outputs["TestInhibitionLeavesMergedTask/sqlite"], outputs["TestInhibitionLeavesMergedTask/postgres"]
	if lite != nil && pg != nil && !slices.EqualFunc(lite, pg, bytes.Equal) {
		t.Errorf("SQLite and PostgreSQL outputs differ:\n%s\n%s", bytes.Join(lite, nil), bytes.Join(pg, nil))
	}
}

// TestInhibitorTakesTheHighestSeverity: an alert that inhibits others is
// told, routed and given its task at the highest severity of its own and
// theirs, through a chain of inhibition (SPEC §7), so that a specific rule
// never speaks more softly than the general one it silences. A student the
// inhibitor fires for alone keeps the rule's severity; the inhibited
// alert keeps its own.
func TestInhibitorTakesTheHighestSeverity(t *testing.T) {
	const chain = inhibitRules + `
  - id: narrow
    name: 留守儿童多次缺勤
    severity: low
    when: student.left_behind && absences(14) >= 3
    inhibits: [specific]
    task: {kind: home_visit, assign: principal, due: 1d}
    message: "更具体：{{.student.name}}"
  - id: lone
    name: 留守儿童
    severity: low
    when: student.left_behind
    inhibits: [general]
    message: "留守：{{.student.name}}"
`
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s.teacher("P1", "SCH01", "C1", "principal")
		// S1: general, specific, lone; S2 also narrow (three absences);
		// S3: lone alone (left-behind, never absent).
		for id, days := range map[string][]string{"S1": {"2026-03-09", "2026-03-10"},
			"S2": {"2026-03-06", "2026-03-09", "2026-03-10"}, "S3": nil} {
			sid := s.student(id, "SCH01", 9, "T1")
			if days != nil {
				s.absent(sid, "absent", days...)
			}
		}
		s.exec(`UPDATE students SET left_behind = 1`)
		res := evalAt(t, st, chain, "2026-03-10", false)
		for _, c := range []struct{ rule, student, severity string }{
			{"general", "S1", "high"}, {"specific", "S1", "high"}, {"lone", "S1", "high"},
			{"general", "S2", "high"}, {"specific", "S2", "high"}, {"narrow", "S2", "high"}, {"lone", "S2", "high"},
			{"lone", "S3", "low"},
		} {
			if a := line(t, res, c.rule, c.student); a.Severity != c.severity {
				t.Errorf("%s %s: severity %q, want %q", c.rule, c.student, a.Severity, c.severity)
			}
		}
		if n := s.count("alerts", "rule IN ('specific', 'narrow', 'lone') AND severity = 'high'"); n != 5 {
			t.Errorf("%d inhibiting alerts stored as high, want 5", n)
		}
		if n := s.count("tasks", "kind = 'home_visit' AND severity = 'high'"); n != 2 {
			t.Errorf("%d home visits (S1's for specific, S2's for narrow) are high, want 2", n)
		}
		if n := s.count("alerts", "rule = 'lone' AND severity = 'low'"); n != 1 {
			t.Errorf("%d lone alerts stored as low, want 1 (S3's, which inhibits nothing)", n)
		}
		for teacher, d := range digests(t, st, res.RunID) {
			for _, a := range d.Alerts {
				if want := map[string]string{"kS3": "low"}[a.StudentKey]; want == "" && a.Severity != "high" || want != "" && a.Severity != want {
					t.Errorf("%s's digest tells %s %s as %s", teacher, a.Rule, a.StudentKey, a.Severity)
				}
			}
		}
	})
}

// TestInhibitorRisesWhileOpen: an open alert that comes to inhibit a more
// severe one says so at once: notified whatever its cooldown, its stored
// severity and its open task's raised, its digest at the higher severity;
// the next day, nothing new, it waits for its cooldown again.
func TestInhibitorRisesWhileOpen(t *testing.T) {
	const src = `
rules:
  - id: general
    name: 多次缺勤
    severity: high
    when: absences(14) >= 3
    cooldown: 7d
    task: {kind: contact_guardian, assign: homeroom, due: 2d}
    message: "一般：{{.student.name}}"
  - id: specific
    name: 留守儿童缺勤
    severity: medium
    when: student.left_behind && absences(14) >= 2
    cooldown: 7d
    inhibits: [general]
    task: {kind: home_visit, assign: homeroom, due: 1d}
    message: "具体：{{.student.name}}"
`
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		sid := s.student("S1", "SCH01", 9, "T1")
		s.exec(`UPDATE students SET left_behind = 1`)
		s.absent(sid, "absent", "2026-03-09", "2026-03-10")
		evalAt(t, st, src, "2026-03-10", false)
		if n := s.count("tasks", "kind = 'home_visit' AND severity = 'medium'"); n != 1 {
			t.Fatalf("Tuesday: %d medium home visits, want 1", n)
		}
		// Wednesday: a third absence; general (high) fires, inhibited.
		s.absent(sid, "absent", "2026-03-11")
		res := evalAt(t, st, src, "2026-03-11", false)
		if a := line(t, res, "specific", "S1"); a.Severity != "high" || !a.Notified || a.New {
			t.Fatalf("Wednesday specific: %+v, want high and notified at once", a)
		}
		if a := line(t, res, "general", "S1"); a.Notified || a.InhibitedBy == nil {
			t.Fatalf("Wednesday general: %+v, want inhibited", a)
		}
		if n := s.count("alerts", "rule = 'specific' AND severity = 'high' AND notifications = 2"); n != 1 {
			t.Errorf("the specific alert is not stored high and notified twice")
		}
		if n := s.count("tasks", "kind = 'home_visit' AND severity = 'high'"); n != 1 {
			t.Errorf("the open home visit did not rise to high")
		}
		if n := s.count("tasks", "kind = 'contact_guardian'"); n != 0 {
			t.Errorf("the inhibited alert got a task")
		}
		d := digests(t, st, res.RunID)["T1"]
		if len(d.Alerts) != 1 || d.Alerts[0].Rule != "specific" || d.Alerts[0].Severity != "high" {
			t.Errorf("T1's digest: %+v, want the specific alert at high", d.Alerts)
		}
		// Thursday: nothing new; the cooldown holds again.
		res = evalAt(t, st, src, "2026-03-12", false)
		if a := line(t, res, "specific", "S1"); a.Severity != "high" || a.Notified {
			t.Errorf("Thursday specific: %+v, want high, not notified", a)
		}
	})
}
