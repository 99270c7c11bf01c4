package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"baoxue/engine"
)

// encoded is what json.Encoder writes of l with HTML left unescaped.
func encoded(t *testing.T, l *engine.AlertLine) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// FuzzAlertLineJSON: an alert line written by hand is, byte for byte, the
// encoder's, for any text in any field, nil and empty lists, with and
// without a task.
func FuzzAlertLineJSON(f *testing.F) {
	f.Add("grade9-absence", "G500234200801010055", "学生 <张*> 缺勤\t3 天 & \"未请假\"\u2028", "T1", true, 1)
	f.Add("a\x00\x1f\x7f", "\xff\xfe", "\u2029\\/\b\f\r\n", "", false, 0)
	f.Add("", "", "", "", false, 2)
	f.Fuzz(func(t *testing.T, rule, student, message, teacher string, flag bool, shape int) {
		l := engine.AlertLine{Type: "alert", Rule: rule, Student: student, School: teacher + student, Severity: "high",
			New: flag, Notified: !flag, Message: message}
		switch shape % 4 {
		case 1:
			l.Recipients = []string{teacher, message}
			l.InhibitedBy = []string{rule}
			l.Task = &engine.TaskLine{Kind: rule, Assignee: teacher, Due: message}
		case 2:
			l.Recipients = []string{}
			l.InhibitedBy = []string{}
		case 3:
			l.Recipients = []string{teacher}
			l.Task = &engine.TaskLine{}
		}
		if got, want := string(appendAlertLine(nil, &l)), encoded(t, &l); got != want {
			t.Fatalf("written by hand:\n%s\nencoder:\n%s", got, want)
		}
	})
}

// TestAlertLineJSONEveryByte: every single byte and every rune class the
// encoder treats apart, in a message, as the encoder writes them.
func TestAlertLineJSONEveryByte(t *testing.T) {
	for c := 0; c < 256; c++ {
		for _, s := range []string{string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "b"} {
			l := engine.AlertLine{Message: s}
			if got, want := string(appendAlertLine(nil, &l)), encoded(t, &l); got != want {
				t.Fatalf("byte %#x: %s, encoder %s", c, got, want)
			}
		}
	}
	for _, s := range []string{"\u2028", "\u2029", "\u00e9", "\U0001F600", "\xed\xa0\x80", "\xf4\x90\x80\x80", "中\xe4\xb8"} {
		l := engine.AlertLine{Message: s}
		if got, want := string(appendAlertLine(nil, &l)), encoded(t, &l); got != want {
			t.Fatalf("%q: %s, encoder %s", s, got, want)
		}
	}
}

// TestAlertLineFieldsKnown: the hand-written line knows every field of
// AlertLine and TaskLine with its JSON tag; a field added to either must
// be written by appendAlertLine too (and added here), or this fails.
func TestAlertLineFieldsKnown(t *testing.T) {
	for _, c := range []struct {
		v    any
		tags []string
	}{
		{engine.AlertLine{}, []string{"type", "rule", "student", "school", "severity", "recipients", "new", "notified",
			"inhibited_by,omitempty", "task,omitempty", "message,omitempty"}},
		{engine.TaskLine{}, []string{"kind", "assignee", "due"}},
	} {
		typ := reflect.TypeOf(c.v)
		var tags []string
		for i := range typ.NumField() {
			tags = append(tags, typ.Field(i).Tag.Get("json"))
		}
		if !slices.Equal(tags, c.tags) {
			t.Errorf("%s has the JSON fields %q; appendAlertLine writes %q", typ.Name(), tags, c.tags)
		}
	}
}

// failAfter fails its writes after n bytes.
type failAfter struct{ n int }

func (f *failAfter) Write(b []byte) (int, error) {
	if f.n -= len(b); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(b), nil
}

// TestWriteAlertLinesInOrder: the lines encoded in chunks by several
// workers come out as one worker writes them, around the chunks' edges;
// a write that fails stops it with the error.
func TestWriteAlertLinesInOrder(t *testing.T) {
	for _, n := range []int{0, 1, alertChunk - 1, alertChunk, alertChunk + 1, 7*alertChunk + 5} {
		as := make([]engine.Alert, n)
		for i := range as {
			as[i].Line = engine.AlertLine{Type: "alert", Rule: "r", Student: fmt.Sprintf("G%018d", i), Recipients: []string{},
				Message: strings.Repeat("缺", i%7)}
		}
		var want bytes.Buffer
		if err := writeAlertLines(&want, as, 1); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(want.String(), "\n"); got != n {
			t.Fatalf("%d alerts: %d lines", n, got)
		}
		for _, workers := range []int{2, 3, 8} {
			var got bytes.Buffer
			if err := writeAlertLines(&got, as, workers); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%d alerts, %d workers: lines differ from one worker's", n, workers)
			}
			if n > alertChunk {
				if err := writeAlertLines(&failAfter{n: want.Len() / 2}, as, workers); err == nil || err.Error() != "disk full" {
					t.Errorf("%d alerts, %d workers, failing writer: %v", n, workers, err)
				}
			}
		}
	}
}
