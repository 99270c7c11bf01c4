package rules

import (
	"strings"

	"baoxue/i18n"
)

// inRule returns msg about the rule id, rendered "rule ID: message"
// ("规则 ID：…"); msg alone when id is "" (the problem is not about one
// rule).
func inRule(id string, msg i18n.Message) i18n.Message {
	if id == "" {
		return msg
	}
	return i18n.M("rules.in_rule", id, msg)
}

// withSnippet appends to msg the snippet, the offending expression or
// template line with a caret under the error as lines starting with " | ",
// each on a line of its own indented by four spaces; msg alone when
// snippet is "".
func withSnippet(msg i18n.Message, snippet string) i18n.Message {
	if snippet == "" {
		return msg
	}
	var b strings.Builder
	for line := range strings.SplitSeq(snippet, "\n") {
		b.WriteString("\n    ")
		b.WriteString(line)
	}
	return i18n.M("rules.snippet", msg, b.String())
}

// names is a list of identifiers (keys, values, functions) in a message,
// joined as the reader's language joins a list: "a, b, c" or "a、b、c".
type names []string

// Localize joins n with p's list separator.
func (n names) Localize(p *i18n.Printer) string {
	return strings.Join(n, p.Sprintf("common.list.sep"))
}

// Nearest returns the candidate closest to got by edit distance (case
// aside), when it is close enough to be a misspelling of it: at most a
// third of got's length plus one edit, and at most 3. It returns "" when
// none is, or when got is a candidate.
func Nearest(got string, candidates []string) string {
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
	if best == got {
		return ""
	}
	return best
}

// suggest returns ` (did you mean "X"?)` when one of candidates is close to
// got (see Nearest), else an empty message.
func suggest(got string, candidates []string) i18n.Message {
	if best := Nearest(got, candidates); best != "" {
		return i18n.M("rules.suggest", best)
	}
	return i18n.Raw("")
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
