package report

import (
	"sort"
	"strings"

	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/rules"
)

// digestStudent is one student of a digest: the alerts told about them,
// most severe first, and their tasks in the digest. A person reads one
// entry per student, not one per rule that fires (SPEC §8).
type digestStudent struct {
	key, name, class string
	alerts           []engine.DigestAlert
	tasks            []engine.DigestTask
	// anyNew is whether one of the alerts is new: the student is listed
	// with the new alerts, else with the reminders.
	anyNew bool
}

// worst is the student's highest severity.
func (s *digestStudent) worst() string { return s.alerts[0].Severity }

// digestStudents groups a digest's alerts by student, in the order of the
// highest severity, then of the digest; each student's alerts most severe
// first, then in the digest's order. Tasks of a student with an alert go
// under the student; the other tasks (a pairing's, one whose alert is not
// told this run) are returned apart, in the digest's order.
func digestStudents(d *engine.Digest) (students []*digestStudent, rest []engine.DigestTask) {
	byKey := map[string]*digestStudent{}
	for _, a := range d.Alerts {
		s, ok := byKey[a.StudentKey]
		if !ok {
			s = &digestStudent{key: a.StudentKey, name: a.Name, class: a.Class}
			byKey[a.StudentKey] = s
			students = append(students, s)
		}
		s.alerts = append(s.alerts, a)
		s.anyNew = s.anyNew || a.New
	}
	for _, s := range students {
		sort.SliceStable(s.alerts, func(i, j int) bool {
			return rules.SeverityRank(s.alerts[i].Severity) > rules.SeverityRank(s.alerts[j].Severity)
		})
	}
	sort.SliceStable(students, func(i, j int) bool {
		return rules.SeverityRank(students[i].worst()) > rules.SeverityRank(students[j].worst())
	})
	for _, t := range d.Tasks {
		if s, ok := byKey[t.StudentKey]; ok && t.StudentKey != "" {
			s.tasks = append(s.tasks, t)
		} else {
			rest = append(rest, t)
		}
	}
	return students, rest
}

// studentCounts counts the students of a digest with a new alert and those
// told only reminders.
func studentCounts(d *engine.Digest) (news, reminded int) {
	students, _ := digestStudents(d)
	for _, s := range students {
		if s.anyNew {
			news++
		} else {
			reminded++
		}
	}
	return news, reminded
}

// studentItem is a student's entry: a first line with the highest
// severity, the name and class, the rules most severe first and their
// messages, then a line per task. masked masks the name, leaves out the
// messages and withholds the names of sensitive rules. The lines are
// joined with "\n": the entry is one item, cut as a whole.
func studentItem(p *i18n.Printer, s *digestStudent, masked bool, who func(name, class string) string) string {
	var names, msgs []string
	seen := map[string]bool{}
	for _, a := range s.alerts {
		switch {
		case masked && a.Sensitive:
			names = append(names, p.Sprintf("digest.sensitive"))
		case a.RuleName != "":
			names = append(names, a.RuleName)
		default:
			names = append(names, a.Rule)
		}
		if msg := oneLine(a.Message); msg != "" && !masked && !seen[msg] {
			seen[msg] = true
			msgs = append(msgs, ScrubIdentityNumbers(msg))
		}
	}
	line := p.Sprintf("digest.student", severityLabel(p, s.worst()), who(s.name, s.class),
		strings.Join(names, p.Sprintf("digest.task.reason_sep")))
	if len(msgs) > 0 {
		line += " " + strings.Join(msgs, " ")
	}
	lines := []string{line}
	told := map[string]bool{}
	for _, a := range s.alerts {
		told[a.Rule] = true
	}
	for _, t := range s.tasks {
		key := "digest.student.task"
		if t.Updated {
			key = "digest.student.task_updated"
		}
		item := p.Sprintf(key, taskLabel(p, t.Kind), t.Due)
		// The task's reasons are the rules above, unless it follows up
		// an alert this digest does not tell again.
		for _, r := range t.Reasons {
			if !told[r.Rule] {
				item += taskReasons(p, t, masked)
				break
			}
		}
		lines = append(lines, item)
	}
	return strings.Join(lines, "\n")
}
