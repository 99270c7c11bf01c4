package config

import (
	"cmp"
	"slices"
	"strings"

	"baoxue/inputerr"
)

// Problem is one thing wrong with a configuration: where it is and what is
// wrong, formatted as "FILE:LINE:COL: key: message" without the parts that
// are unknown. File is empty and Line and Col are zero when the value did
// not come from a file (built-in defaults, or BAOXUE_DATABASE_URL, which is
// then named in File). Field is the dotted path of the key, such as
// "notifier.channels[1].secret"; Msg never contains a secret value.
type Problem = inputerr.Error

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

// BadInput reports true: Problems are the user's configuration being wrong
// (see inputerr.BadInput).
func (Problems) BadInput() bool { return true }

// orNil returns the problems sorted by position, or nil when there are none
// (a nil Problems inside a non-nil error interface would not be nil).
func (ps Problems) orNil() error {
	if len(ps) == 0 {
		return nil
	}
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	return ps
}
