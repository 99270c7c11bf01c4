package importer

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// xlsxSource streams the first sheet of a workbook with excelize, reading
// raw cell values: date cells arrive as serial numbers (row.date turns them
// into dates whatever their display format), numbers exactly as stored. A
// long identity number typed into a number cell is stored by Excel as
// 5.0023420130220006E+17 (or with its last digits zeroed), which the
// identity checks report; formatting every cell for display instead costs
// ten times as much on date cells.
type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	line int
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
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, &badInput{msg: fmt.Sprintf("cannot read sheet %q: %v", sheets[0], err)}
	}
	return &xlsxSource{f: f, rows: rows}, nil
}

func (s *xlsxSource) next() (record, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return record{}, &badInput{line: s.line + 1, msg: fmt.Sprintf("cannot read the sheet: %v", err)}
		}
		return record{}, io.EOF
	}
	s.line++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return record{}, &badInput{line: s.line, msg: fmt.Sprintf("cannot read the row: %v", err)}
	}
	return record{line: s.line, cells: cells, raws: cells}, nil
}

func (s *xlsxSource) close() error {
	s.rows.Close()
	return s.f.Close()
}
