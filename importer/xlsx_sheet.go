package importer

import (
	"encoding/binary"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// sheetReader streams the rows of a worksheet part, one row in memory at a
// time, reading raw cell values as Excel stores them: numbers and dates as
// numbers (date cells as serial numbers, whatever their display format),
// text from the shared strings or the cell itself, booleans as 1 or 0,
// formulas as their cached result.
type sheetReader struct {
	x       *xmlReader
	sst     *sharedStrings
	maxCols int
	data    int // depth of <sheetData>; 0 when the sheet has none
	row     int // number of the last row read
	cur     int // number of the row being read; 0 between rows
	col     int // column of the last cell read in the current row
	ref     string
	buf     []byte
}

// errors of a sheet's content, placed at the row being read
type (
	// badRowNumber: a row's r attribute is not a row number.
	badRowNumber struct{ r string }
	// badCellRef: a cell's r attribute is not a cell reference.
	badCellRef struct{ r string }
	// badSharedString: a cell refers to a shared string the workbook does
	// not have.
	badSharedString struct {
		ref, v string
		n      int
	}
	// tooManyColumns: a value beyond Limits.MaxColumns.
	tooManyColumns struct {
		ref string
		col int
	}
	// cellTooLong: a value longer than Excel allows.
	cellTooLong struct{ ref string }
)

func (e *badRowNumber) Error() string    { return "bad row number " + e.r }
func (e *badCellRef) Error() string      { return "bad cell reference " + e.r }
func (e *badSharedString) Error() string { return "bad shared string " + e.v }
func (e *tooManyColumns) Error() string  { return "too many columns at " + e.ref }
func (e *cellTooLong) Error() string     { return "cell too long at " + e.ref }

// start reads up to the sheet's <sheetData>; a sheet without one (a chart
// sheet) has no rows.
func (s *sheetReader) start() error {
	for {
		t, err := s.x.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if e, ok := t.(xml.StartElement); ok && e.Name.Local == "sheetData" && s.x.depth == 2 {
			s.data = s.x.depth
			return nil
		}
	}
}

// nextRow returns the number and the values of the next row that has a
// value (rows without one are skipped, as CSV skips empty lines); io.EOF at
// the end of the sheet's data. The values are placed in their columns, up
// to the last value of the row.
func (s *sheetReader) nextRow() (int, []string, error) {
	if s.data == 0 {
		return 0, nil, io.EOF
	}
	for {
		t, err := s.x.token()
		if err != nil {
			if err == io.EOF { // cannot be: <sheetData> is open
				err = &xml.SyntaxError{Msg: "unexpected EOF"}
			}
			return 0, nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Local != "row" || s.x.depth != s.data+1 {
				if err := s.x.skip(); err != nil {
					return 0, nil, err
				}
				continue
			}
			cells, err := s.readRow(t)
			if err != nil {
				return 0, nil, err
			}
			if len(cells) > 0 {
				return s.row, cells, nil
			}
		case xml.EndElement:
			if s.x.depth < s.data {
				s.data = 0
				return 0, nil, io.EOF
			}
		}
	}
}

// readRow reads the row whose start was just read. A row without a number
// follows the one before, and so does one whose number is not after it, as
// excelize read them.
func (s *sheetReader) readRow(start xml.StartElement) ([]string, error) {
	n := s.row + 1
	if v, ok := attr(start, "r"); ok {
		r, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || r < 1 || r > 1<<40 {
			s.cur = n
			return nil, &badRowNumber{r: quoteShort(v)}
		}
		n = max(n, r)
	}
	s.row, s.cur, s.col = n, n, 0
	var cells []string
	for {
		t, err := s.x.token()
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" || s.x.depth != s.data+2 {
				if err := s.x.skip(); err != nil {
					return nil, err
				}
				continue
			}
			if cells, err = s.readCell(t, cells); err != nil {
				return nil, err
			}
		case xml.EndElement:
			if s.x.depth == s.data {
				s.cur = 0
				return cells, nil
			}
		}
	}
}

// readCell reads the cell whose start was just read and places its value,
// if it has one, in cells. A cell without a reference follows the one
// before; a value whose column is not after the last value's goes after
// it, as excelize placed it.
func (s *sheetReader) readCell(start xml.StartElement, cells []string) ([]string, error) {
	s.col++
	s.ref = ""
	if r, ok := attr(start, "r"); ok {
		col, ok := columnOf(r)
		if !ok {
			return nil, &badCellRef{r: quoteShort(r)}
		}
		s.col, s.ref = col, r
	}
	typ, _ := attr(start, "t")
	v, err := s.cellValue(typ)
	if err != nil {
		return nil, err
	}
	if v == "" {
		return cells, nil
	}
	col := max(s.col, len(cells)+1)
	if col > s.maxCols {
		return nil, &tooManyColumns{ref: s.cellRef(), col: col}
	}
	for len(cells) < col-1 {
		cells = append(cells, "")
	}
	return append(cells, v), nil
}

// cellValue reads the content of a cell of type typ (its t attribute) up
// to its end and returns its raw value.
func (s *sheetReader) cellValue(typ string) (string, error) {
	var v string
	var inline *string
	for d := s.x.depth; ; {
		t, err := s.x.token()
		if err != nil {
			return "", s.cellError(err)
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch {
			case s.x.depth != d+1:
				err = s.x.skip()
			case t.Name.Local == "v":
				s.buf, err = s.x.text(s.buf[:0], xlsxMaxCellBytes)
				v = string(s.buf)
			case t.Name.Local == "is":
				s.buf, err = s.x.richText(s.buf[:0], xlsxMaxCellBytes)
				text := unescapeOOXML(s.buf)
				inline = &text
			default: // <f>, the formula; <extLst>
				err = s.x.skip()
			}
			if err != nil {
				return "", s.cellError(err)
			}
		case xml.EndElement:
			if s.x.depth < d {
				return s.typed(typ, v, inline)
			}
		}
	}
}

