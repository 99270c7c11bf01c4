package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path"
	"strings"
	"unicode/utf8"

	"baoxue/i18n"
)

// xlsxSource streams the first sheet of an XLSX workbook (see sheetReader)
// within Limits. It reads only the parts it needs — the list of sheets, the
// first sheet and the shared strings — straight from the zip archive:
// their unzipped size is checked against the zip directory before they are
// read and counted while they are; the shared strings are held compactly;
// a row is in memory one at a time, and no token, cell or nesting of the
// XML can grow beyond the bounds of xlsx_xml.go. A damaged part (one that
// fails its checksum, is shorter or longer than its directory entry, or is
// not well-formed XML) is bad input, never a sheet silently cut short.
type xlsxSource struct {
	lim     Limits
	book    *xlsxBook
	index   xlsxIndex
	file    io.Closer     // the workbook's file; nil when read from memory
	part    io.ReadCloser // the first sheet's part, unzipping
	raw     io.Reader     // the same, counted, below the XML decoder
	sheet   *sheetReader  // nil when the first sheet is not a worksheet
	emitted bool          // a row was returned
	done    bool
}

// What the messages call the parts they are about: catalog keys.
const (
	partIndex   = "import.xlsx.part.index"
	partStrings = "import.xlsx.part.strings"
	partSheet   = "import.xlsx.part.sheet"
)

func openXLSX(name string, lim Limits) (source, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, bad("import.open.failed", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, bad("import.open.failed", err)
	}
	src, err := newXLSX(f, info.Size(), lim)
	if err != nil {
		f.Close()
		return nil, err
	}
	src.file = f
	return src, nil
}

// newXLSX opens the workbook of size bytes read from r and reads up to the
// first row of its first sheet. Every problem of the file is a *badInput.
func newXLSX(r io.ReaderAt, size int64, lim Limits) (*xlsxSource, error) {
	lim = lim.withDefaults()
	if size == 0 {
		return nil, bad("import.xlsx.empty_file")
	}
	head := make([]byte, len(oleSignature))
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	if bytes.Equal(head, oleSignature) {
		return nil, oleProblem(r, size)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // no part is written to disk
		if bytes.HasPrefix(head, []byte("PK")) {
			return nil, bad("import.xlsx.zip_directory")
		}
		return nil, bad("import.xlsx.not_zip")
	}
	s := &xlsxSource{lim: lim, book: newBook(zr, lim.XLSXMaxBytes)}
	sheetPart, stringsPart, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	if err := s.openSheet(sheetPart, stringsPart); err != nil {
		if s.part != nil {
			s.part.Close()
		}
		return nil, err
	}
	return s, nil
}

// readIndex reads the workbook's list of sheets and finds the parts of the
// first sheet (nil when it is not a worksheet) and of the shared strings
// (nil when there are none).
func (s *xlsxSource) readIndex() (sheetPart, stringsPart *zip.File, err error) {
	wb, err := s.workbookPath()
	if err != nil {
		return nil, nil, err
	}
	wbPart := s.book.part(wb)
	if wbPart == nil {
		return nil, nil, bad("import.xlsx.no_workbook")
	}
	if err := s.book.read(wbPart, func(x *xmlReader) (err error) { s.index, err = readWorkbook(x); return err }); err != nil {
		return nil, nil, s.problem(partIndex, err)
	}
	if s.index.count == 0 {
		return nil, nil, bad("import.xlsx.no_sheet")
	}
	return s.firstSheet(wb)
}

// workbookPath returns the name of the workbook part, which the package's
// relationships give.
func (s *xlsxSource) workbookPath() (string, error) {
	wb := "xl/workbook.xml"
	if f := s.book.part("_rels/.rels"); f != nil {
		found := false
		err := s.book.read(f, func(x *xmlReader) error {
			return readRels(x, func(r xlsxRel) {
				if !found && relType(r.typ, "officeDocument") && !r.external {
					wb, found = partPath("", r.target), true
				}
			})
		})
		if err != nil {
			return "", s.problem(partIndex, err)
		}
	}
	if strings.HasSuffix(wb, ".bin") {
		return "", bad("import.xlsx.xlsb")
	}
	return wb, nil
}

