package importer

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// xlsxSource streams the first sheet of a workbook. It walks the sheet twice
// in step: raw values keep date cells as serial numbers (so any date format
// reads right) and short numbers exact; formatted values tell a long
// identity number stored as a number (Excel shows 5.00234E+17 and has lost
// digits) from the same digits stored as text.
type xlsxSource struct {
	f        *excelize.File
	raw, fmt *excelize.Rows
	line     int
}

func openXLSX(path string) (source, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, &badInput{msg: fmt.Sprintf("not a readable .xlsx workbook: %v", err)}
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, &badInput{msg: "the workbook has no sheet"}
	}
	raw, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, &badInput{msg: fmt.Sprintf("cannot read sheet %q: %v", sheets[0], err)}
	}
	formatted, err := f.Rows(sheets[0])
	if err != nil {
		raw.Close()
		f.Close()
		return nil, &badInput{msg: fmt.Sprintf("cannot read sheet %q: %v", sheets[0], err)}
	}
	return &xlsxSource{f: f, raw: raw, fmt: formatted}, nil
}

func (s *xlsxSource) next() (record, error) {
	if !s.raw.Next() || !s.fmt.Next() {
		if err := s.raw.Error(); err != nil {
			return record{}, &badInput{line: s.line + 1, msg: fmt.Sprintf("cannot read the sheet: %v", err)}
		}
		return record{}, io.EOF
	}
	s.line++
	raws, err := s.raw.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return record{}, &badInput{line: s.line, msg: fmt.Sprintf("cannot read the row: %v", err)}
	}
	shown, err := s.fmt.Columns()
	if err != nil {
		return record{}, &badInput{line: s.line, msg: fmt.Sprintf("cannot read the row: %v", err)}
	}
	cells := make([]string, len(raws))
	for i, r := range raws {
		cells[i] = r
		if i < len(shown) && isScientific(shown[i]) && !isScientific(r) && numericDigits(r) > 15 {
			cells[i] = shown[i]
		}
	}
	return record{line: s.line, cells: cells, raws: raws}, nil
}

// numericDigits counts the digits of a plain number, 0 if v is not one.
func numericDigits(v string) int {
	if _, err := strconv.ParseFloat(v, 64); err != nil {
		return 0
	}
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] >= '0' && v[i] <= '9' {
			n++
		}
	}
	return n
}

func (s *xlsxSource) close() error {
	s.raw.Close()
	s.fmt.Close()
	return s.f.Close()
}
