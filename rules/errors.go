package rules

import (
	"fmt"
	"strings"
)

// ruleField is the Field of a problem about the rule id: "rule ID", so
// that it renders as "FILE:LINE:COL: rule ID: message"; "" when the problem
// is not about one rule.
func ruleField(id string) string {
	if id == "" {
		return ""
	}
	return "rule " + id
}

// withSnippet appends to msg the snippet, the offending expression or
// template line with a caret under the error as lines starting with " | ",
// each on a line of its own indented by four spaces; msg alone when
// snippet is "".
func withSnippet(msg, snippet string) string {
	if snippet == "" {
		return msg
	}
	var b strings.Builder
	b.WriteString(msg)
	for line := range strings.SplitSeq(snippet, "\n") {
		b.WriteString("\n    ")
		b.WriteString(line)
	}
	return b.String()
}

// suggest returns ` (did you mean "X"?)` when one of candidates is close to
// got, else "".
func suggest(got string, candidates []string) string {
	best, bestDist := "", len(got)/3+1
	if bestDist > 3 {
		bestDist = 3
	}
	for _, c := range candidates {
		d := editDistance(strings.ToLower(got), c)
		if d <= bestDist && (best == "" || d < editDistance(strings.ToLower(got), best)) {
			best = c
		}
	}
	if best == "" || best == got {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance of a and b, counted in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