// typed turns the text of <v> (or of <is>) into the cell's raw value.
func (s *sheetReader) typed(typ, v string, inline *string) (string, error) {
	switch typ {
	case "inlineStr":
		if inline != nil {
			v = *inline
		}
	case "s":
		if v == "" {
			return "", nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		text, ok := s.sst.get(i)
		if err != nil || !ok {
			return "", &badSharedString{ref: s.cellRef(), v: quoteShort(v), n: s.sst.len()}
		}
		v = text
	}
	if len(v) > xlsxMaxCellChars && utf8.RuneCountInString(v) > xlsxMaxCellChars {
		return "", &cellTooLong{ref: s.cellRef()}
	}
	return v, nil
}

func (s *sheetReader) cellError(err error) error {
	if errors.Is(err, errCellTooLong) {
		return &cellTooLong{ref: s.cellRef()}
	}
	return err
}

// cellRef names the cell being read: its reference (checked by columnOf),
// else its column and row.
func (s *sheetReader) cellRef() string {
	if s.ref != "" {
		return s.ref
	}
	return columnName(s.col) + strconv.Itoa(s.cur)
}

// columnOf returns the column of a cell reference such as "AB12" (A is 1),
// and false when ref is not one within Excel's 16,384 columns.
func columnOf(ref string) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref) && i < 4; i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	if i == 0 || i > 3 || col > 16384 || i == len(ref) || len(ref)-i > 10 {
		return 0, false
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	return col, true
}

// columnName is the letters of column col: 1 is A, 27 is AA.
func columnName(col int) string {
	var b []byte
	for ; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(b)
}

// sharedStrings is the shared string table of a workbook, held compactly
// since a sheet's cells refer to it at random: the text of every item back
// to back in chunks, the length of each as a uvarint, and where every 16th
// item starts. An item costs its text and about two bytes, so that a part
// of millions of empty items cannot take more memory than its own size.
type sharedStrings struct {
	chunks [][]byte // text; every chunk but the last has sstChunk bytes
	size   int64    // bytes of text
	lens   []byte   // the uvarint length of each item
	marks  []sstMark
	n      int
}

// sstMark says where item k*sstEvery starts.
type sstMark struct {
	text int64 // offset of its text
	lens int   // offset of its length in lens
}

const (
	sstChunk = 1 << 20
	sstEvery = 16
)

func (s *sharedStrings) len() int {
	if s == nil {
		return 0
	}
	return s.n
}

func (s *sharedStrings) add(v string) {
	if s.n%sstEvery == 0 {
		s.marks = append(s.marks, sstMark{text: s.size, lens: len(s.lens)})
	}
	s.lens = binary.AppendUvarint(s.lens, uint64(len(v)))
	s.n++
	s.size += int64(len(v))
	for len(v) > 0 {
		switch {
		case len(s.chunks) == 0: // grown as needed: most tables are small
			s.chunks = append(s.chunks, make([]byte, 0, min(sstChunk, max(len(v), 4096))))
		case len(s.chunks[len(s.chunks)-1]) == sstChunk:
			s.chunks = append(s.chunks, make([]byte, 0, sstChunk))
		}
		last := &s.chunks[len(s.chunks)-1]
		k := min(sstChunk-len(*last), len(v))
		*last = append(*last, v[:k]...)
		v = v[k:]
	}
}

// get returns item i, and false when there is none.
func (s *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i >= s.len() {
		return "", false
	}
	m := s.marks[i/sstEvery]
	pos, off := m.text, m.lens
	for k := i - i%sstEvery; ; k++ {
		l, w := binary.Uvarint(s.lens[off:])
		if k == i {
			return s.text(pos, int(l)), true
		}
		off += w
		pos += int64(l)
	}
}

// text returns n bytes of text from offset pos, which may span chunks.
func (s *sharedStrings) text(pos int64, n int) string {
	if n == 0 {
		return ""
	}
	c, o := int(pos/sstChunk), int(pos%sstChunk)
	if o+n <= len(s.chunks[c]) {
		return string(s.chunks[c][o : o+n])
	}
	b := make([]byte, 0, n)
	for ; len(b) < n; c, o = c+1, 0 {
		part := s.chunks[c][o:]
		b = append(b, part[:min(len(part), n-len(b))]...)
	}
	return string(b)
}

// readSharedStrings reads a shared strings part to its end.
func readSharedStrings(x *xmlReader) (*sharedStrings, error) {
	s := &sharedStrings{}
	var buf []byte
	for {
		t, err := x.token()
		if err == io.EOF {
			return s, nil
		}
		if err != nil {
			return nil, err
		}
		if e, ok := t.(xml.StartElement); ok && e.Name.Local == "si" && x.depth == 2 {
			if buf, err = x.richText(buf[:0], xlsxMaxCellBytes); err != nil {
				return nil, err
			}
			v := unescapeOOXML(buf)
			if len(v) > xlsxMaxCellChars && utf8.RuneCountInString(v) > xlsxMaxCellChars {
				return nil, errCellTooLong
			}
			s.add(v)
		}
	}
}
