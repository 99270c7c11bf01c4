package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"baoxue/engine"
	"baoxue/rules"
)

// WriteSummary prints what a district admin wants to read after a run:
// counts by severity, rule and school, the most urgent students (names
// masked), pairings, escalations and every gap in the data.
func WriteSummary(w io.Writer, res *engine.Result) error {
	bw := bufio.NewWriter(w)
	mode := "run " + fmt.Sprint(res.RunID)
	if res.DryRun {
		mode = "dry run, nothing written"
	}
	camp := ""
	if res.Campaign != "" {
		camp = ", campaign " + res.Campaign
	}
	fmt.Fprintf(bw, "Evaluation at %s%s (%s)\n", res.At, camp, mode)
	resolved := fmt.Sprintf("%d resolved", len(res.Resolved))
	if res.DryRun {
		resolved = fmt.Sprintf("%d would resolve", res.WouldResolve)
	}
	fmt.Fprintf(bw, "  %d students evaluated; %d alerts firing (%d new, %d ongoing, %d notified); %s\n",
		res.Students, len(res.Alerts), res.New, res.Ongoing, res.Notified, resolved)
	if res.NotEvaluated > 0 {
		fmt.Fprintf(bw, "  %d students not evaluated: their school has not reported attendance in the lookback\n", res.NotEvaluated)
	}
	writeRetired(bw, res)
	if res.DryRun {
		fmt.Fprintf(bw, "  would create %d tasks, assign %d pairing teachers and escalate %d tasks\n",
			res.TasksCreated, len(res.Pairings), len(res.Escalations))
	} else {
		fmt.Fprintf(bw, "  %d tasks created, %d pairing teachers assigned, %d escalations\n",
			res.TasksCreated, len(res.Pairings), len(res.Escalations))
	}
	for _, warn := range res.Warnings {
		fmt.Fprintf(bw, "  warning: %s\n", warn)
	}
	writeUnreported(bw, res.Unreported)
	if len(res.Alerts) == 0 {
		fmt.Fprintln(bw, "\nNo rule fired.")
		return bw.Flush()
	}
	bySev, byRule, bySchool := map[string]int{}, map[string]int{}, map[string]int{}
	names := map[string]string{}
	for _, a := range res.Alerts {
		bySev[a.Line.Severity]++
		byRule[a.Line.Rule]++
		bySchool[a.Line.School]++
		names[a.Line.Rule] = a.Rule.Name
	}
	fmt.Fprintln(bw, "\nBy severity:")
	sevs := rules.Severities()
	slices.Reverse(sevs) // most severe first
	for _, s := range sevs {
		if bySev[s] > 0 {
			fmt.Fprintf(bw, "  %-9s %7d\n", s, bySev[s])
		}
	}
	fmt.Fprintln(bw, "\nBy rule:")
	for _, kv := range top(byRule, 0) {
		fmt.Fprintf(bw, "  %7d  %-28s %s\n", kv.n, kv.key, names[kv.key])
	}
	fmt.Fprintln(bw, "\nBy school (most alerts first):")
	schools := top(bySchool, 10)
	for _, kv := range schools {
		fmt.Fprintf(bw, "  %7d  %s\n", kv.n, kv.key)
	}
	if len(bySchool) > len(schools) {
		fmt.Fprintf(bw, "  … and %d more schools\n", len(bySchool)-len(schools))
	}
	writeUrgent(bw, res, 5)
	writeGaps(bw, res)
	return bw.Flush()
}

// writeUrgent lists the n most urgent students (see AtRisk).
func writeUrgent(w io.Writer, res *engine.Result, n int) {
	risk := AtRisk(res)
	if len(risk) > n {
		risk = risk[:n]
	}
	fmt.Fprintf(w, "\nMost urgent students (names masked):\n")
	for _, s := range risk {
		fmt.Fprintf(w, "  %-6s grade %d, %s %s, absent %d school days in a row: %s\n",
			MaskName(s.Name), s.Grade, s.School, s.Class, s.AbsentStreak, strings.Join(s.Rules, ", "))
	}
}

// writeRetired says which rules' alerts were (or would be) retired.
func writeRetired(w io.Writer, res *engine.Result) {
	if len(res.RetiredByRule) == 0 {
		return
	}
	verb := "retired"
	if res.DryRun {
		verb = "would retire (a writing run needs --retire)"
	}
	for _, kv := range top(res.RetiredByRule, 0) {
		fmt.Fprintf(w, "  %d alerts %s: rule %s is no longer loaded or is disabled; their tasks close as rule_retired\n", kv.n, verb, kv.key)
	}
}

// writeUnreported lists the schools whose attendance is not reported
// through T.
func writeUnreported(w io.Writer, us []engine.Unreported) {
	if len(us) == 0 {
		return
	}
	fmt.Fprintf(w, "\nAttendance not reported (a day a school has not reported is never taken as a day everyone came):\n")
	for _, u := range us {
		switch {
		case u.Evaluated:
			fmt.Fprintf(w, "  %s %s (%s): %d students; attendance last reported %s, nothing since: evaluated as of that day\n",
				u.School, u.Name, u.Center, u.Students, u.ReportedThrough)
		case u.ReportedThrough != "":
			fmt.Fprintf(w, "  %s %s (%s): %d students; attendance last reported %s, outside the lookback: not evaluated\n",
				u.School, u.Name, u.Center, u.Students, u.ReportedThrough)
		default:
			fmt.Fprintf(w, "  %s %s (%s): %d students; no attendance ever reported: not evaluated\n",
				u.School, u.Name, u.Center, u.Students)
		}
		if u.Incomplete != "" {
			fmt.Fprintf(w, "      incomplete report %s\n", u.Incomplete)
		}
	}
	fmt.Fprintln(w, "  Their alerts stay as they are (overdue tasks still escalate). Import their attendance (baoxue import attendance FILE;")
	fmt.Fprintln(w, "  --reported for a district-wide file) or their daily reports (baoxue import reports FILE).")
}

// gapExamples is how many students of each kind of gap the summary names.
const gapExamples = 5

// writeGaps says which fallbacks the run used, how often, and for whom
// (names masked), so that an admin can fix the roster.
func writeGaps(w io.Writer, res *engine.Result) {
	if len(res.Gaps) == 0 {
		return
	}
	kinds := map[string]int{}
	examples := map[string][]string{}
	seen := map[string]bool{}
	for _, g := range res.Gaps {
		k := g.Want + " → " + g.Got
		kinds[k]++
		who := fmt.Sprintf("%s %s %s", g.School, strings.TrimSpace(g.Class), MaskName(g.Name))
		if !seen[k+who] && len(examples[k]) < gapExamples {
			seen[k+who] = true
			examples[k] = append(examples[k], who)
		}
	}
	fmt.Fprintf(w, "\nGaps in the data (%d; each alert went to the fallback shown, or to nobody):\n", len(res.Gaps))
	for _, kv := range top(kinds, 0) {
		fmt.Fprintf(w, "  %6d  no %s, e.g. %s\n", kv.n, kv.key, strings.Join(examples[kv.key], "; "))
	}
	fmt.Fprintln(w, "  Fix them in the roster (homeroom_teacher_id, pairing_teacher_id) or the teachers file (principal, center_admin).")
}
