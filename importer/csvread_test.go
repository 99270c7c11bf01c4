package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// readAll reads every record of a CSV text and renders them as
// "LINE: cell|cell" and the problems as "LINE! message"; a fatal error ends
// the list as "LINE!! message".
func readAll(t *testing.T, in string) []string {
	t.Helper()
	c := newCSVReader(strings.NewReader(in), ',', encUTF8Damaged)
	var out []string
	for i := 0; i < 1000; i++ {
		cells, line, probs, err := c.read()
		if err == io.EOF {
			return out
		}
		var bi *badInput
		if errors.As(err, &bi) {
			return append(out, fmt.Sprintf("%d!! %s", bi.line, en(bi.msg)))
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range probs {
			out = append(out, fmt.Sprintf("%d! %s", p.line, en(p.msg)))
		}
		if cells != nil {
			out = append(out, fmt.Sprintf("%d: %s", line, strings.Join(cells, "|")))
		}
	}
	t.Fatal("the reader does not stop")
	return nil
}

// TestCSVReader reads CSV as Excel writes it, with physical line numbers,
// and reports malformed quoting at the line where the quote opened.
func TestCSVReader(t *testing.T) {
	long := strings.Repeat("x", maxRecordBytes)
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"plain, CRLF, empty lines", "a,b,c\r\n\r\n1,2,3\n\n4,,\n", []string{"1: a|b|c", "3: 1|2|3", "5: 4||"}},
		{"no line end at the end", "a,b\n1,2", []string{"1: a|b", "2: 1|2"}},
		{"quoted separators, quotes and line breaks", "a,\"b,\"\"c\"\"\"\n\"1\r\n2\",\"\"\n3,4\n",
			[]string{"1: a|b,\"c\"", "2: 1\n2|", "4: 3|4"}},
		{"an empty line inside a quoted value", "a,\"x\n\ny\"\nb,c\n", []string{"1: a|x\n\ny", "4: b|c"}},
		{"bare quote", "a,b\n1,x\"y\n", []string{"1: a|b", `2!! malformed CSV: bare " in non-quoted-field (a quote inside a value must be doubled: "")`}},
		{"extraneous quote", "a,b\n1,\"x\"y\n", []string{"1: a|b", `2!! malformed CSV: extraneous or missing " in quoted-field (a quote inside a value must be doubled: "")`}},
		{"unterminated quote, reported where it opens", "a,b\n1,\"x\n2,y\n3,z\n", []string{"1: a|b",
			`2!! malformed CSV: the quoted value that opens on this line never closes (a quote inside a value must be doubled: "")`}},
		{"a quote closed lines later by the next quoted value", "a,b\n1,\"x\n2,\"y\"\n", []string{"1: a|b",
			`2!! malformed CSV: the quoted value that opens on this line is closed on line 3 by a quote with more text after it: ` +
				`is a closing quote missing here? (a quote inside a value must be doubled: "")`}},
		{"invalid UTF-8 at its line and column", "a,b\n张三,\xa0x\xff\n李四,ok\n", []string{"1: a|b",
			"2! invalid UTF-8 byte 0xA0 at character 4 of the line (and 1 more on this line): save the file as CSV (UTF-8), or as CSV from Chinese Excel (GB18030), and import it again",
			"3: 李四|ok"}},
		{"a line too long, then the next", "a,b\n1," + long + "\n2,y\n", []string{"1: a|b",
			"2! the line is longer than 65,536 bytes, the most a line may have", "3: 2|y"}},
		{"a line too long with quotes, then the next", "a,b\n1,\"" + long + "\n\",z\n2,y\n", []string{"1: a|b",
			`2! malformed CSV: the record of lines 2 to 3 is longer than 65,536 bytes, the most a record may have: ` +
				`does a quoted value that opens on line 2 lack its closing quote? (a quote inside a value must be doubled: "")`, "4: 2|y"}},
		{"a missing closing quote over many lines", "a,b\n1,\"x\n" + strings.Repeat("2,y\n", 20000) + "3,z\"\n4,w\n", []string{"1: a|b",
			`2! malformed CSV: the record of lines 2 to 20003 is longer than 65,536 bytes, the most a record may have: ` +
				`does a quoted value that opens on line 2 lack its closing quote? (a quote inside a value must be doubled: "")`, "20004: 4|w"}},
		{"a missing closing quote to the end of a long file", "a,b\n1,\"x\n" + strings.Repeat("2,y\n", 20000), []string{"1: a|b",
			`2!! malformed CSV: the quoted value that opens on this line never closes (a quote inside a value must be doubled: "")`}},
		{"a line too long at the end without line end", "a,b\n1," + long, []string{"1: a|b",
			"2! the line is longer than 65,536 bytes, the most a line may have"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := readAll(t, tc.in)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// endless yields n bytes of 'x' and then rest, without holding them.
type endless struct {
	n    int
	rest *strings.Reader
}

func (e *endless) Read(p []byte) (int, error) {
	if e.n == 0 {
		return e.rest.Read(p)
	}
	k := min(len(p), e.n)
	for i := range p[:k] {
		p[i] = 'x'
	}
	e.n -= k
	return k, nil
}

// TestLongLineNotInMemory: a line of 100 MB (a name of a hundred million
// characters) is skipped with far less memory than it has.
func TestLongLineNotInMemory(t *testing.T) {
	in := io.MultiReader(strings.NewReader("id,name\nS1,"), &endless{n: 100 << 20, rest: strings.NewReader("\nS2,张三\n")})
	c := newCSVReader(in, ',', encUTF8Damaged)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var got []string
	for {
		cells, line, probs, err := c.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range probs {
			got = append(got, fmt.Sprintf("%d! %s", p.line, en(p.msg)))
		}
		if cells != nil {
			got = append(got, fmt.Sprintf("%d: %s", line, strings.Join(cells, "|")))
		}
	}
	runtime.ReadMemStats(&after)
	want := []string{"1: id|name", "2! the line is longer than 65,536 bytes, the most a line may have", "3: S2|张三"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q, want %q", got, want)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("reading a 100 MB line allocated %d bytes", alloc)
	}
}

// TestCSVSourceEncodings: the source reads a GB18030 file decoded and a
// UTF-8 file with its BOM dropped, and reports what the decoder could not
// have produced.
func TestCSVSourceEncodings(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"gbk", gbk(t, "姓名,乡镇\n张三,临江镇\n"), "1: 姓名|乡镇\n2: 张三|临江镇"},
		{"bom", []byte("\ufeff姓名;乡镇\n张三;临江镇\n"), "1: 姓名|乡镇\n2: 张三|临江镇"},
		{"tabs", []byte("姓名\t乡镇\n张三\t临江镇\n"), "1: 姓名|乡镇\n2: 张三|临江镇"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := newCSV(nopCloser{bytes.NewReader(tc.in)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for {
				rec, err := src.next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, fmt.Sprintf("%d: %s", rec.line, strings.Join(rec.cells, "|")))
			}
			if strings.Join(got, "\n") != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// nopCloser makes an in-memory file of a bytes.Reader.
type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// TestGB18030LaterLines: the encoding is decided on the start of a file
// that is not UTF-8; a line past that start that is not GB18030 text (UTF-8
// appended to a GBK export, a user-defined character) is refused at its
// line, not imported as mojibake.
func TestGB18030LaterLines(t *testing.T) {
	body := gbk(t, roster(150_000, false)) // more than gbWindow past the first Chinese byte
	if len(body) < 1<<20+gbWindow {
		t.Fatalf("a roster of %d bytes does not reach past the window", len(body))
	}
	lines := bytes.Count(body, []byte{'\n'})
	for _, tc := range []struct {
		name, msg string
		tail      []byte
	}{
		// 张三丰 decodes as 寮犱笁涓 and a byte that starts no character.
		{"utf-8 appended", "not GB18030 text at character 12 of the line, unlike the start of the file", []byte("S99999,张三丰,2012-01-01,SCH01,5,临江镇\n")},
		{"user-defined character", "not GB18030 text at character 8 of the line, unlike the start of the file", append([]byte("S99999,\xaa\xa1"), gbk(t, "三,2012-01-01,SCH01,5,临江镇\n")...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := append(append([]byte(nil), body...), tc.tail...)
			src, err := newCSV(nopCloser{bytes.NewReader(in)})
			if err != nil {
				t.Fatal(err)
			}
			if src.r.enc != encGB18030 {
				t.Fatal("not read as GB18030")
			}
			var got []string
			for {
				rec, err := src.next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range rec.probs {
					got = append(got, fmt.Sprintf("%d: %s", p.line, en(p.msg)))
				}
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], fmt.Sprintf("%d: %s", lines+1, tc.msg)) {
				t.Errorf("problems %q, want one at line %d: %s", got, lines+1, tc.msg)
			}
		})
	}
}

// TestOverflowAtEOF: a record too long that ends the file without a line
// end is reported with its lines.
func TestOverflowAtEOF(t *testing.T) {
	long := strings.Repeat("x", maxRecordBytes)
	got := readAll(t, "a,b\n1,\""+long+"\n\",z")
	want := []string{"1: a|b", `2! malformed CSV: the record of lines 2 to 3 is longer than 65,536 bytes, the most a record may have: ` +
		`does a quoted value that opens on line 2 lack its closing quote? (a quote inside a value must be doubled: "")`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q, want %q", got, want)
	}
}
