package importer_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"baoxue/importer"
	"baoxue/store"
	"baoxue/store/storetest"
)

// TestInvisibleCharactersRemoved: line breaks, tabs and bidirectional
// overrides never reach a single-line column, so no cell can forge a line
// of a summary or turn a name around; a note keeps its line breaks but not
// its overrides.
func TestInvisibleCharactersRemoved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		dir := t.TempDir()
		importOK(t, st, "schools", "schools.good.csv", opts())
		students := filepath.Join(dir, "students.csv")
		write(t, students, "id,name,birth_date,school_id,grade,class,township\n"+
			"B1,\"\u202e三张\",2011-05-01,SCH01,5,3班\t,\"临江镇\r\n南门社区\"\n"+
			"B2,\"李\t四\u2066\u2069\n\",2011-05-01,SCH01,5,\u202d1班\u202c,临江镇\u200b\n")
		importFile(t, st, "students", students)
		equalLines(t, "students", dump(t, st, `SELECT id, name, class, township FROM students ORDER BY id`), []string{
			"B1|三张|3班|临江镇南门社区",
			"B2|李四|1班|临江镇",
		})
		attendance := filepath.Join(dir, "attendance.csv")
		write(t, attendance, "student_id,date,status,note\nB1,2026-11-02,absent,\"第一行\n\u202e第二行\t完\"\n")
		importFile(t, st, "attendance", attendance)
		equalLines(t, "note", dump(t, st, `SELECT note FROM attendance`), []string{"第一行\n第二行 完"})
	})
}

// TestEncodingDamage: a UTF-8 roster with one damaged byte is refused at
// the byte's line and column, not read as GB18030 (which turned every name
// into mojibake), and nothing is written; a roster saved by Chinese Excel
// in GB18030 still imports with its names intact.
func TestEncodingDamage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		dir := t.TempDir()
		importOK(t, st, "schools", "schools.good.csv", opts())
		var good strings.Builder
		good.WriteString("id,name,birth_date,school_id,grade,township\n")
		for i := 0; i < 100; i++ {
			fmt.Fprintf(&good, "S%03d,欧阳学生,2012-01-01,SCH01,5,临江镇\n", i)
		}
		utf := filepath.Join(dir, "utf8.csv")
		write(t, utf, good.String())
		importFile(t, st, "students", utf)
		before := counts(t, st)
		names := dump(t, st, `SELECT id, name, township FROM students ORDER BY id`)

		damaged := []byte(good.String())
		i := strings.Index(string(damaged), "S050,欧阳") + len("S050,欧")
		damaged[i] = 0xA0 // the first byte of 阳
		path := filepath.Join(dir, "damaged.csv")
		if err := os.WriteFile(path, damaged, 0o644); err != nil {
			t.Fatal(err)
		}
		bad := importBad(t, st, "students", path, opts())
		if len(bad.Errors) != 1 || bad.Errors[0].Line != 52 || !strings.HasPrefix(english.Text(bad.Errors[0].Msg), "invalid UTF-8 byte 0xA0 at character 7 of the line") {
			t.Errorf("damaged roster: %v, want one error at line 52: invalid UTF-8 byte 0xA0 at character 7 of the line", bad)
		}
		sameCounts(t, before, counts(t, st))
		equalLines(t, "names after the damaged roster", dump(t, st, `SELECT id, name, township FROM students ORDER BY id`), names)

		// The same roster as Chinese Excel saves it: GB18030, the same names.
		gb := filepath.Join(dir, "gb18030.csv")
		if err := os.WriteFile(gb, toGB18030(t, good.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		if sum := importFile(t, st, "students", gb); sum.Updated != 100 {
			t.Errorf("gb18030 roster: %v, want 100 updated", sum)
		}
		equalLines(t, "names after the GB18030 roster", dump(t, st, `SELECT id, name, township FROM students ORDER BY id`), names)
	})
}

// TestLimits: a value longer than its column allows is refused with the
// limit, from a file or from memory; a line longer than the reader keeps
// is refused at its line, and the lines after it are still checked.
func TestLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		importOK(t, st, "schools", "schools.good.csv", opts())
		before := counts(t, st)
		huge := strings.Repeat("张", 3_500_000)
		_, err := importer.ImportRows(ctx, st, "students", "tests.yaml", []string{"id", "name", "birth_date", "school_id", "grade"},
			[][]string{{"S1", huge, "2012-01-01", "SCH01", "5"}, {"S2", strings.Repeat("名", 51), "2012-01-01", "SCH01", "5"}}, []int{7, 9}, opts())
		if err == nil || en(err) != "tests.yaml:7: name: 3,500,000 characters, at most 50\ntests.yaml:9: name: 51 characters, at most 50" {
			t.Errorf("names too long in memory: %v", err)
		}
		path := writeCSV(t, t.TempDir(), "huge.csv", "id,name,birth_date,school_id,grade", 3, func(w *bufio.Writer, i int) {
			switch i {
			case 0:
				fmt.Fprintf(w, "S1,%s,2012-01-01,SCH01,5\n", huge)
			case 1:
				w.WriteString("S2,张二,2012-01-01,SCH01,12\n")
			default:
				w.WriteString("S3,张三,2012-01-01,SCH01,5\n")
			}
		})
		bad := importBad(t, st, "students", path, opts())
		got := strings.ReplaceAll(en(bad), path, "FILE")
		want := "FILE:2: the line is longer than 65,536 bytes, the most a line may have\n" +
			`FILE:3: grade: "12" is out of range or unknown: use a grade 1–9 (一年级…九年级, 初一…初三)`
		if got != want {
			t.Errorf("a line of 10 MB:\ngot:\n%s\nwant:\n%s", got, want)
		}
		sameCounts(t, before, counts(t, st))
	})
}

// toGB18030 encodes text as Chinese Excel saves a CSV file.
func toGB18030(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// write creates a file with the given content.
func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
