package report

import (
	"fmt"
	"io"
	"strings"

	"baoxue/engine"
	"baoxue/i18n"
)

// The sections the summary of `eval` and the demo's overview share, so that
// both say the same things in the same words.

// urgentCount is how many of the most urgent students a summary names.
const urgentCount = 5

// writeUrgent lists the n most urgent students (see AtRisk): masked names
// (told apart by a short key where they are equal), grade, class, school,
// the worst severity with the absence streak (or, when the student is not
// absent today, how many rules fired), and on a line of its own the rules
// that fired, by name.
func writeUrgent(w io.Writer, p *i18n.Printer, res *engine.Result, risk []StudentRisk, n int) {
	if len(risk) == 0 {
		return
	}
	risk = risk[:min(len(risk), n)]
	names, keys := make([]string, len(risk)), make([]string, len(risk))
	for i, s := range risk {
		names[i], keys[i] = s.Name, s.Key
	}
	who := maskedNames(p, names, keys)
	fmt.Fprintf(w, "\n%s\n", p.Sprintf("report.urgent.head", len(risk)))
	for i, s := range risk {
		// A streak of 0 is no reason for urgency: say what is.
		reason := p.Sprintf("report.urgent.fired", SeverityName(p, s.Severity), len(s.Rules))
		if s.AbsentStreak > 0 {
			reason = p.Sprintf("report.urgent.streak", SeverityName(p, s.Severity), s.AbsentStreak)
		}
		fmt.Fprintf(w, "  %s\n      %s\n", p.Sprintf("report.urgent.line", who[i], GradeName(p, s.Grade), strings.TrimSpace(s.Class),
			SchoolLabel(p, s.School, res.SchoolNames[s.School]), reason), join(p, s.RuleNames))
	}
}

// writeTasksByTeacher lists the teachers with the most new tasks, by name
// (the admin reading it calls them).
func writeTasksByTeacher(w io.Writer, p *i18n.Printer, res *engine.Result, n int) {
	tasks := top(NewTasksByTeacher(res), n)
	if len(tasks) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", p.Sprintf("report.tasks_by_teacher"))
	for _, kv := range tasks {
		fmt.Fprintf(w, "  %7d  %s\n", kv.n, TeacherLabel(p, kv.key, res.TeacherNames[kv.key]))
	}
}

// writeUnreported lists the schools whose attendance is not reported
// through T, and what to import.
func writeUnreported(w io.Writer, p *i18n.Printer, us []engine.Unreported) {
	if len(us) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", p.Sprintf("report.unreported.head"))
	for _, u := range us {
		school := SchoolLabel(p, u.School, u.Name)
		var line string
		switch {
		case u.Evaluated:
			line = p.Sprintf("report.unreported.evaluated", school, u.Center, u.Students, u.ReportedThrough)
		case u.ReportedThrough != "":
			line = p.Sprintf("report.unreported.outside", school, u.Center, u.Students, u.ReportedThrough)
		default:
			line = p.Sprintf("report.unreported.never", school, u.Center, u.Students)
		}
		fmt.Fprintf(w, "  %s\n", line)
		if in := u.Incomplete; in != nil {
			fmt.Fprintf(w, "      %s\n", p.Sprintf("report.unreported.incomplete", in.Date, in.Expected-in.Present,
				in.Expected, in.Present, in.Recorded))
		}
	}
	indent(w, p.Sprintf("report.unreported.hint"))
}

// gapExamples is how many students of each kind of gap the summary names.
const gapExamples = 5

// writeGaps says which fallbacks the run used, how often, and for whom
// (names masked), so that an admin can fix the roster.
func writeGaps(w io.Writer, p *i18n.Printer, res *engine.Result) {
	if len(res.Gaps) == 0 {
		return
	}
	type kind struct{ want, got string }
	kinds := map[string]int{}
	of := map[string]kind{}
	examples := map[string][]engine.Gap{}
	seen := map[string]bool{}
	for _, g := range res.Gaps {
		k := g.Want + "\x00" + g.Got
		kinds[k]++
		of[k] = kind{g.Want, g.Got}
		who := g.School + "\x00" + strings.TrimSpace(g.Class) + "\x00" + g.Student
		if !seen[k+who] && len(examples[k]) < gapExamples {
			seen[k+who] = true
			examples[k] = append(examples[k], g)
		}
	}
	fmt.Fprintf(w, "\n%s\n", p.Sprintf("report.gaps.head", len(res.Gaps)))
	for _, kv := range top(kinds, 0) {
		gs := examples[kv.key]
		names, keys := make([]string, len(gs)), make([]string, len(gs))
		for i, g := range gs {
			names[i], keys[i] = g.Name, g.Key
		}
		who := maskedNames(p, names, keys)
		eg := make([]string, len(gs))
		for i, g := range gs {
			eg[i] = strings.Join(strings.Fields(SchoolLabel(p, g.School, res.SchoolNames[g.School])+" "+g.Class+" "+who[i]), " ")
		}
		k := of[kv.key]
		line := p.Sprintf("report.gaps.line", roleName(p, k.want), roleName(p, k.got), join(p, eg))
		if k.got == "nobody" {
			line = p.Sprintf("report.gaps.nobody", roleName(p, k.want), join(p, eg))
		}
		fmt.Fprintf(w, "  %6d  %s\n", kv.n, line)
	}
	indent(w, p.Sprintf("report.gaps.fix"))
}

// indent writes text, line by line, indented by two spaces.
func indent(w io.Writer, text string) {
	for _, l := range strings.Split(text, "\n") {
		fmt.Fprintf(w, "  %s\n", l)
	}
}