// firstSheet finds the parts of the first sheet and of the shared strings
// through the relationships of the workbook part wb.
func (s *xlsxSource) firstSheet(wb string) (sheetPart, stringsPart *zip.File, err error) {
	first := s.index.sheets[0]
	var sheetRel *xlsxRel
	stringsName := "xl/sharedstrings.xml"
	if f := s.book.part(relsPath(wb)); f != nil {
		dir := path.Dir(wb)
		err := s.book.read(f, func(x *xmlReader) error {
			return readRels(x, func(r xlsxRel) {
				switch {
				case r.external:
				case r.id == first.rid && sheetRel == nil:
					r.target = partPath(dir, r.target)
					sheetRel = &r
				case relType(r.typ, "sharedStrings"):
					stringsName = partPath(dir, r.target)
				}
			})
		})
		if err != nil {
			return nil, nil, s.problem(partIndex, err)
		}
	}
	if sheetRel != nil && !relType(sheetRel.typ, "worksheet") {
		return nil, nil, nil // a chart sheet: no cells
	}
	if sheetRel == nil || s.book.part(sheetRel.target) == nil {
		return nil, nil, bad("import.xlsx.damaged", i18n.M("import.xlsx.no_content", first.label()))
	}
	return s.book.part(sheetRel.target), s.book.part(stringsName), nil
}

// openSheet checks the size of the first sheet and the shared strings
// against the budget, reads the shared strings and opens the sheet.
func (s *xlsxSource) openSheet(sheetPart, stringsPart *zip.File) error {
	if sheetPart == nil {
		return nil
	}
	b := s.book
	if !b.budget.declare(sheetPart, stringsPart) {
		return s.problem(partSheet, errXLSXBudget)
	}
	var sst *sharedStrings
	if stringsPart != nil {
		rc, r, err := b.open(stringsPart)
		if err != nil {
			return s.problem(partStrings, err)
		}
		sst, err = readSharedStrings(newXMLReader(r))
		rc.Close()
		if err != nil {
			return s.problem(partStrings, err)
		}
	}
	rc, r, err := b.open(sheetPart)
	if err != nil {
		return s.problem(partSheet, err)
	}
	s.part, s.raw = rc, r
	s.sheet = &sheetReader{x: newXMLReader(r), sst: sst, maxCols: s.lim.MaxColumns}
	if err := s.sheet.start(); err != nil {
		return s.problem(partSheet, err)
	}
	return nil
}

func (s *xlsxSource) next() (record, error) {
	if s.done {
		return record{}, io.EOF
	}
	line, cells, err := 0, []string(nil), io.EOF
	if s.sheet != nil {
		line, cells, err = s.sheet.nextRow()
	}
	switch {
	case err == io.EOF:
		s.done = true
		if err := s.finish(); err != nil {
			return record{}, err
		}
		if !s.emitted {
			return record{}, s.emptyProblem()
		}
		return record{}, io.EOF
	case err != nil:
		s.done = true
		return record{}, s.problem(partSheet, err)
	case line > s.lim.MaxRows:
		s.done = true
		return record{}, bad("import.xlsx.max_rows", s.lim.MaxRows)
	}
	s.emitted = true
	return record{line: line, cells: cells, raws: cells, date1904: s.index.date1904}, nil
}

// finish reads the rest of the sheet's part, after its cells, without
// parsing it: the zip checks the checksum of a part at its end.
func (s *xlsxSource) finish() error {
	if s.raw == nil {
		return nil
	}
	if _, err := io.Copy(io.Discard, s.raw); err != nil {
		return s.problem(partSheet, err)
	}
	return nil
}

func (s *xlsxSource) close() error {
	if s.part != nil {
		s.part.Close()
	}
	if s.file != nil {
		return s.file.Close()
	}
	return nil
}

