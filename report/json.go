package report

import (
	"bufio"
	"encoding/json"
	"io"
	"runtime"
	"sync/atomic"
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
	if err := writeAlertLines(bw, res.Alerts, runtime.GOMAXPROCS(0)); err != nil {
		return err
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

// alertChunk is how many alert lines a worker of writeAlertLines encodes at
// a time: some 800 KB of a city's lines.
const alertChunk = 2048

// writeAlertLines writes the lines of as to w, in order, encoded in chunks
// by workers goroutines while w is written: a city's 200,000 lines took
// 0.2 s on one core at the end of a run, the other idle. At most two
// chunks per worker wait to be written, in buffers used again.
func writeAlertLines(w io.Writer, as []engine.Alert, workers int) error {
	chunks := (len(as) + alertChunk - 1) / alertChunk
	if workers = min(workers, chunks); workers < 2 {
		var line []byte
		for i := range as {
			line = appendAlertLine(line[:0], &as[i].Line)
			if _, err := w.Write(line); err != nil {
				return err
			}
		}
		return nil
	}
	// A worker takes room before it takes the next chunk, so the chunks
	// are taken in order and the one written next is always being
	// encoded or done; written, a chunk's buffer goes back to free.
	done := make([]chan []byte, chunks)
	for k := range done {
		done[k] = make(chan []byte, 1)
	}
	room := make(chan struct{}, 2*workers)
	free := make(chan []byte, 2*workers)
	stop := make(chan struct{})
	defer close(stop)
	var next atomic.Int64
	for range workers {
		go func() {
			for {
				select {
				case room <- struct{}{}:
				case <-stop:
					return
				}
				k := int(next.Add(1) - 1)
				if k >= chunks {
					return
				}
				var b []byte
				select {
				case b = <-free:
				default:
				}
				for i := k * alertChunk; i < min(len(as), (k+1)*alertChunk); i++ {
					b = appendAlertLine(b, &as[i].Line)
				}
				done[k] <- b
			}
		}()
	}
	for k := range done {
		b := <-done[k]
		if _, err := w.Write(b); err != nil {
			return err
		}
		free <- b[:0]
		<-room
	}
	return nil
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
