package importer

import (
	"bytes"
	"io"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// encoding is how the bytes of a CSV file are read.
type encoding int

const (
	// encUTF8 reads the file as UTF-8, which it is to its end.
	encUTF8 encoding = iota
	// encUTF8Damaged reads the file as UTF-8 with errors: a byte that is
	// not UTF-8 is a problem of its line.
	encUTF8Damaged
	// encGB18030 decodes the file as GB18030 (which includes GBK), the
	// encoding Chinese Excel saves "CSV (逗号分隔)" in.
	encGB18030
)

// utf8BOM is the byte order mark some programs put before UTF-8 text.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// gbWindow is how far past the first byte that is not UTF-8 the evidence
// for GB18030 is read; the rest of the file is checked line by line as it
// is imported (see csvReader.checkLine).
const gbWindow = 1 << 20

// sniffEncoding decides the encoding of a CSV file from evidence, reading
// it as a stream (a million-row file is never held in memory) and leaving
// the read position anywhere:
//
//   - the whole file valid UTF-8: UTF-8 (encUTF8);
//   - a UTF-8 byte order mark: UTF-8, with errors when it is not valid
//     (encUTF8Damaged);
//   - otherwise GB18030 only when the file, up to gbWindow bytes past its
//     first byte that is not UTF-8, decodes as plausible GB18030 text: no
//     invalid sequence, no private-use or C1 control character, at least
//     half of its non-ASCII characters CJK ideographs or CJK punctuation,
//     and fewer well-formed UTF-8 multi-byte sequences than bytes that are
//     not UTF-8 (a UTF-8 roster with a few damaged bytes is the opposite:
//     thousands of good sequences, a handful of bad bytes). The reader then
//     refuses, at its line, any later text that is not plausible GB18030;
//   - anything else is UTF-8 with errors (encUTF8Damaged), which the reader
//     reports at their lines: it is never guessed into another encoding.
//
// bom is the length of the byte order mark to skip.
func sniffEncoding(rs io.ReadSeeker) (enc encoding, bom int, err error) {
	head := make([]byte, len(utf8BOM))
	n, _ := io.ReadFull(rs, head)
	if bytes.Equal(head[:n], utf8BOM) {
		bom = len(utf8BOM)
	}
	size, err := rs.Seek(0, io.SeekEnd)
	if err != nil {
		return encUTF8, 0, err
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return encUTF8, 0, err
	}
	bad, err := firstInvalidUTF8(rs, int(min(size+utf8.UTFMax, 256<<10)))
	switch {
	case err != nil || bad < 0:
		return encUTF8, bom, err
	case bom > 0:
		return encUTF8Damaged, bom, nil
	}
	// Only a file that is not UTF-8 is read again, from its start to
	// gbWindow bytes past its first byte that is not.
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return encUTF8, 0, err
	}
	gb, err := plausibleGB18030(rs, bad+gbWindow)
	if err != nil || !gb {
		return encUTF8Damaged, 0, err
	}
	return encGB18030, 0, nil
}

// firstInvalidUTF8 returns an offset at or after the first byte of r that
// is not UTF-8 (the end of the chunk of chunk bytes it is in), or -1 when
// r is valid UTF-8 to its end.
func firstInvalidUTF8(r io.Reader, chunk int) (int64, error) {
	buf := make([]byte, max(chunk, 2*utf8.UTFMax))
	carry := 0
	var off int64 // of buf[0] in r
	for {
		n, err := io.ReadFull(r, buf[carry:])
		data := buf[:carry+n]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if utf8.Valid(data) {
				return -1, nil
			}
			return off + int64(len(data)), nil
		}
		if err != nil {
			return 0, err
		}
		cut := incompleteTail(data)
		if !utf8.Valid(data[:cut]) {
			return off + int64(cut), nil
		}
		carry = copy(buf, data[cut:])
		off += int64(cut)
	}
}

// incompleteTail returns where an incomplete UTF-8 sequence at the end of
// data starts (len(data) when there is none).
func incompleteTail(data []byte) int {
	for k := 1; k <= utf8.UTFMax-1 && k <= len(data); k++ {
		if utf8.RuneStart(data[len(data)-k]) {
			if !utf8.FullRune(data[len(data)-k:]) {
				return len(data) - k
			}
			break
		}
	}
	return len(data)
}

