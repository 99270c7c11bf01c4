package report

import (
	"strconv"
	"strings"

	"baoxue/i18n"
)

// GradeName names grade n as every summary does, in p's language: 七年级,
// grade 7.
func GradeName(p *i18n.Printer, n int) string {
	if n >= 1 && n <= 9 {
		return p.Sprintf("report.grade." + strconv.Itoa(n))
	}
	return p.Sprintf("report.grade.other", strconv.Itoa(n))
}

// SchoolLabel names a school by its name with its code: 临江中学（SCH01）,
// or in English SCH01 临江中学; the code alone when the name is unknown.
func SchoolLabel(p *i18n.Printer, code, name string) string {
	if name == "" {
		return code
	}
	return p.Sprintf("report.school", name, code)
}

// TeacherLabel names a teacher by name with id, for an admin who must call
// them (a teacher's name is not masked): 王老师（T01）, or in English
// T01 王老师; the id alone when the name is unknown.
func TeacherLabel(p *i18n.Printer, id, name string) string {
	if name == "" {
		return id
	}
	return p.Sprintf("report.teacher", name, id)
}

// SeverityName names a rule's severity (critical, high, medium, low, info)
// in p's language; an unknown severity as it is.
func SeverityName(p *i18n.Printer, severity string) string {
	switch severity {
	case "critical", "high", "medium", "low", "info":
		return p.Sprintf("report.severity." + severity)
	}
	return severity
}

// GroupName names a special group of StudentRisk.Groups in p's language.
func GroupName(p *i18n.Printer, group string) string {
	switch group {
	case "left_behind", "migrant", "returning", "orphan", "disabled", "hardship", "poverty":
		return p.Sprintf("report.group." + group)
	}
	return group
}

// campaignName names a campaign (march, may, september) in p's language.
func campaignName(p *i18n.Printer, campaign string) string {
	switch campaign {
	case "march", "may", "september":
		return p.Sprintf("report.campaign." + campaign)
	}
	return p.Sprintf("report.campaign.other", campaign)
}

// roleName names the teacher a gap wanted or got (engine.Gap's Want and
// Got) in p's language.
func roleName(p *i18n.Printer, role string) string {
	switch role {
	case "homeroom", "pairing", "principal", "center":
		return p.Sprintf("report.role." + role)
	case "pairing teacher":
		return p.Sprintf("report.role.pairing_teacher")
	case "principal (escalation)":
		return p.Sprintf("report.role.principal_escalation")
	case "center (escalation)":
		return p.Sprintf("report.role.center_escalation")
	}
	return role
}

// shortKey is how many characters of a student's opaque key tell apart
// students whose masked names are equal.
const shortKey = 4

// maskedNames masks each of names; where two of them mask alike, it adds
// the last characters of the student's opaque key (keys, by the same
// index: never an identity number) so that the reader tells them apart.
func maskedNames(p *i18n.Printer, names, keys []string) []string {
	out := make([]string, len(names))
	seen := map[string]int{}
	for i, n := range names {
		out[i] = MaskName(n)
		seen[out[i]]++
	}
	for i, m := range out {
		if seen[m] > 1 && keys[i] != "" {
			k := keys[i]
			out[i] = p.Sprintf("report.student.key", m, k[max(len(k)-shortKey, 0):])
		}
	}
	return out
}

// join renders items as one list, separated as p's language separates
// the items of a list that hold commas themselves (；).
func join(p *i18n.Printer, items []string) string {
	return strings.Join(items, p.Sprintf("report.sep.semi"))
}
