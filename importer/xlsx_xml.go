package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// Bounds of the XML of a workbook that no spreadsheet comes near: they keep
// what one token, one cell and the nesting of elements can cost small
// whatever the budget of the whole file.
const (
	// xlsxMaxToken bounds one XML token (a tag, a run of text, a comment):
	// encoding/xml holds a whole token in memory.
	xlsxMaxToken = 1 << 20
	// xlsxMaxCellChars is Excel's own limit of a cell's text.
	xlsxMaxCellChars = 32767
	// xlsxMaxCellBytes bounds a cell's text while reading it (UTF-8 takes
	// up to 4 bytes a character).
	xlsxMaxCellBytes = 4 * xlsxMaxCellChars
	// xlsxMaxDepth bounds the nesting of elements (a sheet nests about 7
	// deep); encoding/xml keeps a stack of the open elements.
	xlsxMaxDepth = 64
)

var (
	// errXLSXBudget: the workbook unzips to more than Limits.XLSXMaxBytes.
	errXLSXBudget = errors.New("over import.xlsx_max_bytes")
	// errXMLToken: one XML token is longer than xlsxMaxToken.
	errXMLToken = errors.New("XML token too long")
	// errXMLDoctype: the part has a document type declaration, which Open
	// Packaging forbids (and which could declare entities).
	errXMLDoctype = errors.New("XML document type declaration")
	// errXMLDepth: elements nest deeper than xlsxMaxDepth.
	errXMLDepth = errors.New("XML nested too deeply")
	// errCellTooLong: a cell's text is longer than xlsxMaxCellBytes.
	errCellTooLong = errors.New("cell too long")
)

// xlsxBudget counts the unzipped bytes of a workbook against
// Limits.XLSXMaxBytes: first the sizes the zip directory declares, before a
// part is read, then the bytes actually unzipped.
type xlsxBudget struct {
	max, declared, read int64
}

// declare adds the declared sizes of parts (nil ones are absent) and
// reports whether the total is still within the budget.
func (b *xlsxBudget) declare(parts ...*zip.File) bool {
	for _, f := range parts {
		if f == nil {
			continue
		}
		if f.UncompressedSize64 > math.MaxInt64 || int64(f.UncompressedSize64) > b.max-b.declared {
			b.declared = b.max + 1
			return false
		}
		b.declared += int64(f.UncompressedSize64)
	}
	return true
}

// budgetReader reads a part, failing with errXLSXBudget once the bytes read
// through it and the parts read before exceed the budget.
type budgetReader struct {
	r io.Reader
	b *xlsxBudget
}

func (c budgetReader) Read(p []byte) (int, error) {
	left := c.b.max - c.b.read
	if left < 0 {
		return 0, errXLSXBudget
	}
	// Ask for one byte more than is left, so that going over is seen.
	if int64(len(p))-1 > left {
		p = p[:left+1]
	}
	n, err := c.r.Read(p)
	c.b.read += int64(n)
	if c.b.read > c.b.max {
		return 0, errXLSXBudget
	}
	return n, err
}

// tokenGuard passes XML through, failing with errXMLToken when one token
// grows beyond max bytes and with errXMLDoctype at a document type
// declaration. It follows the lexical structure only as far as it must:
// text up to '<', tags with their quoted attribute values up to '>',
// comments up to "-->", CDATA sections up to "]]>" and processing
// instructions up to "?>".
type tokenGuard struct {
	r     io.Reader
	max   int
	n     int // bytes of the current token
	state guardState
	quote byte
	prev  [2]byte // the last two bytes of the token, for the ends of comments and CDATA
	err   error
}

type guardState uint8

const (
	inText    guardState = iota
	afterLT              // '<'
	afterBang            // "<!"
	afterDash            // "<!-"
	inTag
	inQuote
	inComment
	inCDATA
	inPI
)

func (g *tokenGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i := range n {
		if g.err = g.step(p[i]); g.err != nil {
			return 0, g.err
		}
	}
	return n, err
}

func (g *tokenGuard) step(c byte) error {
	g.n++
	prev := g.prev
	g.prev = [2]byte{prev[1], c}
	switch g.state {
	case inText:
		if c == '<' {
			g.state, g.n = afterLT, 1
		}
	case afterLT:
		switch c {
		case '!':
			g.state = afterBang
		case '?':
			// As encoding/xml does, look for the end only after the start.
			g.state, g.prev = inPI, [2]byte{}
		default:
			g.state = inTag
			g.tagByte(c)
		}
	case afterBang:
		switch c {
		case '-':
			g.state = afterDash
		case '[':
			g.state, g.prev = inCDATA, [2]byte{}
		default:
			return errXMLDoctype
		}
	case afterDash:
		if c != '-' {
			return errXMLDoctype
		}
		g.state, g.prev = inComment, [2]byte{}
	case inTag:
		g.tagByte(c)
	case inQuote:
		if c == g.quote {
			g.state = inTag
		}
	case inComment:
		if c == '>' && prev == [2]byte{'-', '-'} {
			g.state, g.n = inText, 0
		}
	case inCDATA:
		if c == '>' && prev == [2]byte{']', ']'} {
			g.state, g.n = inText, 0
		}
	case inPI:
		if c == '>' && prev[1] == '?' {
			g.state, g.n = inText, 0
		}
	}
	if g.n > g.max {
		return errXMLToken
	}
	return nil
}

