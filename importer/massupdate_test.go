package importer_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"baoxue/importer"
	"baoxue/store"
	"baoxue/store/storetest"
)

// massRoster writes a roster of n students (names of three characters, so
// that a wrong decoding shows) where name(i) gives each one's name.
func massRoster(t *testing.T, dir, file string, n int, name func(i int) string) string {
	return writeCSV(t, dir, file, "id,name,birth_date,school_id,grade,township", n, func(w *bufio.Writer, i int) {
		fmt.Fprintf(w, "S%04d,%s,2012-01-01,SCH01,5,临江镇\n", i, name(i))
	})
}

func studentName(i int) string {
	return string([]rune("张王李赵刘陈杨黄周吴")[i%10]) + string([]rune("明华强芳敏静丽军勇杰")[i/10%10]) + "一"
}

// misread is a name as a roster re-exported through the wrong encoding
// shows it: its UTF-8 bytes read as GB18030 (张明一 becomes 寮犳槑涓€).
func misread(s string) string {
	b, _ := simplifiedchinese.GB18030.NewDecoder().Bytes([]byte(s))
	return string(b)
}

// TestMassUpdateGuard: a roster that would rename more than 10% (and at
// least 20) of the stored students it matches is refused with the count and
// two masked examples, and nothing is written; with AllowMassUpdate it is
// imported. Fewer renames are an ordinary correction.
func TestMassUpdateGuard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		dir := t.TempDir()
		importOK(t, st, "schools", "schools.good.csv", opts())
		original := massRoster(t, dir, "original.csv", 30, studentName)
		importFile(t, st, "students", original)
		names := `SELECT id, name FROM students ORDER BY id`
		stored := dump(t, st, names)

		// The whole roster re-exported in the wrong encoding.
		wrong := massRoster(t, dir, "wrong.csv", 30, func(i int) string { return misread(studentName(i)) })
		before := counts(t, st)
		bad := importBad(t, st, "students", wrong, opts())
		if len(bad.Errors) != 1 || bad.Errors[0].Line != 0 {
			t.Fatalf("mis-encoded roster: %v, want one error about the file", bad)
		}
		msg := english.Text(bad.Errors[0].Msg)
		for _, want := range []string{"30 of the 30 stored students", "张* → 寮*", "王* → 鐜*", "nothing was imported", "--allow-mass-update"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q lacks %q", msg, want)
			}
		}
		if strings.Contains(msg, studentName(0)) || strings.Contains(msg, misread(studentName(0))) {
			t.Errorf("message %q shows a whole name", msg)
		}
		sameCounts(t, before, counts(t, st))
		equalLines(t, "names after the refused roster", dump(t, st, names), stored)

		// 19 renames are under the minimum of 20, whatever their share.
		fixed := massRoster(t, dir, "fixed.csv", 30, func(i int) string {
			if i < 19 {
				return studentName(i) + "二"
			}
			return studentName(i)
		})
		importFile(t, st, "students", fixed)
		importFile(t, st, "students", original)

		// With the flag the renames go through.
		opt := opts()
		opt.AllowMassUpdate = true
		if _, err := importer.ImportFile(ctx, st, "students", wrong, opt); err != nil {
			t.Fatalf("with AllowMassUpdate: %v", err)
		}
		if got := dump(t, st, `SELECT name FROM students WHERE id = 'S0000'`); len(got) != 1 || got[0] != misread(studentName(0)) {
			t.Errorf("name after AllowMassUpdate: %v", got)
		}
		if _, err := importer.ImportFile(ctx, st, "attendance", wrong, opt); err == nil || !strings.Contains(en(err), "students only") {
			t.Errorf("AllowMassUpdate on attendance: %v", err)
		}
	})
}

// TestMassUpdateShare: on a large roster, renaming up to 10% of the stored
// students is an ordinary import; more is refused.
func TestMassUpdateShare(t *testing.T) {
	st := storetest.SQLite(t)
	dir := t.TempDir()
	importOK(t, st, "schools", "schools.good.csv", opts())
	importFile(t, st, "students", massRoster(t, dir, "original.csv", 300, studentName))
	renamed := func(file string, k int) string {
		return massRoster(t, dir, file, 300, func(i int) string {
			if i < k {
				return "新" + studentName(i)
			}
			return studentName(i)
		})
	}
	importFile(t, st, "students", renamed("30.csv", 30)) // 30 of 300: 10%
	_, err := importer.ImportFile(context.Background(), st, "students", renamed("31.csv", 31+30), opts())
	var bad *importer.BadRows
	if !errors.As(err, &bad) || !strings.Contains(en(bad), "31 of the 300 stored students") {
		t.Errorf("31 more renames of 300: %v", err)
	}
}
