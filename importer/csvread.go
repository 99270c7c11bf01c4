package importer

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"baoxue/i18n"
)

// maxRecordBytes bounds one CSV record: a physical line, or the lines of a
// record whose quoted value spans lines, line ends included. Nothing longer
// is ever held in memory: a longer record is skipped to its end and
// reported at its line.
const maxRecordBytes = 64 << 10

// lineProblem is a problem of one record of the input at a physical line;
// the record is not read, the file goes on being checked.
type lineProblem struct {
	line int
	msg  i18n.Message
}

// csvReader splits CSV text, as Excel writes it (RFC 4180: a value with a
// separator, quote or line break is quoted, its quotes doubled), into
// records. Lines end in LF or CRLF; empty lines are skipped; a quoted value
// may span lines (each line end read as LF). Unlike encoding/csv it bounds
// a record (maxRecordBytes), reports an invalid UTF-8 byte at its line and
// column and keeps going, and reports a quote that never closes at the line
// where it opened.
type csvReader struct {
	br    *bufio.Reader
	comma byte
	// enc says how each line is checked (see checkLine).
	enc   encoding
	line  int // physical lines consumed
	buf   []byte
	ends  []int
	cells []string
}

// newCSVReader reads r, text in enc (decoded when enc is encGB18030),
// which the caller has positioned after any byte order mark.
func newCSVReader(r io.Reader, comma byte, enc encoding) *csvReader {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < maxRecordBytes {
		br = bufio.NewReaderSize(r, maxRecordBytes)
	}
	return &csvReader{br: br, comma: comma, enc: enc}
}

// CSV parser states.
const (
	stFieldStart = iota // at the start of a value
	stUnquoted          // inside a value without quotes
	stQuoted            // inside a quoted value
	stQuoteSeen         // just after a quote inside a quoted value: it closes it or is doubled
)

// read returns the next record: its cells (valid until the next call), the
// line where it starts, and the problems that keep it from being read (its
// cells are then nil, so that no damaged text goes further). io.EOF ends
// the input; a *badInput is CSV so malformed that the rest of the file
// cannot be read reliably.
func (c *csvReader) read() (cells []string, start int, probs []lineProblem, err error) {
	c.buf, c.ends = c.buf[:0], c.ends[:0]
	st, size := stFieldStart, 0
	quoteLine, spanLine := 0, 0 // where the open quote opened; where the first quote spanning lines opened
	for {
		line, ended, full, err := c.readLine()
		if err != nil && err != io.EOF {
			return nil, 0, nil, badAt(c.line+1, "import.read.failed", err)
		}
		if err == io.EOF && len(line) == 0 && !ended {
			return c.atEOF(st, start, quoteLine, probs)
		}
		cur := c.line + 1
		if start == 0 && len(line) == 0 && ended && full {
			c.line++ // an empty line between records
			continue
		}
		if start == 0 {
			start = cur
		}
		if size += len(line) + 1; !full || size > maxRecordBytes {
			return c.overflow(line, full, ended, st == stQuoted, start, quoteLine, spanLine, probs)
		}
		if p, ok := c.checkLine(line, cur); !ok {
			probs = append(probs, p)
		}
		if ended {
			c.line++
		}
		if st, quoteLine, err = c.parseLine(line, ended, st, quoteLine, cur); err != nil {
			return nil, 0, nil, err
		}
		if st != stQuoted {
			return c.result(start, probs)
		}
		if spanLine == 0 {
			spanLine = quoteLine
		}
	}
}

// atEOF ends the input in state st: the record begun at line start, if
// any, is complete unless a quoted value is still open.
func (c *csvReader) atEOF(st, start, quoteLine int, probs []lineProblem) ([]string, int, []lineProblem, error) {
	switch {
	case start == 0:
		return nil, 0, nil, io.EOF
	case st == stQuoted:
		return nil, 0, nil, badAt(quoteLine, "import.csv.unclosed")
	}
	return c.result(start, probs)
}

// result returns the record parsed into buf, or only its problems.
func (c *csvReader) result(start int, probs []lineProblem) ([]string, int, []lineProblem, error) {
	if len(probs) > 0 {
		return nil, start, probs, nil
	}
	return c.record(), start, nil, nil
}

// parseLine reads one physical line (without its line end) in state st and
// returns the state at its end: stFieldStart when the record is complete,
// stQuoted when a quoted value goes on to the next line. cur is the line's
// number; ended whether a line end followed it.
func (c *csvReader) parseLine(line []byte, ended bool, st, quoteLine, cur int) (int, int, error) {
	for i := 0; ; {
		switch st {
		case stFieldStart:
			if i < len(line) && line[i] == '"' {
				st, quoteLine = stQuoted, cur
				i++
				continue
			}
			st = stUnquoted
		case stUnquoted:
			seg := line[i:]
			j := bytes.IndexByte(seg, c.comma)
			if j >= 0 {
				seg = seg[:j]
			}
			if q := bytes.IndexByte(seg, '"'); q >= 0 {
				return st, quoteLine, badAt(cur, "import.csv.bare_quote")
			}
			c.buf = append(c.buf, seg...)
			c.ends = append(c.ends, len(c.buf))
			if j < 0 {
				return stFieldStart, quoteLine, nil
			}
			i += j + 1
			st = stFieldStart
		case stQuoted:
			j := bytes.IndexByte(line[i:], '"')
			if j < 0 {
				c.buf = append(c.buf, line[i:]...)
				if ended {
					c.buf = append(c.buf, '\n')
				}
				return stQuoted, quoteLine, nil
			}
			c.buf = append(c.buf, line[i:i+j]...)
			i += j + 1
			st = stQuoteSeen
		case stQuoteSeen:
			switch {
			case i == len(line):
				c.ends = append(c.ends, len(c.buf))
				return stFieldStart, quoteLine, nil
			case line[i] == '"':
				c.buf = append(c.buf, '"')
				st = stQuoted
			case line[i] == c.comma:
				c.ends = append(c.ends, len(c.buf))
				st = stFieldStart
			case quoteLine < cur:
				return st, quoteLine, badAt(quoteLine, "import.csv.closed_later", strconv.Itoa(cur))
			default:
				return st, quoteLine, badAt(cur, "import.csv.extra_quote")
			}
			i++
		}
	}
}

