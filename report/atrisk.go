package report

import (
	"sort"

	"baoxue/engine"
	"baoxue/rules"
)

// StudentRisk is one student for whom at least one rule fired, for
// summaries: the special groups the student belongs to, the most severe
// alert and every rule that fired.
type StudentRisk struct {
	ID           string
	Name         string
	School       string
	Class        string
	Grade        int
	Groups       []string // left_behind, migrant, returning, orphan, disabled, hardship, poverty
	Severity     string
	Rules        []string
	AbsentStreak int
}

// AtRisk lists the students with firing alerts, most urgent first: the most
// severe alert, then the most rules, then the longest absence streak, then id.
func AtRisk(res *engine.Result) []StudentRisk {
	by := map[int64]int{}
	var out []StudentRisk
	for _, a := range res.Alerts {
		f := a.Student
		j, ok := by[f.SID]
		if !ok {
			j = len(out)
			by[f.SID] = j
			out = append(out, StudentRisk{ID: f.ID, Name: f.Name, School: f.School, Class: f.Class, Grade: f.Grade,
				Groups: groups(f), AbsentStreak: f.AbsentStreak})
		}
		s := &out[j]
		if rules.SeverityRank(a.Line.Severity) > rules.SeverityRank(s.Severity) {
			s.Severity = a.Line.Severity
		}
		s.Rules = append(s.Rules, a.Line.Rule)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if rules.SeverityRank(a.Severity) != rules.SeverityRank(b.Severity) {
			return rules.SeverityRank(a.Severity) > rules.SeverityRank(b.Severity)
		}
		if len(a.Rules) != len(b.Rules) {
			return len(a.Rules) > len(b.Rules)
		}
		if a.AbsentStreak != b.AbsentStreak {
			return a.AbsentStreak > b.AbsentStreak
		}
		return a.ID < b.ID
	})
	return out
}

func groups(f *engine.FiredStudent) []string {
	var g []string
	for _, x := range []struct {
		on   bool
		name string
	}{
		{f.LeftBehind, "left_behind"}, {f.Migrant, "migrant"}, {f.Returning, "returning"}, {f.Orphan, "orphan"},
		{f.Disabled, "disabled"}, {f.Hardship, "hardship"}, {f.Poverty != "" && f.Poverty != "none", "poverty"},
	} {
		if x.on {
			g = append(g, x.name)
		}
	}
	return g
}

// NewTasksByTeacher counts the tasks the run created (or, dry, would
// create) per assignee.
func NewTasksByTeacher(res *engine.Result) map[string]int {
	m := map[string]int{}
	for _, a := range res.Alerts {
		if a.Line.New && a.Line.Task != nil && a.Line.Task.Assignee != "" {
			m[a.Line.Task.Assignee]++
		}
	}
	for _, p := range res.Pairings {
		m[p.Teacher]++
	}
	return m
}
