package report

import (
	"fmt"
	"io"
	"strings"

	"baoxue/engine"
)

// Names are the names of schools and teachers by id, for the lines that
// show them beside the ids.
type Names struct {
	Schools, Teachers map[string]string
}

var groupNames = map[string]string{
	"left_behind": "留守儿童 left-behind", "migrant": "随迁子女 migrant", "returning": "返乡儿童 returning",
	"orphan": "孤儿/事实无人抚养 orphan", "disabled": "残疾 disabled", "hardship": "家庭经济困难 hardship",
	"poverty": "脱贫户/边缘户/监测户 poverty household",
}

// WriteOverview prints an evaluation of the default rules as a district
// admin reads it first (the demo's): the students at risk by special group,
// grade and school, the new tasks by teacher and the five most urgent
// students (names masked).
func WriteOverview(w io.Writer, res *engine.Result, names Names) {
	risk := AtRisk(res)
	fmt.Fprintf(w, "\nEvaluation of the default rules at %s: %d students evaluated, %d at risk (%d alerts), %d tasks created, %d pairing teachers assigned.\n",
		res.At, res.Students, len(risk), len(res.Alerts), res.TasksCreated, len(res.Pairings))
	byGroup, byGrade, bySchool := map[string]int{}, map[int]int{}, map[string]int{}
	for _, s := range risk {
		for _, g := range s.Groups {
			byGroup[g]++
		}
		byGrade[s.Grade]++
		bySchool[s.School]++
	}
	if len(res.Unreported) > 0 {
		// Attendance files list exceptions only: a school that has not
		// uploaded yet is evaluated as of the last day it reported.
		fmt.Fprintln(w, "\nAttendance not reported yet (a day a school has not reported is never taken as a day everyone came):")
		for _, u := range res.Unreported {
			through := "no attendance ever reported: not evaluated"
			if u.Evaluated {
				through = "attendance last reported " + u.ReportedThrough + ", nothing since: evaluated as of that day"
			}
			fmt.Fprintf(w, "  %s %s: %d students; %s\n", u.School, u.Name, u.Students, through)
		}
	}
	fmt.Fprintln(w, "\nStudents at risk by special group:")
	for _, g := range []string{"left_behind", "migrant", "returning", "orphan", "disabled", "hardship", "poverty"} {
		fmt.Fprintf(w, "  %5d  %s\n", byGroup[g], groupNames[g])
	}
	fmt.Fprintln(w, "\nBy grade:")
	var line strings.Builder
	for g := 1; g <= 9; g++ {
		fmt.Fprintf(&line, "  %d年级 %d", g, byGrade[g])
	}
	fmt.Fprintln(w, line.String())
	fmt.Fprintln(w, "\nSchools with the most students at risk:")
	for _, kv := range top(bySchool, 5) {
		fmt.Fprintf(w, "  %5d  %s %s\n", kv.n, kv.key, names.Schools[kv.key])
	}
	fmt.Fprintln(w, "\nNew tasks by teacher (most first):")
	for _, kv := range top(NewTasksByTeacher(res), 5) {
		fmt.Fprintf(w, "  %5d  %s %s\n", kv.n, kv.key, MaskName(names.Teachers[kv.key]))
	}
	fmt.Fprintln(w, "\nThe five most urgent students (names masked):")
	for i, s := range risk {
		if i == 5 {
			break
		}
		fmt.Fprintf(w, "  %-5s %d年级 %s %-5s %-8s absent %2d school days in a row  %s\n",
			MaskName(s.Name), s.Grade, s.School, s.Class, s.Severity, s.AbsentStreak, strings.Join(s.Rules, ", "))
	}
}
