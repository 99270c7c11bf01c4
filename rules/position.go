package rules

import (
	"bytes"
	"sort"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// source is one rule file's bytes with an index of its line starts, used to
// place errors inside scalar values at their line and column in the file.
type source struct {
	name       string
	data       []byte
	lineStarts []int // byte offset of the start of each line, line 1 first
}

// newSource indexes the lines of data as yaml.v3 counts them, so that its
// line numbers can be used here: a line ends at LF, CR LF, a lone CR, NEL,
// LS or PS.
func newSource(name string, data []byte) *source {
	s := &source{name: name, data: data, lineStarts: []int{0}}
	for i := 0; i < len(data); i++ {
		if n := lineBreak(data[i:]); n > 0 {
			i += n - 1
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	return s
}

// lineBreak returns the length of the line break b starts with, 0 if none.
func lineBreak(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	case len(b) > 0 && (b[0] == '\n' || b[0] == '\r'):
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")), bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}

// lineEnd returns the byte offset where the text of the 1-based line ends,
// before its line break.
func (s *source) lineEnd(line int) int {
	if line >= len(s.lineStarts) {
		return len(s.data)
	}
	end := s.lineStarts[line]
	for i := s.lineStarts[line-1]; i < end; i++ {
		if lineBreak(s.data[i:end]) > 0 {
			return i
		}
	}
	return end
}

// offset returns the byte offset of the 1-based line and 1-based character
// column, clamped to the file.
func (s *source) offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(s.lineStarts) {
		return len(s.data)
	}
	off, end := s.lineStarts[line-1], s.lineEnd(line)
	for c := 1; c < col && off < end; c++ {
		_, size := utf8.DecodeRune(s.data[off:])
		off += size
	}
	return off
}

// position returns the 1-based line and character column of byte offset off.
func (s *source) position(off int) (line, col int) {
	i := sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, utf8.RuneCount(s.data[s.lineStarts[i]:min(off, len(s.data))]) + 1
}

// lineText returns the text of the 1-based line without its line break.
func (s *source) lineText(line int) string {
	if line < 1 || line > len(s.lineStarts) {
		return ""
	}
	return string(s.data[s.lineStarts[line-1]:s.lineEnd(line)])
}

// locate returns the line and column in the file of the character at index
// idx (counted in runes) of the scalar n's value, or of the end of the value
// when idx is past it.
//
// A scalar's value differs from its text in the file: block scalars (| and >)
// start on the line after the indicator with their indentation removed,
// folded and multi-line plain scalars join lines, quoted scalars start after
// the quote and resolve escapes. Rather than re-implement YAML's rules, locate
// walks the value and the file text side by side: every non-space character
// of the value is the next occurrence of that character in the text.
func (s *source) locate(n *yaml.Node, idx int) (line, col int) {
	start := s.offset(n.Line, n.Column)
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		if n.Line >= len(s.lineStarts) {
			return n.Line, n.Column
		}
		start = s.lineStarts[n.Line]
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		start++
	}
	pos, end := start, start
	i := 0
	for _, r := range n.Value {
		if unicode.IsSpace(r) {
			if i == idx {
				return s.position(end)
			}
			i++
			continue
		}
		k := bytes.IndexRune(s.data[pos:], r)
		if k < 0 {
			break
		}
		if i == idx {
			return s.position(pos + k)
		}
		pos += k + utf8.RuneLen(r)
		end = pos
		i++
	}
	return s.position(end)
}
