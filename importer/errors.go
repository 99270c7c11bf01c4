package importer

import (
	"fmt"
	"sort"
	"strings"
)

// RowError is one problem in an input file: the file, the physical line
// (the header is line 1; for XLSX the row number; 0 for the file as a whole),
// the column as its header names it (empty when the problem is the whole
// row or file) and what to do about it.
type RowError struct {
	File   string
	Line   int
	Column string
	Msg    string
}

// String renders the error as "FILE:LINE: COLUMN: message", leaving out the
// parts that are empty or zero.
func (e RowError) String() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Column != "" {
		b.WriteString(e.Column)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// MaxPrinted is how many row errors BadRows.Error prints.
const MaxPrinted = 50

// BadRows is the error of a file with bad input: nothing of it was written.
// Errors holds the problems sorted by line (at most maxKept of them, the
// earliest); Total is how many there were.
type BadRows struct {
	Errors []RowError
	Total  int
}

// Error prints the first MaxPrinted errors, one per line, then "… and N
// more" when there are more.
func (b *BadRows) Error() string {
	var sb strings.Builder
	for i, e := range b.Errors {
		if i == MaxPrinted {
			break
		}
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(e.String())
	}
	if more := b.Total - min(len(b.Errors), MaxPrinted); more > 0 {
		fmt.Fprintf(&sb, "\n… and %d more", more)
	}
	return sb.String()
}

// BadInput reports true: a file with bad rows is the user's input being
// wrong (see inputerr.BadInput).
func (*BadRows) BadInput() bool { return true }

// maxKept bounds the problems kept in memory: a million-row file with the
// wrong date format everywhere must not need a million messages.
const maxKept = 1000

// problems collects the row errors of one file.
type problems struct {
	file  string
	list  []RowError
	total int
}

func (p *problems) add(line int, column, format string, args ...any) {
	p.total++
	if len(p.list) < maxKept {
		p.list = append(p.list, RowError{File: p.file, Line: line, Column: column, Msg: fmt.Sprintf(format, args...)})
	}
}

// err returns nil when there were no problems, else a *BadRows with the
// problems sorted by line (stable, so a row's problems keep column order).
func (p *problems) err() error {
	if p.total == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool { return p.list[i].Line < p.list[j].Line })
	return &BadRows{Errors: p.list, Total: p.total}
}
