package importer

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Cell limits, in characters after cleaning. No real value comes near them;
// a longer one is damage (a column shifted into another, a file that is
// not a roster) and is refused at its line rather than stored.
const (
	maxCellChars = 1000 // any cell, read or not
	maxNameChars = 50   // name: a person's or a school's name
	maxIDChars   = 40   // 学籍号, national ID, school and teacher codes
	maxTextChars = 500  // note, outcome: free text
)

// freeText reports the columns of free text, whose cells keep their line
// breaks (see cleanText).
func freeText(name string) bool { return name == "note" || name == "outcome" }

// columnLimit returns the most characters a cell of the column may have.
func columnLimit(name string) int {
	switch name {
	case "name":
		return maxNameChars
	case "id", "student_id", "national_id", "school_id", "teacher_id", "homeroom_teacher_id", "pairing_teacher_id":
		return maxIDChars
	case "note", "outcome":
		return maxTextChars
	}
	return maxCellChars
}

// shape is what a data row of a file may hold: a cell for every header
// cell up to the last one that is not empty (Excel writes every cell of a
// row, empty or not; trailing empty header cells are not counted, and empty
// cells beyond the header are tolerated, as Excel adds some), and at most
// so many characters in each.
type shape struct {
	width  int
	texts  []string // the header cells, cleaned
	limits []int    // per cell index, set on first use
	free   []bool   // per cell index: a free-text column
}

// newShape reads the shape of the rows off the header cells.
func newShape(cells []string) *shape {
	s := &shape{texts: make([]string, len(cells))}
	for i, c := range cells {
		s.texts[i] = clean(c)
		if s.texts[i] != "" {
			s.width = i + 1
		}
	}
	return s
}

// label names cell i in messages by its header; "" when it has none.
func (s *shape) label(i int) string {
	if i < len(s.texts) {
		return s.texts[i]
	}
	return ""
}

// limitsOf sets, once, the limit of each header cell from the column it
// was mapped to.
func (s *shape) limitsOf(h *header) {
	if s.limits != nil {
		return
	}
	s.limits = make([]int, len(s.texts))
	s.free = make([]bool, len(s.texts))
	for i := range s.limits {
		s.limits[i] = maxCellChars
	}
	for name, idx := range h.cells {
		for _, i := range idx {
			if i < len(s.limits) {
				s.limits[i], s.free[i] = columnLimit(name), freeText(name)
			}
		}
	}
}

// check reports the problems of a data record as a whole, and whether the
// row can be read: the record's own problems (an invalid byte, a line too
// long), a row with fewer cells than the header when the source gives
// every cell (CSV), a value beyond the last column, and a cell longer than
// its column allows.
func (h *header) check(rec record, p *problems) bool {
	if len(rec.probs) > 0 {
		for _, pr := range rec.probs {
			p.addMsg(pr.line, "", pr.msg)
		}
		return false
	}
	s := h.shape
	ok := true
	n := len(rec.cells)
	if rec.whole && n < s.width {
		p.add(rec.line, "", "import.row.short", n, s.width)
		ok = false
	}
	for i := s.width; i < n; i++ {
		if v := clean(rec.cells[i]); v != "" {
			p.add(rec.line, "", "import.row.beyond", n, s.width, strconv.Itoa(i+1), excerpt(v))
			ok = false
			break
		}
	}
	s.limitsOf(h)
	for i, c := range rec.cells {
		limit, free := maxCellChars, false
		if i < len(s.limits) {
			limit, free = s.limits[i], s.free[i]
		}
		if len(c) <= limit { // no more characters than bytes
			continue
		}
		v := clean(c)
		if free {
			v = cleanText(c)
		}
		if k := utf8.RuneCountInString(v); k > limit {
			if l := s.label(i); l != "" {
				p.add(rec.line, l, "import.cell.too_long", k, limit)
			} else {
				p.add(rec.line, "", "import.cell.too_long_at", strconv.Itoa(i+1), k, limit)
			}
			ok = false
		}
	}
	return ok
}

// excerpt quotes the start of a value for a message.
func excerpt(v string) string {
	const most = 20
	if utf8.RuneCountInString(v) <= most {
		return fmt.Sprintf("%q", v)
	}
	r := []rune(v)
	return fmt.Sprintf("%q…", string(r[:most]))
}

// nextHeader reads the next record for the header (or a title line above
// it): a record with problems of its own (an invalid byte, a line too
// long) is returned as the *badInput of its first problem.
func nextHeader(src source) (record, error) {
	rec, err := src.next()
	if err == nil && len(rec.probs) > 0 {
		return record{}, &badInput{line: rec.probs[0].line, msg: rec.probs[0].msg}
	}
	return rec, err
}