// plausibleGB18030 reads r up to limit bytes (stopping early once the
// answer is no) and reports whether it is plausible GB18030 text, as
// sniffEncoding describes.
func plausibleGB18030(r io.Reader, limit int64) (bool, error) {
	raw := &countingReader{r: r}
	var u utf8Census
	dec := transform.NewReader(io.TeeReader(raw, &u), simplifiedchinese.GB18030.NewDecoder())
	var g gbCensus
	buf := make([]byte, 64<<10)
	carry := 0
	for {
		n, err := dec.Read(buf[carry:])
		data := buf[:carry+n]
		end := len(data)
		if err == nil {
			end = incompleteTail(data)
		}
		if !g.add(data[:end]) {
			return false, nil
		}
		carry = copy(buf, data[end:])
		if err == io.EOF {
			u.end()
			break
		}
		if err != nil {
			return false, err
		}
		if raw.n >= limit {
			break // what is left unchecked here is checked line by line
		}
	}
	return u.invalid > u.valid && 2*g.cjk >= g.nonASCII, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// gbCensus counts the characters of decoded GB18030 text.
type gbCensus struct{ nonASCII, cjk int }

// add counts the characters of p, a whole number of UTF-8 sequences, and
// reports false when one of them cannot come from a real Chinese export
// (see notGB).
func (g *gbCensus) add(p []byte) bool {
	for i := 0; i < len(p); {
		if p[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		i += size
		if notGB(r) {
			return false
		}
		g.nonASCII++
		if r >= 0x4E00 && r <= 0x9FFF || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF || unicode.Is(unicode.Han, r) {
			g.cjk++
		}
	}
	return true
}

// notGB reports the characters that text decoded from a real Chinese
// export never has: the replacement character (an invalid sequence), the
// C1 controls and the private-use characters (GBK's user-defined areas,
// GB18030's unassigned codes).
func notGB(r rune) bool {
	return r == utf8.RuneError || r >= 0x80 && r <= 0x9F || r >= 0xE000 && r <= 0xF8FF || r >= 0xF0000
}

// notGBAt returns the index in line, text decoded from GB18030 (and so
// valid UTF-8), of the first character notGB reports, or -1. It looks at
// the first byte of each character only: this is on every line of a
// GB18030 file.
func notGBAt(line []byte) int {
	for i := 0; i < len(line); {
		b := line[i]
		switch {
		case b < 0xC0:
			i++
			continue
		case b >= 0xE0 && b < 0xEE:
			i += 3
			continue
		}
		next := byte(0)
		if i+1 < len(line) {
			next = line[i+1]
		}
		switch {
		case b == 0xC2 && next >= 0x80 && next < 0xA0: // U+0080–U+009F
		case b == 0xEE: // U+E000–U+EFFF
		case b == 0xEF && next >= 0x80 && next < 0xA4: // U+F000–U+F8FF
		case b == 0xEF && next == 0xBF && i+2 < len(line) && line[i+2] == 0xBD: // U+FFFD
		case b == 0xF3 && next >= 0xB0, b == 0xF4: // U+F0000–U+10FFFF
		default:
			i++
			continue
		}
		return i
	}
	return -1
}

// utf8Census counts, over everything written to it, the well-formed UTF-8
// multi-byte sequences and the bytes that are not part of one.
type utf8Census struct {
	valid, invalid int
	tail           [utf8.UTFMax]byte // an incomplete sequence at the end of the last write
	nTail          int
	joined         []byte
}

func (u *utf8Census) Write(p []byte) (int, error) {
	data := p
	if u.nTail > 0 {
		u.joined = append(append(u.joined[:0], u.tail[:u.nTail]...), p...)
		data = u.joined
	}
	end := incompleteTail(data)
	for i := 0; i < end; {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:end])
		if r == utf8.RuneError && size <= 1 {
			u.invalid++
		} else {
			u.valid++
		}
		i += size
	}
	u.nTail = copy(u.tail[:], data[end:])
	return len(p), nil
}

// end counts a sequence left incomplete at the end of the input as
// invalid bytes.
func (u *utf8Census) end() {
	u.invalid += u.nTail
	u.nTail = 0
}
