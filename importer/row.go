package importer

import (
	"strconv"
	"strings"
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

// fail records a problem with the column name (or the whole row when name
// is "").
func (r *row) fail(name, format string, args ...any) {
	r.bad = true
	col := ""
	if name != "" {
		col = r.label(name)
	}
	r.p.add(r.line, col, format, args...)
}

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
		r.fail(name, "required value is missing")
	}
	return v
}

// date returns a date column as YYYY-MM-DD ("" when empty; required makes
// empty a problem). XLSX date cells arrive as serial numbers.
func (r *row) date(name string, required bool) string {
	v, i := r.cell(name)
	if v == "" {
		if required {
			r.fail(name, "required date is missing: write it as YYYY-MM-DD")
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
		r.fail(name, "%q is not a date: write YYYY-MM-DD (2011/5/1, 20110501 and 2011.05.01 are read too)", v)
		return ""
	}
	if len(r.dates) < 100000 {
		r.dates[v] = d
	}
	return d
}

// choice reads an enumerated column in any of its spellings (and the
// code-name forms of the registry export); empty gives def.
func (r *row) choice(name string, parse func(string) (string, bool), def, allowed string) string {
	v, _ := r.cell(name)
	if v == "" {
		return def
	}
	c, ok := codeName(v, parse)
	if !ok {
		r.fail(name, "unknown value %q: use one of %s", v, allowed)
	}
	return c
}

// number reads an enumerated integer column; empty gives def.
func (r *row) number(name string, parse func(string) (int, bool), def int, allowed string) int {
	v, _ := r.cell(name)
	if v == "" {
		return def
	}
	n, ok := codeName(v, parse)
	if !ok {
		r.fail(name, "%q is out of range or unknown: use %s", v, allowed)
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
			r.fail(name, "unknown value %q: use 1 or 0 (是/否, Y/N, true/false)", v)
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
		r.fail(name, "%q is not a whole number", v)
		return 0
	}
	if n <= 0 {
		r.fail(name, "must be greater than 0, not %d", n)
	}
	return n
}

// mainlandID reports whether the row's national ID is a mainland ID
// number by its 身份证件类型 (id_type): true when the column is absent or
// empty, or says 居民身份证 or 户口簿 (see parseIDType). An unknown type is
// a problem of the row, whose number is then not checked as well.
func (r *row) mainlandID() bool {
	return r.choice("id_type", parseIDType, "mainland", allowedIDTypes) == "mainland"
}

// nationalID reads a national ID column: a mainland number is checked and
// normalised (see nationalID); the number of another document (a passport,
// a 港澳台 permit) is kept as given, refused only in scientific notation.
func (r *row) nationalID(name string, mainland bool) string {
	v, _ := r.cell(name)
	if !mainland {
		if isScientific(v) {
			r.fail(name, "%s", msgScientific)
			return ""
		}
		return v
	}
	id, msg := nationalID(v)
	if msg != "" {
		r.fail(name, "%s", msg)
	}
	return id
}

// studentNumber reads and checks a 学籍号 column.
func (r *row) studentNumber(name string, required bool) string {
	v, _ := r.cell(name)
	if v == "" {
		if required {
			r.fail(name, "required value is missing")
		}
		return ""
	}
	id, msg := studentNumber(v)
	if msg != "" {
		r.fail(name, "%s", msg)
	}
	return id
}

// birthMatches checks that a national ID agrees with the birth date column.
func (r *row) birthMatches(nidColumn, nid, birthColumn, birth string) {
	if nid == "" || birth == "" {
		return
	}
	if b := birthDateOf(nid); b != birth {
		r.fail(birthColumn, "%s does not agree with the birth date %s inside the %s: correct one of them",
			birth, b, r.label(nidColumn))
	}
}

// disabilityType reads 残疾人类型 (see parseDisabilityType); an unknown
// value is a bad row.
func (r *row) disabilityType() string {
	v := r.text("disability_type")
	t, ok := parseDisabilityType(v)
	if !ok {
		r.fail("disability_type", "unknown value %q: use one of %s, 其他, or 无 (codes 1–7 of the registry are read too)",
			v, strings.Join(disabilityTypes, ", "))
	}
	return t
}