// emptyProblem says that the first sheet has no value, and which sheets
// the workbook has: the data is often on another.
func (s *xlsxSource) emptyProblem() *badInput {
	first := s.index.sheets[0]
	if s.index.count == 1 {
		return bad("import.xlsx.only_sheet_empty", first.label())
	}
	sheets := make(list, 0, len(s.index.sheets)+1)
	for _, sh := range s.index.sheets {
		sheets = append(sheets, sh.label())
	}
	if s.index.count > len(s.index.sheets) {
		sheets = append(sheets, i18n.M("import.xlsx.sheet_count", s.index.count))
	}
	return bad("import.xlsx.first_empty", first.label(), sheets)
}

// problem turns an error of reading a part into bad input: at the row
// being read when it is about the first sheet's content, else about the
// whole file.
func (s *xlsxSource) problem(part string, err error) *badInput {
	if msg, ok := s.fileProblem(part, err); ok {
		return &badInput{msg: msg}
	}
	line := 0
	if part == partSheet && s.sheet != nil {
		line = s.sheet.cur
	}
	return &badInput{line: line, msg: s.contentProblem(part, err)}
}

// damaged says that the workbook is damaged, and how (a message key of
// the catalog with args).
func damaged(key string, args ...any) i18n.Message {
	return i18n.M("import.xlsx.damaged", i18n.M(key, args...))
}

// fileProblem words the problems of the file as a whole: its size and its
// zip archive.
func (s *xlsxSource) fileProblem(part string, err error) (i18n.Message, bool) {
	switch {
	case errors.Is(err, errXLSXBudget):
		if part == partIndex {
			return i18n.M("import.xlsx.budget_index", byteSize(s.lim.XLSXMaxBytes)), true
		}
		return i18n.M("import.xlsx.budget_sheet", byteSize(s.lim.XLSXMaxBytes)), true
	case errors.Is(err, zip.ErrChecksum):
		return damaged("import.xlsx.checksum", i18n.M(part)), true
	case errors.Is(err, zip.ErrFormat), errors.Is(err, io.ErrUnexpectedEOF):
		return damaged("import.xlsx.short", i18n.M(part)), true
	case errors.Is(err, zip.ErrAlgorithm):
		return i18n.M("import.xlsx.compression", i18n.M(part)), true
	}
	return i18n.Message{}, false
}

// contentProblem words the problems of a part's XML and of the sheet's
// cells.
func (s *xlsxSource) contentProblem(part string, err error) i18n.Message {
	var (
		syntax  *xml.SyntaxError
		rowNum  *badRowNumber
		ref     *badCellRef
		shared  *badSharedString
		cols    *tooManyColumns
		long    *cellTooLong
		charset *unknownCharset
	)
	what := i18n.M(part)
	switch {
	case errors.Is(err, errXMLToken):
		return damaged("import.xlsx.token", what, byteSize(xlsxMaxToken))
	case errors.Is(err, errXMLDoctype):
		return damaged("import.xlsx.doctype", what)
	case errors.Is(err, errXMLDepth):
		return damaged("import.xlsx.depth", what, xlsxMaxDepth)
	case errors.Is(err, errCellTooLong):
		return i18n.M("import.xlsx.part_cell_too_long", what, xlsxMaxCellChars)
	case errors.As(err, &syntax):
		return damaged("import.xlsx.xml", what, cut(syntax.Msg))
	case errors.As(err, &cols):
		return i18n.M("import.xlsx.max_columns", s.lim.MaxColumns, cols.ref)
	case errors.As(err, &long):
		return i18n.M("import.xlsx.cell_too_long", long.ref, xlsxMaxCellChars)
	case errors.As(err, &shared):
		return damaged("import.xlsx.shared_string", shared.ref, shared.v, shared.n)
	case errors.As(err, &rowNum):
		return damaged("import.xlsx.row_number", rowNum.r)
	case errors.As(err, &ref):
		return damaged("import.xlsx.cell_ref", ref.r)
	case errors.As(err, &charset):
		return damaged("import.xlsx.unreadable", what, i18n.M("import.xlsx.charset", charset.label))
	}
	return damaged("import.xlsx.unreadable", what, cut(err.Error()))
}

// cut shortens a message of a library, which may quote the workbook.
func cut(msg string) string {
	const most = 80
	if len(msg) <= most {
		return msg
	}
	i := most
	for i > 0 && !utf8.RuneStart(msg[i]) {
		i--
	}
	return msg[:i] + "…"
}
