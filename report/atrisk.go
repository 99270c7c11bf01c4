package report

import (
	"sort"

	"baoxue/engine"
	"baoxue/rules"
)

// StudentRisk is one student for whom at least one rule fired, for
// summaries: the special groups the student belongs to, the most severe
// alert and every rule that fired (Rules their ids, RuleNames their names,
// in the same order: the most severe first, then by id). Key is the
// student's opaque key.
type StudentRisk struct {
	ID           string
	Key          string
	Name         string
	School       string
	Class        string
	Grade        int
	Groups       []string // left_behind, migrant, returning, orphan, disabled, hardship, poverty
	Severity     string
	Rules        []string
	RuleNames    []string
	AbsentStreak int
}

// AtRisk lists the students with firing alerts, most urgent first: the most
// severe alert, then the most rules, then the longest absence streak, then id.
// Inhibited alerts are left out: the rule inhibiting one fires for the same
// student and speaks for it.
func AtRisk(res *engine.Result) []StudentRisk {
	by := map[int64]int{}
	var out []StudentRisk
	var ranks [][]int // of each rule of out[i]
	for _, a := range res.Alerts {
		if a.Inhibited() {
			continue
		}
		f := a.Student
		j, ok := by[f.SID]
		if !ok {
			j = len(out)
			by[f.SID] = j
			out = append(out, StudentRisk{ID: f.ID, Key: f.Key, Name: f.Name, School: f.School, Class: f.Class, Grade: f.Grade,
				Groups: groups(f), AbsentStreak: f.AbsentStreak})
			ranks = append(ranks, nil)
		}
		s := &out[j]
		if rules.SeverityRank(a.Line.Severity) > rules.SeverityRank(s.Severity) {
			s.Severity = a.Line.Severity
		}
		s.Rules = append(s.Rules, a.Line.Rule)
		name := a.Line.Rule
		if a.Rule != nil && a.Rule.Name != "" {
			name = a.Rule.Name
		}
		s.RuleNames = append(s.RuleNames, name)
		ranks[j] = append(ranks[j], rules.SeverityRank(a.Line.Severity))
	}
	for i := range out {
		sortRules(&out[i], ranks[i])
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

// sortRules orders the rules of s most severe first (rank, by the same
// index), then by id.
func sortRules(s *StudentRisk, rank []int) {
	idx := make([]int, len(s.Rules))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if rank[idx[a]] != rank[idx[b]] {
			return rank[idx[a]] > rank[idx[b]]
		}
		return s.Rules[idx[a]] < s.Rules[idx[b]]
	})
	ids, names := make([]string, len(idx)), make([]string, len(idx))
	for i, j := range idx {
		ids[i], names[i] = s.Rules[j], s.RuleNames[j]
	}
	s.Rules, s.RuleNames = ids, names
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
// create) per assignee: one per student, kind and teacher, however many
// alerts asked for it (SPEC §7), pairing tasks included.
func NewTasksByTeacher(res *engine.Result) map[string]int {
	m := make(map[string]int, len(res.TasksByTeacher))
	for t, n := range res.TasksByTeacher {
		m[t] = n
	}
	return m
}
