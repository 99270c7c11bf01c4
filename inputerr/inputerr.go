// Package inputerr holds the error of a user's input placed at a file
// position, in the manner of go/scanner: one Error, a sortable List of them,
// and BadInput, the behaviour by which main tells the user's mistakes (exit
// status 1) from failures of the program or its surroundings (exit status 2).
//
// It imports only i18n (its messages are catalog keys), so every package
// may use it.
package inputerr

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"baoxue/i18n"
)

// BadInput is implemented by errors that are the user's input being wrong:
// a malformed file, a bad configuration value, a refused request. BadInput
// reports whether the error is one; an error that may or may not be (a
// wrapper) answers for itself.
type BadInput interface {
	BadInput() bool
}

// IsBadInput reports whether err, or an error it wraps, implements BadInput
// and answers true.
func IsBadInput(err error) bool {
	var b BadInput
	return errors.As(err, &b) && b.BadInput()
}

// Error is one problem in the user's input. File is the file it is in, ""
// when the value did not come from a file. Line and Col are 1-based, 0 when
// unknown (Col counts characters, not bytes); Col is printed only with a
// Line. Field names the key or column concerned ("notifier.channels[1].secret",
// "出生日期"), "" when none applies. Msg says what is wrong and what to do.
type Error struct {
	File      string
	Line, Col int
	Field     string
	Msg       i18n.Message
}

// Error formats e in Chinese, the default; see Localize.
func (e Error) Error() string { return e.Localize(i18n.Default()) }

// Localize formats e as "FILE:LINE:COL: FIELD: MSG" with MSG in p's
// language, leaving out the parts that are unknown: ":COL" when Col or Line
// is 0, ":LINE" when Line is 0, "FILE:LINE:COL: " when File is "", "FIELD: "
// when Field is "".
func (e Error) Localize(p *i18n.Printer) string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
			if e.Col > 0 {
				fmt.Fprintf(&b, ":%d", e.Col)
			}
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Text(e.Msg))
	return b.String()
}

// BadInput reports true: an Error is always the user's input.
func (Error) BadInput() bool { return true }

// Compare orders a and b by file, line, then column.
func Compare(a, b *Error) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Col, b.Col),
	)
}

// List is every problem found in one input. The zero List is empty and
// ready to use.
type List []*Error

// Add appends a problem at file, line and col.
func (l *List) Add(file string, line, col int, field string, msg i18n.Message) {
	*l = append(*l, &Error{File: file, Line: line, Col: col, Field: field, Msg: msg})
}

// Len, Less and Swap implement sort.Interface, ordering by Compare; Sort
// is the stable sort to use.
func (l List) Len() int           { return len(l) }
func (l List) Less(i, j int) bool { return Compare(l[i], l[j]) < 0 }
func (l List) Swap(i, j int)      { l[i], l[j] = l[j], l[i] }

// Sort orders l by file, line, then column; it is stable, so problems at
// one position keep the order they were found in (an import row's, which
// have no column number, by column).
func (l List) Sort() {
	slices.SortStableFunc(l, Compare)
}

// Error joins the problems one per line, in Chinese, the default; see
// Localize.
func (l List) Error() string { return l.Localize(i18n.Default()) }

// Localize joins the problems one per line in p's language; an empty List
// says it has no errors.
func (l List) Localize(p *i18n.Printer) string {
	if len(l) == 0 {
		return p.Sprintf("inputerr.none")
	}
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Localize(p)
	}
	return strings.Join(lines, "\n")
}

// BadInput reports true: a List holds the user's mistakes.
func (List) BadInput() bool { return true }

// Err returns l as an error, or nil when l is empty (a nil List inside a
// non-nil error interface would not be nil). It does not sort.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Refusal is a request refused because of what the user asked for or
// imported (exit status 1), as a sentinel other packages return and callers
// match with errors.Is. It says so by BadInput, so main need not know it.
// Its value is the key of its sentence in the message catalog.
type Refusal string

// Error renders the refusal in Chinese, the default.
func (r Refusal) Error() string { return r.Localize(i18n.Default()) }

// Localize renders the refusal in p's language.
func (r Refusal) Localize(p *i18n.Printer) string { return p.Sprintf(string(r)) }

// BadInput reports true: a refusal is about the user's input.
func (Refusal) BadInput() bool { return true }
