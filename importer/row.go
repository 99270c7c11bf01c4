package importer

import (
	"strconv"
	"strings"

	"baoxue/i18n"
)

// row reads the cells of one data row by column name, recording every
// problem at the row's line and the column's header text.
type row struct {
	h     *header
	p     *problems
	dates map[string]string // parsed date cells, shared by the rows of a file
	line  int
	cells []string
	// raws are XLSX raw cell values (serial numbers for date cells); nil for CSV.
	raws     []string
	date1904 bool // raws' date serials count from 1904
	bad      bool
}

// label is the column's header text in the file.
func (r *row) label(name string) string {
	if l := r.h.label[name]; l != "" {
		return l
	}
	return name
}

// fail records the problem of catalog key with args in the column name (or
// the whole row when name is "").
func (r *row) fail(name, key string, args ...any) {
	r.bad = true
	col := ""
	if name != "" {
		col = r.label(name)
	}
	r.p.add(r.line, col, key, args...)
}

// failMsg records the problem m in the column name.
func (r *row) failMsg(name string, m i18n.Message) { r.fail(name, m.Key, m.Args...) }

// cell returns the cleaned first cell of a column and its index (-1 when the
// file lacks the column or the row is short). A free-text column keeps its
// line breaks (see cleanText); every other loses them (see clean).
func (r *row) cell(name string) (string, int) {
	idx := r.h.cells[name]
	if len(idx) == 0 || idx[0] >= len(r.cells) {
		return "", -1
	}
	if freeText(name) {
		return cleanText(r.cells[idx[0]]), idx[0]
	}
	return clean(r.cells[idx[0]]), idx[0]
}

// text returns a column's value, "" when absent.
func (r *row) text(name string) string {
	v, _ := r.cell(name)
	return v
}

// need returns a required column's value, failing when it is empty.
func (r *row) need(name string) string {
	v, _ := r.cell(name)
	if v == "" {
		r.fail(name, "import.value.required")
	}
	return v
}

// date returns a date column as YYYY-MM-DD ("" when empty; required makes
// empty a problem). XLSX date cells arrive as serial numbers.
func (r *row) date(name string, required bool) string {
	v, i := r.cell(name)
	if v == "" {
		if required {
			r.fail(name, "import.date.required")
		}
		return ""
	}
	if r.raws != nil && i < len(r.raws) {
		if d, ok := serialDateOf(r.raws[i], r.date1904); ok {
			return d
		}
	}
	if d, ok := r.dates[v]; ok {
		return d
	}
	d, ok := parseDate(v)
	if !ok {
		r.fail(name, "import.date.bad", v)
		return ""
	}
	if len(r.dates) < 100000 {
		r.dates[v] = d
	}
	return d
}

// choice reads an enumerated column in any of its spellings (and the
// code-name forms of the registry export); empty gives def.
func (r *row) choice(name string, parse func(string) (string, bool), def string, allowed i18n.Message) string {
	v, _ := r.cell(name)
	if v == "" {
		return def
	}
	c, ok := codeName(v, parse)
	if !ok {
		r.fail(name, "import.choice.unknown", v, allowed)
	}
	return c
}

// number reads an enumerated integer column; empty gives def.
func (r *row) number(name string, parse func(string) (int, bool), def int, allowed i18n.Message) int {
	v, _ := r.cell(name)
	if v == "" {
		return def
	}
	n, ok := codeName(v, parse)
	if !ok {
		r.fail(name, "import.number.unknown", v, allowed)
	}
	return n
}

// flag reads a boolean column; with several cells (an "or" column) it is
// true when any is. Empty is false.
func (r *row) flag(name string, parse func(string) (bool, bool)) bool {
	out := false
	for _, i := range r.h.cells[name] {
		if i >= len(r.cells) {
			continue
		}
		v := clean(r.cells[i])
		if v == "" {
			continue
		}
		b, ok := codeName(v, parse)
		if !ok {
			r.fail(name, "import.flag.unknown", v)
			continue
		}
		out = out || b
	}
	return out
}

// positive reads a whole number greater than zero.
func (r *row) positive(name string) int {
	v := r.need(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, ".0"))
	if err != nil {
		r.fail(name, "import.number.whole", v)
		return 0
	}
	if n <= 0 {
		r.fail(name, "import.number.positive", n)
	}
	return n
}

// mainlandID reports whether the row's national ID is a mainland ID
// number by its 身份证件类型 (id_type): true when the column is absent or
// empty, or says 居民身份证 or 户口簿 (see parseIDType). An unknown type is
// a problem of the row, whose number is then not checked as well.
func (r *row) mainlandID() bool {
	return r.choice("id_type", parseIDType, "mainland", i18n.M("import.allowed.id_type")) == "mainland"
}

// nationalID reads a national ID column: a mainland number is checked and
// normalised (see nationalID); the number of another document (a passport,
// a 港澳台 permit) is kept as given, refused only in scientific notation.
func (r *row) nationalID(name string, mainland bool) string {
	v, _ := r.cell(name)
	if !mainland {
		if isScientific(v) {
			r.fail(name, msgScientific)
			return ""
		}
		return v
	}
	id, msg := nationalID(v)
	if msg.Key != "" {
		r.failMsg(name, msg)
	}
	return id
}

// studentNumber reads and checks a 学籍号 column.
func (r *row) studentNumber(name string, required bool) string {
	v, _ := r.cell(name)
	if v == "" {
		if required {
			r.fail(name, "import.value.required")
		}
		return ""
	}
	id, msg := studentNumber(v)
	if msg.Key != "" {
		r.failMsg(name, msg)
	}
	return id
}

// birthMatches checks that a national ID agrees with the birth date column.
func (r *row) birthMatches(nidColumn, nid, birthColumn, birth string) {
	if nid == "" || birth == "" {
		return
	}
	if b := birthDateOf(nid); b != birth {
		r.fail(birthColumn, "import.birth.mismatch", birth, b, r.label(nidColumn))
	}
}

// disabilityType reads 残疾人类型 (see parseDisabilityType); an unknown
// value is a bad row.
func (r *row) disabilityType() string {
	v := r.text("disability_type")
	t, ok := parseDisabilityType(v)
	if !ok {
		r.fail("disability_type", "import.disability_type.unknown", v)
	}
	return t
}
