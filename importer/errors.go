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

// Error prints the problems in Chinese, the default; see Localize.
func (b *BadRows) Error() string { return b.Localize(i18n.Default()) }

// Localize prints the first MaxPrinted errors in p's language, one per
// line, then "… and N more" when there are more.
func (b *BadRows) Localize(p *i18n.Printer) string {
	var sb strings.Builder
	for i, e := range b.Errors {
		if i == MaxPrinted {
			break
		}
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(e.Localize(p))
	}
	if more := b.Total - min(len(b.Errors), MaxPrinted); more > 0 {
		sb.WriteByte('\n')
		sb.WriteString(p.Sprintf("import.more", more))
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

// add records a problem at line and column ("" for the whole row) as the
// catalog message key with args. String arguments are copied: a cell is a
// slice of its whole line, which a kept message must not hold on to.
func (p *problems) add(line int, column, key string, args ...any) {
	p.total++
	if len(p.list) < maxKept {
		for i, a := range args {
			if s, ok := a.(string); ok {
				args[i] = strings.Clone(s)
			}
		}
		p.list.Add(p.file, line, 0, column, i18n.M(key, args...))
	}
}

// addMsg records the problem m at line and column.
func (p *problems) addMsg(line int, column string, m i18n.Message) {
	p.add(line, column, m.Key, m.Args...)
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

// list is a list of names or messages a message shows, joined as the
// reader's language joins them ("a, b" in English, "a、b" in Chinese).
type list []any

// names makes a list of strings.
func names(ss []string) list {
	l := make(list, len(ss))
	for i, s := range ss {
		l[i] = s
	}
	return l
}

// Localize renders the items in p's language and joins them.
func (l list) Localize(p *i18n.Printer) string {
	parts := make([]string, len(l))
	for i, v := range l {
		switch v := v.(type) {
		case i18n.Message:
			parts[i] = p.Text(v)
		default:
			parts[i] = fmt.Sprint(v)
		}
	}
	return strings.Join(parts, p.Sprintf("common.list.sep"))
}
