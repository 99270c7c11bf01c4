package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong with a configuration: where it is and what is
// wrong. File is empty and Line and Column are zero when the value did not
// come from a file (built-in defaults, or BAOXUE_DATABASE_URL, which is then
// named in File). Key is the dotted path of the key, such as
// "notifier.channels[1].secret"; Message never contains a secret value.
type Problem struct {
	File    string
	Line    int
	Column  int
	Key     string
	Message string
}

// Error formats the problem as "FILE:LINE:COL: key: message", leaving out the
// parts that are unknown.
func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
			if p.Column > 0 {
				fmt.Fprintf(&b, ":%d", p.Column)
			}
		}
		b.WriteString(": ")
	}
	if p.Key != "" {
		b.WriteString(p.Key)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every problem found in one configuration, in file order. It is
// the error Load and Validate return when the configuration is bad input, so
// callers can tell it from an unreadable file with errors.As.
type Problems []Problem

// Error joins the problems one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// orNil returns the problems sorted by position, or nil when there are none
// (a nil Problems inside a non-nil error interface would not be nil).
func (ps Problems) orNil() error {
	if len(ps) == 0 {
		return nil
	}
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return ps
}
