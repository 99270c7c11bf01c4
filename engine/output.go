package engine

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"baoxue/rules"
)

// WriteJSON prints the run as JSON lines (SPEC §7), sorted by type: alert
// lines, resolved lines and retired lines, each sorted by rule then student,
// then unreported lines by school. The bytes depend only on the result, so
// the same data gives the same output on every engine.
func WriteJSON(w io.Writer, res *Result) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range res.Alerts {
		if err := enc.Encode(&res.Alerts[i]); err != nil {
			return err
		}
	}
	for _, ls := range [][]ResolvedLine{res.Resolved, res.Retired} {
		for i := range ls {
			if err := enc.Encode(&ls[i]); err != nil {
				return err
			}
		}
	}
	for i := range res.Unreported {
		if err := enc.Encode(&res.Unreported[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteSummary prints what a district admin wants to read after a run:
// counts by severity, rule and school, the most urgent students (names
// masked), pairings, escalations and every gap in the data.
func WriteSummary(w io.Writer, res *Result) error {
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
	for i, a := range res.Alerts {
		bySev[a.Severity]++
		byRule[a.Rule]++
		bySchool[a.School]++
		names[a.Rule] = res.rules[i].Name
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
	for _, kv := range sortedCounts(byRule, 0) {
		fmt.Fprintf(bw, "  %7d  %-28s %s\n", kv.n, kv.k, names[kv.k])
	}
	fmt.Fprintln(bw, "\nBy school (most alerts first):")
	top := sortedCounts(bySchool, 10)
	for _, kv := range top {
		fmt.Fprintf(bw, "  %7d  %s\n", kv.n, kv.k)
	}
	if len(bySchool) > len(top) {
		fmt.Fprintf(bw, "  … and %d more schools\n", len(bySchool)-len(top))
	}
	writeUrgent(bw, res, 5)
	writeGaps(bw, res)
	return bw.Flush()
}

type count struct {
	k string
	n int
}

func sortedCounts(m map[string]int, limit int) []count {
	out := make([]count, 0, len(m))
	for k, n := range m {
		out = append(out, count{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].k < out[j].k
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// writeUrgent lists the n most urgent students (see AtRisk).
func writeUrgent(w io.Writer, res *Result, n int) {
	risk := res.AtRisk()
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
func writeRetired(w io.Writer, res *Result) {
	if len(res.RetiredByRule) == 0 {
		return
	}
	verb := "retired"
	if res.DryRun {
		verb = "would retire (a writing run needs --retire)"
	}
	for _, kv := range sortedCounts(res.RetiredByRule, 0) {
		fmt.Fprintf(w, "  %d alerts %s: rule %s is no longer loaded or is disabled; their tasks close as rule_retired\n", kv.n, verb, kv.k)
	}
}

// writeUnreported lists the schools whose attendance is not reported
// through T.
func writeUnreported(w io.Writer, us []Unreported) {
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
func writeGaps(w io.Writer, res *Result) {
	if len(res.Gaps) == 0 {
		return
	}
	kinds := map[string]int{}
	examples := map[string][]string{}
	seen := map[string]bool{}
	for _, g := range res.Gaps {
		k := g.Want + " → " + g.Got
		kinds[k]++
		who := fmt.Sprintf("%s %s %s", g.School, strings.TrimSpace(g.class), MaskName(g.name))
		if !seen[k+who] && len(examples[k]) < gapExamples {
			seen[k+who] = true
			examples[k] = append(examples[k], who)
		}
	}
	fmt.Fprintf(w, "\nGaps in the data (%d; each alert went to the fallback shown, or to nobody):\n", len(res.Gaps))
	for _, kv := range sortedCounts(kinds, 0) {
		fmt.Fprintf(w, "  %6d  no %s, e.g. %s\n", kv.n, kv.k, strings.Join(examples[kv.k], "; "))
	}
	fmt.Fprintln(w, "  Fix them in the roster (homeroom_teacher_id, pairing_teacher_id) or the teachers file (principal, center_admin).")
}

// MaskName keeps the first character of a name and masks the rest: 张三丰 → 张**.
func MaskName(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	if r == utf8.RuneError {
		return ""
	}
	return string(r) + strings.Repeat("*", max(utf8.RuneCountInString(name[size:]), 1))
}
