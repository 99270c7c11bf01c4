package importer

import (
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"baoxue/i18n"
)

// column is one column of an import KIND: its name in the file format, the
// Chinese and other header names that mean it, and whether it is required.
type column struct {
	name     string
	required bool
	// db is the table column it fills when that differs from name ("-": none).
	db string
	// or lets several header cells give this boolean column (是否孤儿 and
	// 是否事实无人抚养儿童 both mean orphan): the value is true if any is.
	or      bool
	aliases []string
}

// dbName returns the table column a file column fills.
func (c column) dbName() string {
	if c.db != "" {
		return c.db
	}
	return c.name
}

// header maps the columns of a KIND to the cells of a file's rows.
type header struct {
	cols  []column
	cells map[string][]int  // column name -> indexes of its cells
	label map[string]string // column name -> its header text in the file
	// ignored are the header texts that name no column, in file order,
	// each once: columns the import does not read.
	ignored []string
	line    int // the header's line in the file
	// shape is what a data row of the file may hold (see limits.go).
	shape *shape
}

// normHeader folds a header cell for lookup: full-width forms to ASCII
// (NFKC), no white space, no '*' marking required columns, lower case, and
// '-' or ' ' in English names read as '_'.
func normHeader(h string) string {
	h = norm.NFKC.String(clean(h))
	ascii := isASCII(h)
	var b strings.Builder
	for _, r := range h {
		switch {
		case r == '*':
		case isBlank(r) || r == '-':
			// "Student ID", "birth-date": words of English names join with
			// '_'; Chinese names lose stray spaces.
			if ascii && b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// mapHeader finds the columns of cols in the header cells. A header that
// names no column is a problem at the header's line when it is a
// misspelling of one (see typos; unused are real columns close to one, see
// unusedHeaders), else it is ignored and listed in header.ignored
// (registry exports carry many). A missing required column, or two headers
// that mean the same column, is a problem at the header's line too.
func mapHeader(cols []column, unused []string, cells []string, line int, p *problems) *header {
	lookup := make(map[string]string)
	for _, c := range cols {
		lookup[normHeader(c.name)] = c.name
		for _, a := range c.aliases {
			lookup[normHeader(a)] = c.name
		}
	}
	or := make(map[string]bool)
	for _, c := range cols {
		or[c.name] = c.or
	}
	h := &header{cols: cols, cells: make(map[string][]int), label: make(map[string]string), line: line}
	h.shape = newShape(cells)
	var near *typos
	for i, cell := range cells {
		n := normHeader(cell)
		if n == "" {
			continue
		}
		name, ok := lookup[n]
		if !ok {
			// "出生日期(yyyy-mm-dd)": a hint in brackets after a known name.
			if j := strings.IndexByte(n, '('); j > 0 {
				name, ok = lookup[n[:j]]
			}
		}
		if !ok {
			if near == nil {
				near = newTypos(cols, unused)
			}
			if known := near.of(n); known != "" {
				p.add(line, clean(cell), "import.header.typo", known)
			} else if !slices.Contains(h.ignored, clean(cell)) {
				h.ignored = append(h.ignored, clean(cell))
			}
			continue
		}
		if prev, dup := h.label[name]; dup && !or[name] {
			p.add(line, clean(cell), "import.header.duplicate", prev, name)
			continue
		}
		h.cells[name] = append(h.cells[name], i)
		if _, seen := h.label[name]; !seen {
			h.label[name] = clean(cell)
		}
	}
	for _, c := range cols {
		if c.required && len(h.cells[c.name]) == 0 {
			p.add(line, c.name, "import.header.missing", headerNames(c))
		}
	}
	return h
}

// isTitle reports whether a first line is a title rather than the header:
// at most two non-empty cells, none of them a column name of cols.
func isTitle(cols []column, cells []string) bool {
	p := &problems{}
	h := mapHeader(cols, nil, cells, 0, p)
	// A cell that names a column, or looks like a misspelling of one, makes
	// the line the header (a two-column reports file with a typo in each
	// cell must not be skipped as a title).
	if len(h.label) > 0 {
		return false
	}
	near := newTypos(cols, nil)
	for _, c := range cells {
		if n := normHeader(c); n != "" && near.of(n) != "" {
			return false
		}
	}
	n := 0
	for _, c := range cells {
		if clean(c) != "" {
			n++
		}
	}
	return n <= 2
}

// headerNames lists the accepted header names of a column for messages:
// its name, and "NAME (or ALIAS, …)" when it has Chinese aliases.
func headerNames(c column) any {
	var aliases []string
	for i, a := range c.aliases {
		if i == 4 {
			break
		}
		if !isASCII(a) {
			aliases = append(aliases, a)
		}
	}
	if len(aliases) == 0 {
		return c.name
	}
	return i18n.M("import.header.names", c.name, names(aliases))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// has reports whether the file has the column.
func (h *header) has(name string) bool { return len(h.cells[name]) > 0 }

// present returns the table columns filled by the file's columns among
// names, in the order given: the columns an update of an existing row
// overwrites.
func (h *header) present(names ...string) []string {
	var out []string
	for _, n := range names {
		if !h.has(n) {
			continue
		}
		for _, c := range h.cols {
			if c.name == n && c.db != "-" {
				out = append(out, c.dbName())
			}
		}
	}
	return out
}
