package importer_test

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"testing"

	"baoxue/importer"
	"baoxue/store"
	"baoxue/store/storetest"
)

// chunkRows is more than one of the importer's staging chunks of students
// (2048 rows), so that rows are staged before the last line is read.
const chunkRows = 2048 + 5

// TestStagedChunksAllOrNothing: a roster longer than the staging chunks is
// imported whole, and a bad last row (after chunks were staged) still
// leaves nothing written, on a fresh database and on a re-import.
func TestStagedChunksAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	roster := func(name string, last string) string {
		return writeCSV(t, dir, name, "id,name,birth_date,school_id,grade", chunkRows, func(w *bufio.Writer, i int) {
			if i == chunkRows-1 && last != "" {
				w.WriteString(last + "\n")
				return
			}
			fmt.Fprintf(w, "S%07d,学生%d,2012-01-01,SCH01,5\n", i, i)
		})
	}
	good := roster("good.csv", "")
	cases := []struct {
		name, file, last, col, msg string
		first                      bool // import good.csv first
	}{
		{"duplicate 学籍号 on a fresh database", "dup.csv", "S0000000,重复,2012-01-01,SCH01,5",
			"id", "the same 学籍号 as line 2", false},
		{"bad grade on a re-import", "grade.csv", fmt.Sprintf("S%07d,学生,2012-01-01,SCH01,12", chunkRows-1),
			"grade", `"12" is out of range`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				importOK(t, st, "schools", "schools.good.csv", opts())
				if c.first {
					if sum := importFile(t, st, "students", good); sum.New != chunkRows {
						t.Fatalf("first import: %v, want %d new", sum, chunkRows)
					}
				}
				before := counts(t, st)
				bad := importBad(t, st, "students", roster(c.file, c.last), opts())
				if bad.Total != 1 || len(bad.Errors) != 1 {
					t.Fatalf("errors %v, want one", bad)
				}
				if e := bad.Errors[0]; e.Line != chunkRows+1 || e.Field != c.col || !strings.HasPrefix(english.Text(e.Msg), c.msg) {
					t.Errorf("error %q, want line %d, column %s: %s…", e.Error(), chunkRows+1, c.col, c.msg)
				}
				sameCounts(t, before, counts(t, st))
				// The staging table of the rejected import is gone with
				// it: the good roster imports afterwards.
				sum := importFile(t, st, "students", good)
				if c.first && sum.Updated != chunkRows || !c.first && sum.New != chunkRows {
					t.Errorf("good roster afterwards: %v", sum)
				}
			})
		})
	}
}

// importFile imports a file outside testdata and fails the test on any error.
func importFile(t *testing.T, st *store.Store, kind, path string) importer.Summary {
	t.Helper()
	sum, err := importer.ImportFile(context.Background(), st, kind, path, opts())
	if err != nil {
		t.Fatalf("import %s %s: %v", kind, path, err)
	}
	return sum
}

