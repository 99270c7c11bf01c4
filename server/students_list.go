package server

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"baoxue/store"
)

// studentEntryJSON is one student of GET /api/v1/students: who, the
// highest severity of their open alerts and of the open tasks the caller
// sees, the open alerts' rules (the most severe first) and those tasks.
type studentEntryJSON struct {
	Key        string     `json:"key"`
	Name       string     `json:"name"`
	Grade      int        `json:"grade"`
	Class      string     `json:"class"`
	School     string     `json:"school"`
	SchoolName string     `json:"school_name"`
	Center     string     `json:"center"`
	Severity   string     `json:"severity"`
	Rules      []ruleJSON `json:"rules"`
	OpenTasks  []taskJSON `json:"open_tasks"`
}

// ruleJSON is an open alert of a student as the list of students shows
// it: its rule, since when it fires, and the rules inhibiting it (SPEC §7;
// empty when it is not inhibited). The message is left out: it is on the
// student's page.
type ruleJSON struct {
	Alert       int64    `json:"alert"`
	Rule        string   `json:"rule"`
	RuleName    string   `json:"rule_name"`
	Severity    string   `json:"severity"`
	Since       string   `json:"since"`
	InhibitedBy []string `json:"inhibited_by"`
}

type studentsPage struct {
	Students []studentEntryJSON `json:"students"`
	// NextAfter, when there are more students, is the after= of the next
	// page.
	NextAfter string `json:"next_after,omitempty"`
}

// listStudents answers GET /api/v1/students?limit=N&after=CURSOR: the
// caller's students who have an open alert or an open task the caller
// sees, one entry each, the most urgent first. The read is audited in the
// transaction that makes it.
func (a *API) listStudents(r *http.Request, p *Principal) (int, any, error) {
	q, err := query(r.URL, "limit", "after")
	if err != nil {
		return 0, nil, err
	}
	now, today := a.now()
	f := store.ScopedStudentFilter{Scope: p.scope(), At: today.String()}
	if f.Limit, err = pageLimit(q); err != nil {
		return 0, nil, err
	}
	if s, ok := q["after"]; ok {
		c, ok := decodeStudentCursor(s)
		if !ok {
			return 0, nil, badRequest("api.query.student_after", s)
		}
		f.After = &c
	}
	limit := f.Limit
	f.Limit++ // one more says whether there is a next page
	var ss []store.StudentSummary
	err = a.inTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if ss, err = tx.ScopedStudents(r.Context(), f); err != nil {
			return err
		}
		return tx.AppendAudit(r.Context(), store.Audit{At: now, Actor: p.Actor(), Action: "read", Object: "students",
			Detail: "list " + strconv.Itoa(min(len(ss), limit))})
	})
	if err != nil {
		return 0, nil, err
	}
	page := studentsPage{Students: make([]studentEntryJSON, 0, min(len(ss), limit))}
	if len(ss) > limit {
		ss = ss[:limit]
		page.NextAfter = encodeStudentCursor(ss[limit-1].Cursor())
	}
	for i := range ss {
		page.Students = append(page.Students, a.studentEntryJSON(&ss[i]))
	}
	return http.StatusOK, page, nil
}

func (a *API) studentEntryJSON(s *store.StudentSummary) studentEntryJSON {
	d := &s.Student
	out := studentEntryJSON{Key: d.Key, Name: d.Name, Grade: d.Grade, Class: d.Class, School: d.SchoolID,
		SchoolName: d.SchoolName, Center: d.Center, Severity: s.Severity, Rules: make([]ruleJSON, len(s.Alerts)),
		OpenTasks: make([]taskJSON, len(s.Tasks))}
	for i, al := range s.Alerts {
		out.Rules[i] = ruleJSON{Alert: al.ID, Rule: al.Rule, RuleName: a.opt.RuleName(al.Rule), Severity: al.Severity,
			Since: al.OpenedAt, InhibitedBy: []string{}}
		if al.InhibitedBy != "" {
			out.Rules[i].InhibitedBy = strings.Split(al.InhibitedBy, ",")
		}
	}
	for i := range s.Tasks {
		out.OpenTasks[i] = a.taskJSON(&s.Tasks[i])
	}
	return out
}

// A cursor of the list of students is the place of the last student of a
// page in its order, as a JSON array (rank, school, grade, class, key) in
// base64url: opaque to the caller, and standing on its own, so that a page
// continues where the last ended even when that student's alerts changed
// in between.

func encodeStudentCursor(c store.StudentCursor) string {
	b, _ := json.Marshal([]any{c.Rank, c.School, c.Grade, c.Class, c.Key})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeStudentCursor reads a cursor of encodeStudentCursor; false when s
// is not one.
func decodeStudentCursor(s string) (store.StudentCursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return store.StudentCursor{}, false
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(b, &parts); err != nil || len(parts) != 5 {
		return store.StudentCursor{}, false
	}
	var c store.StudentCursor
	for i, v := range []any{&c.Rank, &c.School, &c.Grade, &c.Class, &c.Key} {
		if err := json.Unmarshal(parts[i], v); err != nil {
			return store.StudentCursor{}, false
		}
	}
	return c, c.Rank >= 0 && c.Key != ""
}