func (g *tokenGuard) tagByte(c byte) {
	switch c {
	case '"', '\'':
		g.state, g.quote = inQuote, c
	case '>':
		g.state, g.n = inText, 0
	}
}

// xmlReader reads the tokens of one part of a workbook within the bounds
// above, keeping the depth of the current element.
type xmlReader struct {
	dec   *xml.Decoder
	depth int
}

func newXMLReader(r io.Reader) *xmlReader {
	dec := xml.NewDecoder(&tokenGuard{r: r, max: xlsxMaxToken})
	dec.CharsetReader = xmlCharset
	return &xmlReader{dec: dec}
}

// xmlCharset decodes a part whose XML declaration names an encoding other
// than UTF-8 (a GB2312 part of an old exporter).
func xmlCharset(label string, in io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, &unknownCharset{label: quoteShort(label)}
	}
	return transform.NewReader(in, enc.NewDecoder()), nil
}

// unknownCharset is the error of a part whose XML declaration names an
// encoding xmlCharset does not know; label is quoted.
type unknownCharset struct{ label string }

func (e *unknownCharset) Error() string { return "unknown encoding " + e.label }

// token returns the next token; io.EOF after the last. Character data is
// valid until the next call.
func (x *xmlReader) token() (xml.Token, error) {
	t, err := x.dec.Token()
	if err != nil {
		return nil, err
	}
	switch t.(type) {
	case xml.StartElement:
		x.depth++
		if x.depth > xlsxMaxDepth {
			return nil, errXMLDepth
		}
	case xml.EndElement:
		x.depth--
	}
	return t, nil
}

// skip reads past the end of the element whose start was just read.
func (x *xmlReader) skip() error {
	for d := x.depth; x.depth >= d; {
		if _, err := x.token(); err != nil {
			return err
		}
	}
	return nil
}

// text appends to buf the character data directly inside the element whose
// start was just read (not that of elements inside it), reading past its
// end; more than max bytes is errCellTooLong.
func (x *xmlReader) text(buf []byte, max int) ([]byte, error) {
	d := x.depth
	for {
		t, err := x.token()
		if err != nil {
			return buf, err
		}
		switch t := t.(type) {
		case xml.CharData:
			if x.depth == d {
				if len(buf)+len(t) > max {
					return buf, errCellTooLong
				}
				buf = append(buf, t...)
			}
		case xml.EndElement:
			if x.depth < d {
				return buf, nil
			}
		}
	}
}

// richText appends to buf the text of the string item whose start (<si> of
// the shared strings, <is> of a cell) was just read: its <t>, then the <t>
// of each run <r>, leaving out phonetic runs <rPh> as Excel does, and reads
// past its end; more than max bytes is errCellTooLong.
func (x *xmlReader) richText(buf []byte, max int) ([]byte, error) {
	d := x.depth
	var names [2]string // of the open elements at depths d+1 and d+2
	for {
		t, err := x.token()
		if err != nil {
			return buf, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if k := x.depth - d - 1; k < len(names) {
				names[k] = t.Name.Local
			}
		case xml.CharData:
			if (x.depth == d+1 && names[0] == "t") || (x.depth == d+2 && names[0] == "r" && names[1] == "t") {
				if len(buf)+len(t) > max {
					return buf, errCellTooLong
				}
				buf = append(buf, t...)
			}
		case xml.EndElement:
			if x.depth < d {
				return buf, nil
			}
		}
	}
}

// quoteShort quotes a name or value of a workbook for a message, cut at 31
// characters (the longest name of a sheet): the workbook may be hostile.
func quoteShort(s string) string {
	const most = 31
	if utf8.RuneCountInString(s) <= most {
		return fmt.Sprintf("%q", s)
	}
	r := []rune(s)
	return fmt.Sprintf("%q…", string(r[:most]))
}

// attr returns the value of the attribute with the given local name.
func attr(e xml.StartElement, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// unescapeOOXML decodes the escapes _xHHHH_ that OOXML writes for the
// characters XML cannot carry (_x000D_ is a carriage return, _x005F_ a
// literal underscore: "_x005F_x000D_" is the text "_x000D_"), as Excel and
// excelize read them.
func unescapeOOXML(b []byte) string {
	if !bytes.Contains(b, []byte("_x")) {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		r, ok := ooxmlEscape(b[i:])
		if !ok {
			out = append(out, b[i])
			i++
			continue
		}
		i += 7
		if utf16.IsSurrogate(r) {
			// A character outside the BMP is written as two escapes.
			if r2, ok := ooxmlEscape(b[i:]); ok {
				if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
					out = utf8.AppendRune(out, pair)
					i += 7
				}
			}
			continue // a lone surrogate is dropped
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

// ooxmlEscape decodes an escape _xHHHH_ at the start of b.
func ooxmlEscape(b []byte) (rune, bool) {
	if len(b) < 7 || b[0] != '_' || b[1] != 'x' || b[6] != '_' {
		return 0, false
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
