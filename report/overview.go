package report

import (
	"fmt"
	"io"

	"baoxue/engine"
	"baoxue/i18n"
)

// groupOrder lists the special groups in the order the overview counts them.
var groupOrder = []string{"left_behind", "migrant", "returning", "orphan", "disabled", "hardship", "poverty"}

// WriteOverview prints, in p's language, an evaluation of the default rules
// as a district admin reads it first (the demo's): the schools not
// reported, the students at risk by special group, grade and school, the
// new tasks by teacher and the most urgent students (names masked), in the
// words of the summary of `eval`.
func WriteOverview(w io.Writer, p *i18n.Printer, res *engine.Result) {
	risk := AtRisk(res)
	if res.Inhibited > 0 {
		fmt.Fprintf(w, "\n%s\n", p.Sprintf("report.overview.head_inhibited", res.At.String(), res.Students, len(risk),
			len(res.Alerts)-res.Inhibited, res.Inhibited, res.TasksCreated, len(res.Pairings)))
	} else {
		fmt.Fprintf(w, "\n%s\n", p.Sprintf("report.overview.head", res.At.String(), res.Students, len(risk), len(res.Alerts),
			res.TasksCreated, len(res.Pairings)))
	}
	if res.Merged > 0 {
		fmt.Fprintf(w, "%s\n", p.Sprintf("report.summary.merged", res.Merged))
	}
	byGroup, byGrade, bySchool := map[string]int{}, map[int]int{}, map[string]int{}
	for _, s := range risk {
		for _, g := range s.Groups {
			byGroup[g]++
		}
		byGrade[s.Grade]++
		bySchool[s.School]++
	}
	// Attendance files list exceptions only: a school that has not
	// uploaded yet is evaluated as of the last day it reported.
	writeUnreported(w, p, res.Unreported)
	fmt.Fprintf(w, "\n%s\n", p.Sprintf("report.overview.by_group"))
	for _, g := range groupOrder {
		fmt.Fprintf(w, "  %7d  %s\n", byGroup[g], GroupName(p, g))
	}
	fmt.Fprintf(w, "\n%s\n", p.Sprintf("report.overview.by_grade"))
	for g := 1; g <= 9; g++ {
		fmt.Fprintf(w, "  %7d  %s\n", byGrade[g], GradeName(p, g))
	}
	fmt.Fprintf(w, "\n%s\n", p.Sprintf("report.overview.by_school"))
	for _, kv := range top(bySchool, urgentCount) {
		fmt.Fprintf(w, "  %7d  %s\n", kv.n, SchoolLabel(p, kv.key, res.SchoolNames[kv.key]))
	}
	writeTasksByTeacher(w, p, res, urgentCount)
	writeUrgent(w, p, res, risk, urgentCount)
}