// record returns the cells of the record parsed into buf, sharing one
// string.
func (c *csvReader) record() []string {
	s := string(c.buf)
	c.cells = c.cells[:0]
	prev := 0
	for _, end := range c.ends {
		c.cells = append(c.cells, s[prev:end])
		prev = end
	}
	return c.cells
}

// readLine returns the next physical line without its line end (LF or
// CRLF), whether a line end followed it, and whether it is whole (false: it
// is the first maxRecordBytes of a longer line, whose rest is still
// unread). At the end of the input it returns io.EOF with the last line
// when that has no line end.
func (c *csvReader) readLine() (line []byte, ended, full bool, err error) {
	line, err = c.br.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull:
		return line, false, false, nil
	case err == nil:
		line = line[:len(line)-1]
		ended = true
	case err != io.EOF:
		return nil, false, true, err
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, ended, true, err
}

// checkLine checks the text of a physical line: nothing in a file found
// valid UTF-8 to its end, UTF-8 in a file read as UTF-8 with errors, and
// that the text decoded from GB18030 is plausible (see notGB): the encoding
// was decided on the start of the file, and a later line that contradicts
// it is refused here.
func (c *csvReader) checkLine(line []byte, cur int) (lineProblem, bool) {
	switch c.enc {
	case encUTF8Damaged:
		if !utf8.Valid(line) {
			return lineProblem{line: cur, msg: invalidUTF8(line)}, false
		}
	case encGB18030:
		if i := notGBAt(line); i >= 0 {
			return lineProblem{line: cur, msg: i18n.M("import.gb18030.invalid", strconv.Itoa(utf8.RuneCount(line[:i])+1))}, false
		}
	}
	return lineProblem{}, true
}

// invalidUTF8 describes the first byte of line that is not UTF-8, at its
// column (counted in characters from 1), and how many more there are.
func invalidUTF8(line []byte) i18n.Message {
	col, bad, more := 1, -1, 0
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRune(line[i:])
		if r == utf8.RuneError && size == 1 {
			if bad < 0 {
				bad = i
			} else {
				more++
			}
		}
		if bad < 0 {
			col++
		}
		i += size
	}
	b, at := fmt.Sprintf("0x%02X", line[bad]), strconv.Itoa(col)
	if more > 0 {
		return i18n.M("import.utf8.invalid_more", b, at, more)
	}
	return i18n.M("import.utf8.invalid", b, at)
}

// overflow skips the rest of a record longer than maxRecordBytes without
// keeping it, following its quotes to find where it ends, and reports it.
// line is the physical line that made it too long (whole when full, else
// its first part); inQuote says whether a quoted value was open before it.
func (c *csvReader) overflow(line []byte, full, ended, inQuote bool, start, quoteLine, spanLine int, probs []lineProblem) ([]string, int, []lineProblem, error) {
	chunk, last := line, start
	for {
		cur := c.line + 1
		last = cur
		if n := bytes.Count(chunk, []byte{'"'}); n > 0 {
			if n%2 == 1 {
				inQuote = !inQuote
			}
			if inQuote {
				quoteLine = cur
			}
		}
		if full && ended {
			c.line++
			if !inQuote {
				break
			}
			if spanLine == 0 {
				spanLine = quoteLine
			}
		}
		var err error
		chunk, ended, full, err = c.readLine()
		if err != nil && err != io.EOF {
			return nil, 0, nil, badAt(c.line+1, "import.read.failed", err)
		}
		if err == io.EOF && len(chunk) == 0 && !ended {
			if inQuote {
				return nil, 0, nil, badAt(quoteLine, "import.csv.unclosed")
			}
			break
		}
	}
	return nil, start, append(probs, overflowProblem(start, last, spanLine)), nil
}

// overflowProblem reports a record of lines start to last longer than
// maxRecordBytes: at its line when it is one line, else at the line where
// the quoted value that made it span lines opened (spanLine, 0 when
// unknown), which most likely lacks its closing quote.
func overflowProblem(start, last, spanLine int) lineProblem {
	if last == start {
		return lineProblem{line: start, msg: i18n.M("import.csv.line_too_long", maxRecordBytes)}
	}
	at := start
	if spanLine > 0 {
		at = spanLine
	}
	return lineProblem{line: at, msg: i18n.M("import.csv.record_too_long",
		strconv.Itoa(start), strconv.Itoa(last), maxRecordBytes, strconv.Itoa(at))}
}
