package engine

import (
	"encoding/json"
	"fmt"
	"sort"

	"baoxue/civil"
	"baoxue/store"
)

// Digest is the payload of one outbox notification: what one teacher must
// know from one run. It names students by their opaque key and name, never by
// an identity number; each channel decides what of it may be shown (a group
// chat shows only counts).
type Digest struct {
	Run         int64          `json:"run"`
	At          string         `json:"at"`
	Teacher     string         `json:"teacher"`
	Alerts      []DigestAlert  `json:"alerts,omitempty"`
	Tasks       []DigestTask   `json:"tasks,omitempty"`
	Escalations []DigestEscal  `json:"escalations,omitempty"`
	Pairings    []DigestPaired `json:"pairings,omitempty"`
	// Unreported, for center admins: schools of the center whose
	// attendance is not reported through At.
	Unreported []DigestSchool `json:"unreported,omitempty"`
	// Undelivered, for center admins: notifications to teachers of the
	// center that ended failed or undeliverable since the last run, at
	// most MaxUndeliveredListed; UndeliveredMore counts the rest.
	Undelivered     []DigestUndelivered `json:"undelivered,omitempty"`
	UndeliveredMore int                 `json:"undelivered_more,omitempty"`
}

// DigestSchool is a school whose attendance is not reported: its students
// were evaluated as of ReportedThrough, or ("" ) not at all.
type DigestSchool struct {
	School          string `json:"school"`
	Name            string `json:"name"`
	Students        int    `json:"students"`
	ReportedThrough string `json:"reported_through"`
	Since           string `json:"since"`
	Evaluated       bool   `json:"evaluated"`
}

// DigestAlert is an alert in a digest: new (New; also an alert that opened
// inhibited and is told now, active again), or a reminder after the
// cooldown or of an alert active again after it was inhibited.
type DigestAlert struct {
	Rule       string `json:"rule"`
	RuleName   string `json:"rule_name"`
	Sensitive  bool   `json:"sensitive"`
	Severity   string `json:"severity"`
	StudentKey string `json:"student_key"`
	Name       string `json:"name"`
	School     string `json:"school"`
	Class      string `json:"class"`
	Message    string `json:"message,omitempty"`
	New        bool   `json:"new"`
}

// DigestTask is a task newly assigned to the teacher, or (Updated) an open
// task of theirs that the run gave new reasons: one task per student, kind
// and teacher (SPEC §7), with its due date as the run leaves it (the
// earliest of its reasons').
type DigestTask struct {
	Kind       string `json:"kind"`
	Rule       string `json:"rule"`
	StudentKey string `json:"student_key"`
	Name       string `json:"name"`
	Due        string `json:"due"`
	Updated    bool   `json:"updated,omitempty"`
	// Reasons are the alerts the task follows up that still fire, by the
	// day they opened, then by rule: none for a pairing task.
	Reasons []DigestReason `json:"reasons,omitempty"`
}

// DigestReason is one reason of a task: an alert, by its rule, since when
// it fires; New when it joined the task in this run.
type DigestReason struct {
	Rule      string `json:"rule"`
	RuleName  string `json:"rule_name"`
	Sensitive bool   `json:"sensitive"`
	Severity  string `json:"severity"`
	Since     string `json:"since"`
	New       bool   `json:"new"`
}

// DigestEscal is an overdue task escalated to the teacher.
type DigestEscal struct {
	Task       int64  `json:"task"`
	Level      int    `json:"level"`
	Rule       string `json:"rule"`
	Due        string `json:"due"`
	StudentKey string `json:"student_key"`
	Name       string `json:"name"`
}

// DigestPaired is a student newly paired with the teacher.
type DigestPaired struct {
	StudentKey string `json:"student_key"`
	Name       string `json:"name"`
	Reason     string `json:"reason"`
}

// notifications builds one digest per teacher with something to hear from
// this run, in teacher order, keyed so that a replay writes nothing twice.
func notifications(runID int64, t civil.Day, p *plan, escalated []Escalation) ([]store.OutboxMessage, error) {
	return startNotifications(runID, t, p)(escalated)
}

