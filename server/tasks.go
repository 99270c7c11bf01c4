package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"baoxue/report"
	"baoxue/store"
)

// Outcomes are what a teacher reports when closing a task (SPEC §8), in
// the order the SPEC lists them. None is an outcome a run writes
// (resolved, rule_retired, student_<status>, inhibited, merged), so a
// task's outcome always tells who closed it. other needs a note saying what happened.
var outcomes = []string{
	"reached_family",     // 已联系上家长（监护人），了解了情况
	"home_visited",       // 已家访
	"student_returned",   // 学生已返校上课
	"absence_excused",    // 缺勤有正当理由（病假、事假）
	"counselled",         // 已谈心、心理疏导
	"paired",             // 已开始一对一帮扶
	"plan_made",          // 已制定返校方案（一人一案）
	"home_taught",        // 已送教上门
	"studying_elsewhere", // 核实在外地就读
	"moved_away",         // 已随家庭迁出
	"other",              // 其他（须在 note 中写明）
}

// Outcomes returns the outcomes a teacher may close a task with. The slice
// is a fresh copy.
func Outcomes() []string { return slices.Clone(outcomes) }

// List bounds: a page of tasks has limit tasks, DefaultLimit unless asked,
// never more than MaxLimit.
const (
	DefaultLimit = 500
	MaxLimit     = 5000
)

// taskJSON is a task as the API shows it.
type taskJSON struct {
	ID           int64  `json:"id"`
	Alert        int64  `json:"alert"`
	Kind         string `json:"kind"`
	StudentKey   string `json:"student_key"`
	StudentName  string `json:"student_name"`
	Grade        int    `json:"grade"`
	Class        string `json:"class"`
	School       string `json:"school"`
	SchoolName   string `json:"school_name"`
	Rule         string `json:"rule"`
	RuleName     string `json:"rule_name"`
	Due          string `json:"due"`
	Status       string `json:"status"`
	Overdue      bool   `json:"overdue"`
	Escalation   int    `json:"escalation"`
	Created      string `json:"created"`
	Closed       string `json:"closed"`
	Outcome      string `json:"outcome"`
	ClosedBy     string `json:"closed_by"`
	CloseNote    string `json:"close_note"`
	Assignee     string `json:"assignee"`
	AssigneeName string `json:"assignee_name"`
	// Severity is the highest of its reasons'; Reasons the alerts it
	// follows up (SPEC §7: one task per student, kind and assignee).
	Severity string       `json:"severity"`
	Reasons  []reasonJSON `json:"reasons"`
}

// reasonJSON is one reason of a task: the alert, its rule, since when it
// fires, how it ended ("" while it fires), and left, the day its reason
// left the task because the alert was inhibited ("" when it did not). The
// alert's message is left out: it may name the student in full.
type reasonJSON struct {
	Alert    int64  `json:"alert"`
	Rule     string `json:"rule"`
	RuleName string `json:"rule_name"`
	Severity string `json:"severity"`
	Since    string `json:"since"`
	Ended    string `json:"ended"`
	Outcome  string `json:"outcome"`
	Left     string `json:"left"`
}

func (a *API) taskJSON(t *store.TaskRow) taskJSON {
	out := taskJSON{ID: t.ID, Alert: t.AlertID, Kind: t.Kind, StudentKey: t.StudentKey, StudentName: t.StudentName,
		Grade: t.Grade, Class: t.Class, School: t.SchoolID, SchoolName: t.SchoolName, Rule: t.Rule,
		RuleName: a.opt.RuleName(t.Rule), Due: t.Due, Status: t.Status, Overdue: t.Overdue, Escalation: t.Escalation,
		Created: t.CreatedAt, Closed: t.ClosedAt, Outcome: t.Outcome, ClosedBy: t.ClosedBy,
		CloseNote: report.ScrubIdentityNumbers(t.CloseNote), Assignee: t.Assignee, AssigneeName: t.AssigneeName,
		Severity: t.Severity, Reasons: make([]reasonJSON, len(t.Reasons))}
	for i, r := range t.Reasons {
		out.Reasons[i] = reasonJSON{Alert: r.AlertID, Rule: r.Rule, RuleName: a.opt.RuleName(r.Rule), Severity: r.Severity,
			Since: r.Since, Ended: r.Ended, Outcome: r.Outcome, Left: r.Left}
	}
	return out
}

// pageLimit is the limit= of a list's query: DefaultLimit when absent,
// refused unless 1 to MaxLimit.
func pageLimit(q map[string]string) (int, error) {
	s, ok := q["limit"]
	if !ok {
		return DefaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxLimit {
		return 0, badRequest("api.query.limit", s, MaxLimit)
	}
	return n, nil
}

type tasksPage struct {
	Tasks []taskJSON `json:"tasks"`
	// NextAfter, when there are more tasks, is the after= of the next page.
	NextAfter int64 `json:"next_after,omitempty"`
}

// listTasks answers GET /api/v1/tasks?status=open|overdue|closed|all
// &limit=N&after=ID: the caller's tasks, the most urgent first.
func (a *API) listTasks(r *http.Request, p *Principal) (int, any, error) {
	q, err := query(r.URL, "status", "limit", "after")
	if err != nil {
		return 0, nil, err
	}
	_, today := a.now()
	f := store.ScopedTaskFilter{Scope: p.scope(), At: today.String()}
	switch q["status"] {
	case "", "open":
		f.State = store.TasksOpen
	case "overdue":
		f.State = store.TasksOverdue
	case "closed":
		f.State = store.TasksClosed
	case "all":
		f.State = store.TasksAny
	default:
		return 0, nil, badRequest("api.query.status", q["status"])
	}
	if f.Limit, err = pageLimit(q); err != nil {
		return 0, nil, err
	}
	if s, ok := q["after"]; ok {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return 0, nil, badRequest("api.query.after", s)
		}
		t, ok, err := a.st.ScopedTask(r.Context(), f.Scope, id, f.At)
		if err != nil {
			return 0, nil, err
		}
		if !ok {
			return 0, nil, badRequest("api.query.after_missing", s)
		}
		f.After = &store.TaskCursor{Due: t.Due, ID: t.ID}
	}
	limit := f.Limit
	f.Limit++ // one more says whether there is a next page
	ts, err := a.st.ScopedTasks(r.Context(), f)
	if err != nil {
		return 0, nil, err
	}
	page := tasksPage{Tasks: make([]taskJSON, 0, min(len(ts), limit))}
	if len(ts) > limit {
		ts = ts[:limit]
		page.NextAfter = ts[limit-1].ID
	}
	for i := range ts {
		page.Tasks = append(page.Tasks, a.taskJSON(&ts[i]))
	}
	return http.StatusOK, page, nil
}

