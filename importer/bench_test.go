package importer_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"baoxue/importer"
	"baoxue/store"
	"baoxue/store/storetest"
)

// benchRows is the size of the benchmark's attendance file:
// BAOXUE_BENCH_ROWS, default 200,000 (one row per student and school day,
// a tenth of them students).
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("BAOXUE_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

// writeCSV writes a header and n generated lines to a new file in dir.
func writeCSV(b testing.TB, dir, name, header string, n int, line func(w *bufio.Writer, i int)) string {
	b.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString(header + "\n")
	for i := 0; i < n; i++ {
		line(w, i)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

// BenchmarkImportAttendance imports an attendance file of benchRows rows
// into a fresh database (with its students) on each engine.
func BenchmarkImportAttendance(b *testing.B) {
	rows := benchRows()
	students := max(rows/10, 1)
	dir := b.TempDir()
	schools := writeCSV(b, dir, "schools.csv", "id,name,center", 1, func(w *bufio.Writer, i int) {
		w.WriteString("SCH01,学校,中心\n")
	})
	roster := writeCSV(b, dir, "students.csv", "id,name,birth_date,school_id,grade", students, func(w *bufio.Writer, i int) {
		fmt.Fprintf(w, "S%07d,学生%d,2012-01-01,SCH01,5\n", i, i)
	})
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	att := writeCSV(b, dir, "attendance.csv", "student_id,date,status,note", rows, func(w *bufio.Writer, i int) {
		day := start.AddDate(0, 0, i/students)
		fmt.Fprintf(w, "S%07d,%s,%s,\n", i%students, day.Format("2006-01-02"), [...]string{"absent", "sick", "leave", "late"}[i%4])
	})
	ctx := context.Background()
	for _, engine := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st := engine.open(b)
				for _, f := range []struct{ kind, path string }{{"schools", schools}, {"students", roster}} {
					if _, err := importer.ImportFile(ctx, st, f.kind, f.path, importer.Options{}); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				sum, err := importer.ImportFile(ctx, st, "attendance", att, importer.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if sum.New != rows {
					b.Fatalf("summary %v, want %d new", sum, rows)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkImportStudents imports a roster of benchRows students into a
// fresh database, then the same roster again (every row an update).
func BenchmarkImportStudents(b *testing.B) {
	n := benchRows()
	dir := b.TempDir()
	schools := writeCSV(b, dir, "schools.csv", "id,name,center", 1, func(w *bufio.Writer, i int) {
		w.WriteString("SCH01,学校,中心\n")
	})
	roster := writeCSV(b, dir, "students.csv", "id,name,gender,birth_date,school_id,grade,class,left_behind,poverty", n,
		func(w *bufio.Writer, i int) {
			fmt.Fprintf(w, "S%07d,学生%d,男,2012-01-01,SCH01,5,3班,1-单亲留守儿童,脱贫户\n", i, i)
		})
	ctx := context.Background()
	for _, engine := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st := engine.open(b)
				if _, err := importer.ImportFile(ctx, st, "schools", schools, importer.Options{}); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				for _, want := range []importer.Summary{{New: n}, {Updated: n}} {
					sum, err := importer.ImportFile(ctx, st, "students", roster, importer.Options{})
					if err != nil {
						b.Fatal(err)
					}
					if sum.New != want.New || sum.Updated != want.Updated {
						b.Fatalf("summary %v, want %d new, %d updated", sum, want.New, want.Updated)
					}
				}
			}
			b.ReportMetric(2*float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
