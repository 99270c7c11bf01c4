package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"

	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/rules"
)

// WriteSummary prints, in p's language, what a district admin wants to read
// after a run: counts by severity, rule and school, the new tasks by
// teacher, the most urgent students (names masked), and every school not
// reported, gap in the data and warning. Schools are named with their
// codes, teachers by name; the words are those of the demo's overview.
func WriteSummary(w io.Writer, p *i18n.Printer, res *engine.Result) error {
	bw := bufio.NewWriter(w)
	mode := p.Sprintf("report.summary.run", strconv.FormatInt(res.RunID, 10))
	if res.DryRun {
		mode = p.Sprintf("report.summary.dry")
	}
	if res.Campaign != "" {
		fmt.Fprintln(bw, p.Sprintf("report.summary.head_campaign", res.At.String(), campaignName(p, res.Campaign), mode))
	} else {
		fmt.Fprintln(bw, p.Sprintf("report.summary.head", res.At.String(), mode))
	}
	counts, resolved := "report.summary.alerts", len(res.Resolved)
	if res.DryRun {
		counts, resolved = "report.summary.alerts_dry", res.WouldResolve
	}
	fmt.Fprintf(bw, "  %s\n", p.Sprintf("report.summary.students", res.Students, res.AtRisk, res.NewAtRisk, res.AtRisk-res.NewAtRisk))
	fmt.Fprintf(bw, "  %s\n", p.Sprintf(counts, len(res.Alerts)-res.Inhibited, res.New, res.Ongoing, res.Notified, resolved))
	writeInhibited(bw, p, res)
	if res.NotEvaluated > 0 {
		fmt.Fprintf(bw, "  %s\n", p.Sprintf("report.summary.not_evaluated", res.NotEvaluated))
	}
	writeRetired(bw, p, res)
	tasks := "report.summary.tasks"
	if res.DryRun {
		tasks = "report.summary.tasks_dry"
	}
	fmt.Fprintf(bw, "  %s\n", p.Sprintf(tasks, res.TasksCreated, len(res.Pairings), len(res.Escalations)))
	if res.Merged > 0 {
		merged := "report.summary.merged"
		if res.DryRun {
			merged = "report.summary.merged_dry"
		}
		fmt.Fprintf(bw, "  %s\n", p.Sprintf(merged, res.Merged))
	}
	writeUndelivered(bw, p, res)
	for _, warn := range res.Warnings {
		fmt.Fprintf(bw, "  %s\n", p.Sprintf("common.warning", warn))
	}
	writeUnreported(bw, p, res.Unreported)
	if len(res.Alerts) == 0 {
		fmt.Fprintf(bw, "\n%s\n", p.Sprintf("report.summary.none"))
		writeGaps(bw, p, res)
		return bw.Flush()
	}
	// Students by their highest severity and by school (a person counts
	// children); rules by their alerts, one per student a rule fires for.
	bySev, byRule, bySchool := map[string]int{}, map[string]int{}, map[string]int{}
	names := map[string]string{}
	for _, a := range res.Alerts {
		if a.Inhibited() {
			continue // counted apart (writeInhibited): another rule speaks for it
		}
		byRule[a.Line.Rule]++
		names[a.Line.Rule] = a.Rule.Name
	}
	atRisk := AtRisk(res)
	for _, s := range atRisk {
		bySev[s.Severity]++
		bySchool[s.School]++
	}
	fmt.Fprintf(bw, "\n%s\n", p.Sprintf("report.summary.by_top_severity"))
	sevs := rules.Severities()
	slices.Reverse(sevs) // most severe first
	for _, s := range sevs {
		if bySev[s] > 0 {
			fmt.Fprintf(bw, "  %7d  %s\n", bySev[s], SeverityName(p, s))
		}
	}
	fmt.Fprintf(bw, "\n%s\n", p.Sprintf("report.summary.by_rule"))
	for _, kv := range top(byRule, 0) {
		fmt.Fprintf(bw, "  %7d  %-28s %s\n", kv.n, kv.key, names[kv.key])
	}
	fmt.Fprintf(bw, "\n%s\n", p.Sprintf("report.overview.by_school"))
	schools := top(bySchool, 10)
	for _, kv := range schools {
		fmt.Fprintf(bw, "  %7d  %s\n", kv.n, SchoolLabel(p, kv.key, res.SchoolNames[kv.key]))
	}
	if len(bySchool) > len(schools) {
		fmt.Fprintf(bw, "  %s\n", p.Sprintf("report.summary.more_schools", len(bySchool)-len(schools)))
	}
	writeTasksByTeacher(bw, p, res, urgentCount)
	writeUrgent(bw, p, res, atRisk, urgentCount)
	writeGaps(bw, p, res)
	return bw.Flush()
}

// writeUndelivered counts the notifications of earlier runs that could not
// be delivered and that this run reports (or, dry, would report), and says
// how to list them.
func writeUndelivered(w io.Writer, p *i18n.Printer, res *engine.Result) {
	if len(res.Undelivered) == 0 {
		return
	}
	undeliverable := 0
	for _, u := range res.Undelivered {
		if u.Status == "undeliverable" {
			undeliverable++
		}
	}
	key := "outbox.summary.undelivered"
	if res.DryRun {
		key = "outbox.summary.undelivered_dry"
	}
	fmt.Fprintf(w, "  %s\n", p.Sprintf(key, len(res.Undelivered), undeliverable, len(res.Undelivered)-undeliverable))
	if res.UndeliveredUnlisted > 0 {
		fmt.Fprintf(w, "  %s\n", p.Sprintf("outbox.summary.unlisted", res.UndeliveredUnlisted))
	}
}

// writeInhibited counts the inhibited alerts apart from the others, by
// rule, so that a student another rule speaks for is not counted twice:
// they are kept, and neither notified nor given a task (SPEC §7).
func writeInhibited(w io.Writer, p *i18n.Printer, res *engine.Result) {
	if res.Inhibited == 0 {
		return
	}
	byRule := map[string]int{}
	for _, a := range res.Alerts {
		if a.Inhibited() {
			byRule[a.Line.Rule]++
		}
	}
	var parts []string
	for _, kv := range top(byRule, 0) {
		parts = append(parts, p.Sprintf("report.summary.inhibited_rule", kv.key, kv.n))
	}
	fmt.Fprintf(w, "  %s\n", p.Sprintf("report.summary.inhibited", res.Inhibited, join(p, parts)))
}

// writeRetired says which rules' alerts were (or would be) retired.
func writeRetired(w io.Writer, p *i18n.Printer, res *engine.Result) {
	key := "report.summary.retired"
	if res.DryRun {
		key = "report.summary.would_retire"
	}
	for _, kv := range top(res.RetiredByRule, 0) {
		fmt.Fprintf(w, "  %s\n", p.Sprintf(key, kv.n, kv.key))
	}
}
