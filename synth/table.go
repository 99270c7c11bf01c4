package synth

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// table writes one CSV file: UTF-8 without BOM, comma-separated, LF line
// ends, fields quoted only when they need it (RFC 4180).
type table struct {
	name   string
	f      *os.File
	w      *bufio.Writer
	b      []byte
	fields int
	rows   int
}

// createTable creates dir/name and writes the header row.
func createTable(dir, name string, header ...string) (*table, error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	t := &table{name: name, f: f, w: bufio.NewWriterSize(f, 256<<10), b: make([]byte, 0, 512)}
	for _, h := range header {
		t.str(h)
	}
	t.b = append(t.b, '\n')
	t.w.Write(t.b) // a write error is sticky and returned by close
	t.b, t.fields = t.b[:0], 0
	return t, nil
}

func (t *table) sep() {
	if t.fields > 0 {
		t.b = append(t.b, ',')
	}
	t.fields++
}

// str adds a text field, quoted if it holds a comma, quote or line break.
func (t *table) str(s string) {
	t.sep()
	if !strings.ContainsAny(s, ",\"\r\n") {
		t.b = append(t.b, s...)
		return
	}
	t.b = append(t.b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			t.b = append(t.b, '"')
		}
		t.b = append(t.b, s[i])
	}
	t.b = append(t.b, '"')
}

// bytes adds a field that never needs quoting (digits, letters).
func (t *table) bytes(p []byte) {
	t.sep()
	t.b = append(t.b, p...)
}

// num adds an integer field.
func (t *table) num(n int) {
	t.sep()
	t.b = strconv.AppendInt(t.b, int64(n), 10)
}

// flag adds a boolean field as 1 or 0.
func (t *table) flag(v bool) {
	t.sep()
	if v {
		t.b = append(t.b, '1')
	} else {
		t.b = append(t.b, '0')
	}
}

// date adds a YYYY-MM-DD field; day 0 (1970-01-01) is written empty, as
// "no date".
func (t *table) date(day int32) {
	t.sep()
	if day != 0 {
		t.b = appendDate(t.b, day)
	}
}

// end finishes the row.
func (t *table) end() {
	t.b = append(t.b, '\n')
	t.w.Write(t.b) // a write error is sticky and returned by close
	t.b, t.fields = t.b[:0], 0
	t.rows++
}

// close flushes and closes the file, returning the first write error.
func (t *table) close() error {
	ferr := t.w.Flush()
	cerr := t.f.Close()
	if ferr != nil {
		return fmt.Errorf("write %s: %w", t.name, ferr)
	}
	if cerr != nil {
		return fmt.Errorf("close %s: %w", t.name, cerr)
	}
	return nil
}