// startNotifications builds and encodes, in a goroutine of its own, the
// digests of everything in p but the escalations, whose success is known
// only once they are written; the function it returns adds those, encodes
// what they touch and returns what notifications returns. A writing run
// starts it before its writes, so that the encoding (about two seconds for
// a city's first run) is done while the database writes. p must not change
// meanwhile but for the alerts' ids, which a digest does not show.
func startNotifications(runID int64, t civil.Day, p *plan) func(escalated []Escalation) ([]store.OutboxMessage, error) {
	digests := map[string]*Digest{}
	get := func(teacher string) *Digest {
		d, ok := digests[teacher]
		if !ok {
			d = &Digest{Run: runID, At: t.String(), Teacher: teacher}
			digests[teacher] = d
		}
		return d
	}
	// The teachers an escalation may reach are encoded last, once.
	held := map[string]bool{}
	for _, e := range p.escalations {
		for _, to := range e.To {
			held[to] = true
		}
	}
	// As strings, made in the goroutine: copying 150 MB of a city's
	// digests into strings after it was done held the run up.
	payloads := map[string]string{}
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		// A panic here would end the daemon, not the run: make it the
		// run's error, as it was when this ran in the run's goroutine.
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("digests: panic: %v", r)
			}
		}()
		addDigests(p, get)
		for id, d := range digests {
			if held[id] {
				continue
			}
			b, jerr := json.Marshal(d)
			if jerr != nil {
				err = fmt.Errorf("digest for %s: %w", id, jerr)
				return
			}
			payloads[id] = string(b)
		}
	}()
	return func(escalated []Escalation) ([]store.OutboxMessage, error) {
		<-done
		if err != nil {
			return nil, err
		}
		for _, e := range escalated {
			for _, to := range e.To {
				dg := get(to)
				dg.Escalations = append(dg.Escalations, DigestEscal{Task: e.Task, Level: e.Level, Rule: e.Rule, Due: e.Due,
					StudentKey: e.key, Name: e.name})
				delete(payloads, to)
			}
		}
		teachers := make([]string, 0, len(digests))
		for id := range digests {
			teachers = append(teachers, id)
		}
		sort.Strings(teachers)
		out := make([]store.OutboxMessage, 0, len(teachers))
		for _, id := range teachers {
			payload, ok := payloads[id]
			if !ok {
				b, err := json.Marshal(digests[id])
				if err != nil {
					return nil, fmt.Errorf("digest for %s: %w", id, err)
				}
				payload = string(b)
			}
			out = append(out, store.OutboxMessage{DedupKey: fmt.Sprintf("run:%d:teacher:%s", runID, id), RunID: runID,
				Recipient: id, Kind: "digest", Payload: payload})
		}
		return out, nil
	}
}

// addDigests adds to the digests get returns what p tells each teacher:
// alerts, tasks, pairings, schools behind and undelivered notifications.
func addDigests(p *plan, get func(teacher string) *Digest) {
	// By pointer: a copy of a decision would read its alert id, which the
	// run writes meanwhile.
	for i := range p.decisions {
		d := &p.decisions[i]
		if !d.line.Notified {
			continue
		}
		for _, r := range d.line.Recipients {
			dg := get(r)
			dg.Alerts = append(dg.Alerts, DigestAlert{Rule: d.rule.ID, RuleName: d.rule.Name, Sensitive: d.rule.Sensitive,
				Severity: d.line.Severity, StudentKey: d.stu.Key, Name: d.stu.Name, School: d.stu.School,
				Class: d.stu.Class, Message: d.message, New: d.line.New || d.firstNotice})
		}
	}
	// A task once, at its first new reason; pairing tasks after the others.
	for _, pairing := range []bool{false, true} {
		for _, rt := range p.tasks {
			if rt.pairing == pairing {
				dg := get(rt.key.Assignee)
				dg.Tasks = append(dg.Tasks, DigestTask{Kind: rt.key.Kind, Rule: rt.rule, StudentKey: rt.stu.Key,
					Name: rt.stu.Name, Due: rt.due, Updated: rt.id != 0, Reasons: rt.digest})
			}
		}
	}
	keyOf := map[int64]*FiredStudent{}
	for i := range p.decisions {
		keyOf[p.decisions[i].stu.SID] = p.decisions[i].stu
	}
	for _, pr := range p.pairings {
		f := keyOf[pr.sid]
		dg := get(pr.Teacher)
		dg.Pairings = append(dg.Pairings, DigestPaired{StudentKey: f.Key, Name: f.Name, Reason: pr.Reason})
	}
	for _, u := range p.unreported {
		for _, admin := range u.admins {
			dg := get(admin)
			dg.Unreported = append(dg.Unreported, DigestSchool{School: u.School, Name: u.Name, Students: u.Students,
				ReportedThrough: u.ReportedThrough, Since: u.Since, Evaluated: u.Evaluated})
		}
	}
	for _, u := range p.undelivered {
		for _, admin := range u.admins {
			dg := get(admin)
			if len(dg.Undelivered) < MaxUndeliveredListed {
				dg.Undelivered = append(dg.Undelivered, u.DigestUndelivered)
			} else {
				dg.UndeliveredMore++
			}
		}
	}
}
