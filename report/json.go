package report

import (
	"bufio"
	"encoding/json"
	"io"
	"unicode/utf8"

	"baoxue/engine"
)

// WriteJSON prints the run as JSON lines (SPEC §7), sorted by type: alert
// lines, resolved lines and retired lines, each sorted by rule then student,
// then unreported lines by school. The bytes depend only on the result, so
// the same data gives the same output on every engine.
func WriteJSON(w io.Writer, res *engine.Result) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	// A city's run prints hundreds of thousands of alert lines: they are
	// written by hand, byte for byte what the encoder writes (a fuzz test
	// holds them to it), without its reflection.
	var line []byte
	for i := range res.Alerts {
		line = appendAlertLine(line[:0], &res.Alerts[i].Line)
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	for _, ls := range [][]engine.ResolvedLine{res.Resolved, res.Retired} {
		for i := range ls {
			if err := enc.Encode(&ls[i]); err != nil {
				return err
			}
		}
	}
	for i := range res.Unreported {
		if err := enc.Encode(&res.Unreported[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendAlertLine appends l as json.Encoder (HTML left unescaped) writes
// it, with its newline.
func appendAlertLine(b []byte, l *engine.AlertLine) []byte {
	b = append(b, `{"type":`...)
	b = appendJSONString(b, l.Type)
	b = append(b, `,"rule":`...)
	b = appendJSONString(b, l.Rule)
	b = append(b, `,"student":`...)
	b = appendJSONString(b, l.Student)
	b = append(b, `,"school":`...)
	b = appendJSONString(b, l.School)
	b = append(b, `,"severity":`...)
	b = appendJSONString(b, l.Severity)
	b = append(b, `,"recipients":`...)
	b = appendJSONStrings(b, l.Recipients)
	b = append(b, `,"new":`...)
	b = appendJSONBool(b, l.New)
	b = append(b, `,"notified":`...)
	b = appendJSONBool(b, l.Notified)
	if len(l.InhibitedBy) > 0 {
		b = append(b, `,"inhibited_by":`...)
		b = appendJSONStrings(b, l.InhibitedBy)
	}
	if l.Task != nil {
		b = append(b, `,"task":{"kind":`...)
		b = appendJSONString(b, l.Task.Kind)
		b = append(b, `,"assignee":`...)
		b = appendJSONString(b, l.Task.Assignee)
		b = append(b, `,"due":`...)
		b = appendJSONString(b, l.Task.Due)
		b = append(b, '}')
	}
	if l.Message != "" {
		b = append(b, `,"message":`...)
		b = appendJSONString(b, l.Message)
	}
	return append(b, "}\n"...)
}

func appendJSONBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// appendJSONStrings appends ss as an array, null when nil.
func appendJSONStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSONString appends s quoted as encoding/json quotes a string with
// HTML escaping off: the short escapes it has, \u00XX for the other
// control characters, \ufffd for each invalid byte, and U+2028 and U+2029
// escaped.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