// query returns the parameters of u, each given at most once and each one
// of names; anything else is 400.
func query(u *url.URL, names ...string) (map[string]string, error) {
	vs, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, badRequest("api.query.bad")
	}
	q := map[string]string{}
	for k, v := range vs {
		if !slices.Contains(names, k) {
			return nil, badRequest("api.query.unknown", k, strings.Join(names, ", "))
		}
		if len(v) > 1 {
			return nil, badRequest("api.query.repeated", k)
		}
		q[k] = v[0]
	}
	return q, nil
}

// taskID is the {id} of the path; false when it is not a task's number,
// which is answered as a task that does not exist.
func taskID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// ackTask answers POST /api/v1/tasks/{id}/ack (no body, or {}): an open
// task is acknowledged; one acknowledged already is left as it is; a
// closed one is 409.
func (a *API) ackTask(r *http.Request, p *Principal) (int, any, error) {
	var body struct{}
	if err := decode(r, &body, true); err != nil {
		return 0, nil, err
	}
	return a.changeTask(r, p, "ack", func(tx *store.Tx, id int64, now string) (bool, error) {
		return tx.AckTask(r.Context(), id, now)
	})
}

type closeBody struct {
	Outcome string `json:"outcome"`
	Note    string `json:"note"`
}

// closeTask answers POST /api/v1/tasks/{id}/close {"outcome","note"}: the
// task, open or acknowledged, closes with the outcome; a closed one is
// 409.
func (a *API) closeTask(r *http.Request, p *Principal) (int, any, error) {
	var body closeBody
	if err := decode(r, &body, false); err != nil {
		return 0, nil, err
	}
	outcome := strings.TrimSpace(body.Outcome)
	switch {
	case outcome == "":
		return 0, nil, badRequest("api.field.required", "outcome")
	case !slices.Contains(outcomes, outcome):
		return 0, nil, badRequest("api.field.outcome", outcome, strings.Join(outcomes, ", "))
	}
	note, err := text("note", body.Note, maxText)
	if err != nil {
		return 0, nil, err
	}
	if outcome == "other" && note == "" {
		return 0, nil, badRequest("api.field.note_required")
	}
	by := p.Teacher.ID
	if p.Admin {
		by = p.Actor()
	}
	return a.changeTask(r, p, "close "+outcome, func(tx *store.Tx, id int64, now string) (bool, error) {
		return tx.CloseTask(r.Context(), id, store.TaskClosing{Outcome: outcome, Note: note, By: by, At: now})
	})
}

// changeTask applies change to the task of the path, within the caller's
// scope (404 outside it), audited as what in the same transaction, and
// answers the task as it is then. change reports false when the task was
// not in the state it changes (another request came first): a closed task
// is 409, any other is answered as it stands.
func (a *API) changeTask(r *http.Request, p *Principal, what string,
	change func(tx *store.Tx, id int64, now string) (bool, error)) (int, any, error) {
	ctx := r.Context()
	id, ok := taskID(r)
	if !ok {
		return 0, nil, notFound("api.task.not_found", r.PathValue("id"))
	}
	now, today := a.now()
	sc, at, stamp := p.scope(), today.String(), store.FormatTime(now)
	var out store.TaskRow
	err := a.inTx(ctx, func(tx *store.Tx) error {
		t, ok, err := tx.ScopedTask(ctx, sc, id, at)
		switch {
		case err != nil:
			return err
		case !ok:
			return notFound("api.task.not_found", strconv.FormatInt(id, 10))
		case t.Status == "closed":
			return conflict("api.task.closed", strconv.FormatInt(id, 10), a.localTime(t.ClosedAt), t.Outcome)
		}
		changed, err := change(tx, id, stamp)
		if err != nil {
			return err
		}
		if changed {
			if err := tx.AppendAudit(ctx, store.Audit{At: now, Actor: p.Actor(), Action: "change",
				Object: "task:" + strconv.FormatInt(id, 10), Detail: what}); err != nil {
				return err
			}
		}
		if out, _, err = tx.ScopedTask(ctx, sc, id, at); err != nil {
			return err
		}
		if !changed && out.Status == "closed" {
			return conflict("api.task.closed", strconv.FormatInt(id, 10), a.localTime(out.ClosedAt), out.Outcome)
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, struct {
		Task taskJSON `json:"task"`
	}{a.taskJSON(&out)}, nil
}
