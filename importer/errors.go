package importer

import (
	"fmt"
	"strings"

	"baoxue/i18n"
	"baoxue/inputerr"
)

// MaxPrinted is how many row errors BadRows.Error prints.
const MaxPrinted = 50

// BadRows is the error of a file with bad input: nothing of it was written.
// Errors holds the problems sorted by line (at most maxKept of them, the
// earliest), each placed at the file and its physical line (the header is
// line 1; for XLSX the row number; 0 for the file as a whole), its Field
// the column as the file's header names it ("" when the problem is the
// whole row or file), rendered "FILE:LINE: COLUMN: message". Total is how
// many problems there were.
type BadRows struct {
	Errors inputerr.List
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
		sb.WriteString(e.Error())
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
	list  inputerr.List
	total int
}

func (p *problems) add(line int, column, format string, args ...any) {
	p.total++
	if len(p.list) < maxKept {
		p.list.Add(p.file, line, 0, column, i18n.Raw(fmt.Sprintf(format, args...)))
	}
}

// err returns nil when there were no problems, else a *BadRows with the
// problems sorted by line (stable, so a row's problems keep column order).
func (p *problems) err() error {
	if p.total == 0 {
		return nil
	}
	p.list.Sort()
	return &BadRows{Errors: p.list, Total: p.total}
}
