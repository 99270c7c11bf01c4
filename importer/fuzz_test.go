package importer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"baoxue/store"
)

// fuzzSeeds adds every CSV fixture of testdata, and a few damaged files, to
// the corpus.
func fuzzSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.csv"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"id,name\n1,\"x\n2,y\n",
		"id,name\r\n1,\"a\"\"b\"\r\n\r\n2,\"c\nd\",\n",
		"\ufeffid;name\n1;\u202e张三\n",
		"学籍号,姓名\nG1,\xd5\xc5\xc8\xfd\n",
		"id,name\n1,张\xa0三\n",
		"id,name\n1,x\"y\n",
		"id,name\n" + strings.Repeat("x", maxRecordBytes+10) + "\n2,y\n",
	} {
		f.Add([]byte(s))
	}
}

// fuzzKinds are the KINDs whose rows can be checked without a database.
var fuzzKinds = []string{"students", "registry", "platform", "calendar", "survey"}

// FuzzReadCSV feeds any bytes through the CSV source (the encoding check,
// the reader and its bounds) and the row checks of the KINDs that need no
// database (a students row is read as the import reads it, against
// schools and teachers in memory). Nothing may panic or hang, a record
// never exceeds maxRecordBytes, lines only go forward, a record read as
// UTF-8 without problems is valid UTF-8, and no cleaned value keeps a line
// break, tab or bidirectional override.
func FuzzReadCSV(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := newCSV(nopCloser{bytes.NewReader(data)})
		if err != nil {
			t.Fatalf("newCSV on bytes: %v", err)
		}
		utf := src.r.enc != encGB18030
		var recs []record
		last := 0
		for n := 0; ; n++ {
			if n > len(data)+1 {
				t.Fatalf("%d records from %d bytes", n, len(data))
			}
			rec, err := src.next()
			if err == io.EOF {
				break
			}
			var bi *badInput
			if errors.As(err, &bi) {
				if bi.line <= 0 || bi.line > bytes.Count(data, []byte{'\n'})+1 {
					t.Fatalf("malformed CSV at line %d of a %d-line input", bi.line, bytes.Count(data, []byte{'\n'})+1)
				}
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if rec.line <= last {
				t.Fatalf("record at line %d after line %d", rec.line, last)
			}
			last = rec.line
			size := 0
			for _, c := range rec.cells {
				size += len(c)
				if utf && len(rec.probs) == 0 && !utf8.ValidString(c) {
					t.Fatalf("line %d: invalid UTF-8 without a problem: %q", rec.line, c)
				}
			}
			if size > maxRecordBytes {
				t.Fatalf("line %d: a record of %d bytes", rec.line, size)
			}
			rec.cells = append([]string(nil), rec.cells...) // the reader reuses them
			recs = append(recs, rec)
		}
		if len(recs) == 0 {
			return
		}
		for _, kind := range fuzzKinds {
			checkRows(t, kind, recs)
		}
	})
}

// errNoDatabase stands for a staging failure, so that the rows checked
// here are queued and dropped, never staged.
var errNoDatabase = errors.New("no database")

// checkRows maps the first record as the header of kind and checks the
// others as an import does, up to the database.
func checkRows(t *testing.T, kind string, recs []record) {
	k := kindByName(kind)
	p := &problems{file: "fuzz.csv"}
	h := mapHeader(k.columns, unusedHeaders(kind), recs[0].cells, recs[0].line, p)
	e := &env{opt: Options{}, now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), today: "2026-11-27", h: h,
		schools:  map[string]string{"SCH01": "C1"},
		teachers: map[string]store.TeacherRef{"T001": {SchoolID: "SCH01", Center: "C1", Role: "teacher"}}}
	var b batch
	switch kind {
	case "students":
		b = fuzzStudents{t, &studentBatch{e: e}}
	case "registry":
		b = &registryBatch{e: e, seen: make(map[string]int), rows: &staging[store.RegistryStudent]{err: errNoDatabase}}
	case "platform":
		b = &platformBatch{e: e, seen: make(map[string]int), rows: &staging[store.PlatformStudent]{err: errNoDatabase}}
	case "calendar":
		b = &calendarBatch{e: e, seen: make(map[[2]string]int)}
	case "survey":
		b = &surveyBatch{e: e, seen: make(map[string]int), rows: &staging[store.SurveyChild]{err: errNoDatabase}}
	}
	dates := make(map[string]string)
	for _, rec := range recs[1:] {
		if !h.check(rec, p) {
			continue
		}
		r := row{h: h, p: p, dates: dates, line: rec.line, cells: rec.cells, raws: rec.raws}
		b.add(&r)
		for name := range h.cells {
			v := r.text(name)
			if i := strings.IndexFunc(v, func(c rune) bool { return invisible(c) && !(freeText(name) && c == '\n') }); i >= 0 {
				t.Fatalf("line %d: %s keeps %q: %q", rec.line, name, v[i:], v)
			}
		}
	}
	if err := p.err(); err != nil && !strings.HasPrefix(err.Error(), "fuzz.csv") {
		t.Fatalf("problems not of the file: %v", err)
	}
}

// fuzzStudents checks students rows as studentBatch.add does before it
// looks for the students in the database.
type fuzzStudents struct {
	t *testing.T
	b *studentBatch
}

func (f fuzzStudents) add(r *row) {
	s := f.b.read(r)
	if !r.bad && (s.ID == "" || s.Name == "" || s.SchoolID == "" || s.BirthDate == "" || s.Grade == 0) {
		f.t.Fatalf("line %d: a good students row without its required values: %+v", r.line, s)
	}
}

func (fuzzStudents) write(context.Context) (result, error) { return result{}, nil }

// FuzzValues feeds any text to the value parsers and cleaners: nothing may
// panic, a cleaned value keeps no invisible character (a note only its line
// breaks), and a parsed date is a real date written YYYY-MM-DD.
func FuzzValues(f *testing.F) {
	for _, s := range []string{"2026-03-09", "2011/5/1 0:00", "20260309", "2011年5月1日", "45000.5", "5.00234E+17",
		"500234201105010015", "G500234201105010015", "L500234201409030023", "1-单亲留守儿童", "初三", "0-无残疾",
		"  \u3000张三\u202e\t\n", `="0012"`, "四级", "\ufeffStudent ID", "\x00\x1f\u2066", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range []string{clean(s), cleanText(s)} {
			if v != strings.TrimSpace(v) && utf8.ValidString(v) {
				t.Fatalf("clean(%q) = %q keeps white space at an end", s, v)
			}
		}
		if i := strings.IndexFunc(clean(s), invisible); i >= 0 {
			t.Fatalf("clean(%q) keeps an invisible character", s)
		}
		if i := strings.IndexFunc(cleanText(s), func(r rune) bool { return invisible(r) && r != '\n' }); i >= 0 {
			t.Fatalf("cleanText(%q) keeps an invisible character", s)
		}
		for _, d := range []func(string) (string, bool){parseDate, serialDate} {
			if v, ok := d(s); ok {
				if _, err := time.Parse(time.DateOnly, v); err != nil {
					t.Fatalf("date of %q: %q", s, v)
				}
			}
		}
		nationalID(s)
		studentNumber(s)
		_ = isScientific(s)
		normHeader(s)
		NormalizeName(s)
		_, _ = parseDisabilityType(s)
		codeName(s, parseGrade)
		codeName(s, parseLeftBehind)
		codeName(s, parseDisabilityLevel)
		codeName(s, parseStudentStatus)
		codeName(s, parseBool)
		splitCode(s)
	})
}
