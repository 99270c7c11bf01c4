package importer

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// BenchmarkReadCSV reads a 200,000-row roster through the CSV source alone
// (no database): the encoding check, the parsing and the line bounds. The
// GB18030 case is the same file as Chinese Excel would save it.
func BenchmarkReadCSV(b *testing.B) {
	const rows = 200_000
	dir := b.TempDir()
	utf := filepath.Join(dir, "utf8.csv")
	gb := filepath.Join(dir, "gb18030.csv")
	f, err := os.Create(utf)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("学籍号,姓名,性别,出生日期,学校代码,年级,班级,乡镇,备注\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(w, "G5002342012%07d,欧阳学生%d,男,2012-01-01,SCH01,5,3班,临江镇,\"第一行\n第二行\"\n", i, i)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	in, err := os.Open(utf)
	if err != nil {
		b.Fatal(err)
	}
	out, err := os.Create(gb)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(simplifiedchinese.GB18030.NewEncoder().Writer(out), in); err != nil {
		b.Fatal(err)
	}
	in.Close()
	out.Close()
	for _, tc := range []struct{ name, path string }{{"utf8", utf}, {"gb18030", gb}} {
		b.Run(tc.name, func(b *testing.B) {
			st, _ := os.Stat(tc.path)
			b.SetBytes(st.Size())
			for i := 0; i < b.N; i++ {
				src, err := openSource(tc.path, Limits{})
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					rec, err := src.next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n += len(rec.cells)
				}
				src.close()
				if n != (rows+1)*9 {
					b.Fatalf("%d cells, want %d", n, (rows+1)*9)
				}
			}
		})
	}
}