// TestStagedRecordsAllOrNothing: records and exports longer than a staging
// chunk are imported whole and re-imported as updates, and a duplicate in
// the last row (after chunks were staged) leaves nothing written, for each
// kind that stages its rows as it reads them.
func TestStagedRecordsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	roster := writeCSV(t, dir, "roster.csv", "id,name,birth_date,school_id,grade", chunkRows, func(w *bufio.Writer, i int) {
		fmt.Fprintf(w, "S%07d,学生%d,2012-01-01,SCH01,5\n", i, i)
	})
	kinds := []struct {
		kind, header, col string
		line              func(i int) string
	}{
		{"attendance", "student_id,date,status", "student_id",
			func(i int) string { return fmt.Sprintf("S%07d,2026-11-02,旷课", i) }},
		{"contacts", "student_id,date,teacher_id,channel", "student_id",
			func(i int) string { return fmt.Sprintf("S%07d,2026-11-03,T001,电话", i) }},
		{"home-teaching", "student_id,date,teacher_id,class_hours", "student_id",
			func(i int) string { return fmt.Sprintf("S%07d,2026-11-03,T001,2", i) }},
		{"registry", "id,name,birth_date,school_id,grade,status", "id",
			func(i int) string { return fmt.Sprintf("S%07d,学生%d,2012-01-01,SCH01,5,在读", i, i) }},
		{"platform", "id,name,birth_date,school_id,status", "id",
			func(i int) string { return fmt.Sprintf("S%07d,学生%d,2012-01-01,SCH01,在读", i, i) }},
		{"survey", "township,village,name,birth_date", "name",
			func(i int) string { return fmt.Sprintf("临江镇,临江村,孩子%d,2012-01-01", i) }},
	}
	for _, k := range kinds {
		t.Run(k.kind, func(t *testing.T) {
			file := func(name string, dup bool) string {
				return writeCSV(t, dir, k.kind+"."+name, k.header, chunkRows, func(w *bufio.Writer, i int) {
					if dup && i == chunkRows-1 {
						i = 0
					}
					w.WriteString(k.line(i) + "\n")
				})
			}
			good, dup := file("good.csv", false), file("dup.csv", true)
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				importOK(t, st, "schools", "schools.good.csv", opts())
				importOK(t, st, "teachers", "teachers.good.csv", opts())
				importFile(t, st, "students", roster)
				before := counts(t, st)
				bad := importBad(t, st, k.kind, dup, opts())
				if bad.Total != 1 || len(bad.Errors) != 1 || bad.Errors[0].Line != chunkRows+1 || bad.Errors[0].Field != k.col ||
					!strings.Contains(english.Text(bad.Errors[0].Msg), "as line 2") {
					t.Fatalf("errors %v, want one, at line %d, column %s, naming line 2", bad, chunkRows+1, k.col)
				}
				sameCounts(t, before, counts(t, st))
				if sum := importFile(t, st, k.kind, good); sum.New != chunkRows || sum.Updated != 0 {
					t.Errorf("first import: %+v, want %d new", sum, chunkRows)
				}
				if sum := importFile(t, st, k.kind, good); sum.New != 0 || sum.Updated != chunkRows {
					t.Errorf("second import: %+v, want %d updated", sum, chunkRows)
				}
			})
		})
	}
}

// TestContactsKeyedByChannel: contacts of a student on a day by the same
// teacher through different channels are different contacts, each new,
// and the same contact twice is a duplicate.
func TestContactsKeyedByChannel(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		return writeCSV(t, dir, name, "student_id,date,teacher_id,channel", 1, func(w *bufio.Writer, _ int) { w.WriteString(body) })
	}
	two := write("two.csv", "G500234201105010015,2026-11-03,T001,电话\nG500234201105010015,2026-11-03,T001,家访\n")
	dup := write("dup.csv", "G500234201105010015,2026-11-04,T001,电话\nG500234201105010015,2026-11-04,T001,phone\n")
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		if sum := importFile(t, st, "contacts", two); sum.New != 2 {
			t.Errorf("two channels: %+v, want 2 new", sum)
		}
		bad := importBad(t, st, "contacts", dup, opts())
		if len(bad.Errors) != 1 || bad.Errors[0].Line != 3 || !strings.Contains(english.Text(bad.Errors[0].Msg), "as line 2") {
			t.Errorf("the same channel twice: %v, want one error at line 3 naming line 2", bad)
		}
	})
}

// TestReportedRangeAcrossChunks: a district-wide attendance file longer
// than a staging chunk reports from its first day to its last, wherever
// in the file they are.
func TestReportedRangeAcrossChunks(t *testing.T) {
	dir := t.TempDir()
	roster := writeCSV(t, dir, "roster.csv", "id,name,birth_date,school_id,grade", chunkRows, func(w *bufio.Writer, i int) {
		fmt.Fprintf(w, "S%07d,学生%d,2012-01-01,SCH01,5\n", i, i)
	})
	// The last day in the first chunk, the first day in the last rows.
	att := writeCSV(t, dir, "att.csv", "student_id,date,status", chunkRows, func(w *bufio.Writer, i int) {
		day := "2026-11-18"
		switch {
		case i == 5:
			day = "2026-11-20"
		case i == chunkRows-1:
			day = "2026-11-16"
		}
		fmt.Fprintf(w, "S%07d,%s,旷课\n", i, day)
	})
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		importOK(t, st, "schools", "schools.good.csv", opts())
		importOK(t, st, "teachers", "teachers.good.csv", opts())
		importFile(t, st, "students", roster)
		opt := opts()
		opt.Reported = true
		sum, err := importer.ImportFile(context.Background(), st, "attendance", att, opt)
		if err != nil {
			t.Fatal(err)
		}
		if sum.New != chunkRows || sum.ReportedFrom != "2026-11-16" || sum.ReportedTo != "2026-11-20" {
			t.Errorf("summary %+v, want %d new, reported 2026-11-16..2026-11-20", sum, chunkRows)
		}
	})
}
