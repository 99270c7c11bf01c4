package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in a rule file, placed at the token it is about.
// Line and Col are 1-based (Col counts characters, not bytes); both are 0
// when the problem concerns a whole file (for example a directory without
// rule files). Rule is the id of the rule concerned, "" when none applies.
// Snippet, when set, is the offending expression or template line with a
// caret under the error, as lines starting with " | ". Student, set only on
// errors of an evaluation (OnStudent), names the student it failed on.
type Error struct {
	File      string
	Line, Col int
	Rule      string
	Student   string
	Msg       string
	Snippet   string
}

// Error renders e as "FILE:LINE:COL: rule ID: message" (without "rule ID: "
// when Rule is empty, without ":LINE:COL" when Line is 0; with "student
// WHO: " after the rule when Student is set), followed by the snippet
// lines, each indented by four spaces.
func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Rule != "" {
		b.WriteString("rule ")
		b.WriteString(e.Rule)
		b.WriteString(": ")
	}
	if e.Student != "" {
		b.WriteString("student ")
		b.WriteString(e.Student)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Snippet != "" {
		for line := range strings.SplitSeq(e.Snippet, "\n") {
			b.WriteString("\n    ")
			b.WriteString(line)
		}
	}
	return b.String()
}

// Errors is every problem found while loading rule files, sorted by file,
// line and column. Load returns it as its error.
type Errors []Error

// Error joins the rendered errors with "\n".
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// BadInput reports true: Errors are the user's rule files being wrong (see
// inputerr.BadInput). A lone Error, such as one an evaluation fails with,
// does not claim to be bad input.
func (Errors) BadInput() bool { return true }

// sort orders es by file, line, column, then message, so output is stable.
func (es Errors) sort() {
	slices.SortStableFunc(es, func(a, b Error) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
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
