package importer

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"baoxue/i18n"
)

// record is one line (CSV) or row (XLSX) of an input, header included.
type record struct {
	line  int
	cells []string
	// raws holds XLSX raw cell values (date cells as serial numbers); nil
	// for CSV and in-memory rows.
	raws []string
	// date1904 says raws' date serials count from 1904 (Excel for Mac).
	date1904 bool
	// probs are problems of the record itself (an invalid byte, a line too
	// long): it is reported and not read.
	probs []lineProblem
	// whole says the record has every cell of its row, as a CSV line has:
	// a row with fewer cells than the header is then a problem. XLSX rows
	// end at their last non-empty cell.
	whole bool
}

// source yields the records of one input in order; next returns io.EOF at
// the end. A *badInput error is a problem of the file, reported as bad rows.
type source interface {
	next() (record, error)
	close() error
}

// badInput is a problem with the input itself (unreadable, malformed CSV),
// at a line when known.
type badInput struct {
	line int
	msg  i18n.Message
}

// Error renders the problem with its line in Chinese, the default, for
// wrapping outside BadRows; see Localize.
func (b *badInput) Error() string { return b.Localize(i18n.Default()) }

// Localize renders the problem with its line in p's language.
func (b *badInput) Localize(p *i18n.Printer) string {
	return p.Sprintf("import.at_line", strconv.Itoa(b.line), b.msg)
}

// bad makes a *badInput of the file as a whole with the message key and args.
func bad(key string, args ...any) *badInput { return &badInput{msg: i18n.M(key, args...)} }

// badAt makes a *badInput at line with the message key and args.
func badAt(line int, key string, args ...any) *badInput {
	return &badInput{line: line, msg: i18n.M(key, args...)}
}

// openSource opens a CSV or XLSX file. XLSX is recognised by its extension
// or the zip signature, and read within lim; anything else is read as CSV.
func openSource(path string, lim Limits) (source, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, bad("import.file.missing")
		}
		return nil, bad("import.open.failed", err)
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || ext == ".xlsx" || ext == ".xlsm":
		f.Close()
		return openXLSX(path, lim)
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}) || ext == ".xls":
		f.Close()
		return nil, bad("import.file.xls")
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		f.Close()
		return nil, bad("import.file.utf16")
	}
	src, err := newCSV(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return src, nil
}

// csvSource reads CSV in UTF-8 (with or without BOM) or GB18030/GBK, the
// encoding Chinese Excel saves "CSV (逗号分隔)" in; sniffEncoding decides
// which.
type csvSource struct {
	f io.Closer
	r *csvReader
}

// newCSV decides the encoding of the file (see sniffEncoding), rewinds and
// reads it record by record. f is closed by close.
func newCSV(f io.ReadSeekCloser) (*csvSource, error) {
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	enc, bom, err := sniffEncoding(f)
	if err != nil {
		return nil, bad("import.read.failed", err)
	}
	if _, err := f.Seek(int64(bom), io.SeekStart); err != nil {
		return nil, err
	}
	var rd io.Reader = bufio.NewReaderSize(f, int(min(size+16, 1<<20)))
	if enc == encGB18030 {
		rd = transform.NewReader(rd, simplifiedchinese.GB18030.NewDecoder())
	}
	br := bufio.NewReaderSize(rd, maxRecordBytes)
	return &csvSource{f: f, r: newCSVReader(br, sniffComma(br), enc)}, nil
}

// sniffComma reads the delimiter off the header line: a comma, unless the
// line has tabs (or semicolons) and no commas.
func sniffComma(br *bufio.Reader) byte {
	line, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if bytes.IndexByte(line, ',') >= 0 {
		return ','
	}
	if bytes.IndexByte(line, '\t') >= 0 {
		return '\t'
	}
	if bytes.IndexByte(line, ';') >= 0 {
		return ';'
	}
	return ','
}

func (s *csvSource) next() (record, error) {
	cells, line, probs, err := s.r.read()
	if err != nil {
		return record{}, err
	}
	return record{line: line, cells: cells, probs: probs, whole: true}, nil
}

func (s *csvSource) close() error { return s.f.Close() }

// memSource serves in-memory rows (rule unit tests) as if read from a file.
type memSource struct {
	header []string
	rows   [][]string
	lines  []int
	i      int
}

func (m *memSource) next() (record, error) {
	if m.i == 0 {
		m.i++
		// In-memory rows have no header line: a missing column is reported
		// at the first row.
		line := 1
		if len(m.lines) > 0 && m.lines[0] > 0 {
			line = m.lines[0]
		}
		return record{line: line, cells: m.header}, nil
	}
	k := m.i - 1
	if k >= len(m.rows) {
		return record{}, io.EOF
	}
	m.i++
	line := k + 2
	if k < len(m.lines) {
		line = m.lines[k]
	}
	return record{line: line, cells: m.rows[k]}, nil
}

func (m *memSource) close() error { return nil }
