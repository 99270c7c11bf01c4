package importer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"baoxue/importer"
	"baoxue/store"
	"baoxue/store/storetest"
)

// TestEncodingsAndLayout reads the CSV variants Chinese Excel and the
// registry system produce: GB18030 with the export's headers and option
// forms, UTF-8 with a BOM, and quoted values spanning lines.
func TestEncodingsAndLayout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		sum := importOK(t, st, "students", "students.gbk.csv", opts())
		if sum.New != 2 || sum.Updated != 0 {
			t.Errorf("gbk: %v", sum)
		}
		equalLines(t, "gbk", dump(t, st, `SELECT id, name, gender, birth_date, grade, class, left_behind, migrant,
			orphan, boarding, disabled, disability_type, disability_level FROM students WHERE id LIKE 'G%0025' OR id LIKE 'G%0010' ORDER BY id`), []string{
			"G500234201206150025|欧阳娜|F|2012-06-15|4|4班|1|0|0|1|0||0",
			"G500234201302200010|司马强|M|2013-02-20|3|3班|0|1|1|0|1|听力|3",
		})
		importOK(t, st, "students", "students.bom.csv", opts())
		equalLines(t, "bom", dump(t, st, `SELECT id, name, school_id, grade FROM students WHERE id LIKE 'B%' ORDER BY id`),
			[]string{"B1|钱一|SCH01|3", "B2|钱二|SCH02|2"})
		importOK(t, st, "attendance", "attendance.multiline.csv", opts())
		equalLines(t, "multiline", dump(t, st, `SELECT a.date, a.status, a.note FROM attendance a JOIN students s
			ON s.sid = a.sid WHERE s.id = 'S3' ORDER BY a.date`), []string{
			"2026-11-10|absent|第一行\n第二行", "2026-11-11|absent|a\nb\nc", "2026-11-12|sick|",
		})
		// A bad row after multi-line values is reported at its physical line.
		bad := importBad(t, st, "attendance", filepath.Join("testdata", "attendance.multiline.bad.csv"), opts())
		if len(bad.Errors) != 1 || bad.Errors[0].Line != 7 || bad.Errors[0].Field != "status" {
			t.Errorf("multi-line bad row: %v, want one error at line 7, column status", bad)
		}
	})
}

// writeWorkbook saves rows to a new workbook; cells are given as Go values
// (time.Time becomes a date cell, numbers number cells).
func writeWorkbook(t *testing.T, rows [][]any, style func(f *excelize.File)) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if style != nil {
		style(f)
	}
	path := filepath.Join(t.TempDir(), "roster.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestXLSX reads the first sheet of a workbook: date cells in any date
// format, number cells for codes and grades, and a national ID stored as a
// number (digits lost) reported as such.
func TestXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := importer.ImportRows(ctx, st, "schools", "schools", []string{"学校标识码", "学校名称", "教育管理中心"},
			[][]string{{"5002340001", "临江小学", "临江中心"}}, nil, opts()); err != nil {
			t.Fatal(err)
		}
		header := []any{"全国学籍号", "姓名", "出生日期", "身份证件号", "学校标识码", "年级", "复学日期"}
		good := writeWorkbook(t, [][]any{
			header,
			{"G500234201206150025", "欧阳娜", time.Date(2012, 6, 15, 0, 0, 0, 0, time.UTC), "500234201206150025", 5002340001, 4, time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)},
			{"L500234201302200010", "司马强", "2013/2/20", "", 5002340001, "三年级", nil},
			{},
		}, func(f *excelize.File) {
			// A custom Chinese date format on G2: the raw serial is read, not the text.
			style, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy\"年\"m\"月\"d\"日\"")})
			if err != nil {
				t.Fatal(err)
			}
			f.SetCellStyle("Sheet1", "G2", "G2", style)
		})
		sum, err := importer.ImportFile(ctx, st, "students", good, opts())
		if err != nil || sum.New != 2 {
			t.Fatalf("good workbook: %v, %v", sum, err)
		}
		equalLines(t, "xlsx", dump(t, st, `SELECT id, name, birth_date, national_id, school_id, grade, returned_at
			FROM students ORDER BY id`), []string{
			"G500234201206150025|欧阳娜|2012-06-15|500234201206150025|5002340001|4|2025-03-02",
			"L500234201302200010|司马强|2013-02-20||5002340001|3|",
		})
		// Excel stores a national ID typed into a number cell as a double,
		// 5.0023420130220006E+17: its last digits are gone.
		bad := writeWorkbook(t, [][]any{
			header,
			{"L500234201302200011", "司马强", "2013-02-20", nil, 5002340001, 3, nil},
		}, func(f *excelize.File) {
			if err := f.SetCellDefault("Sheet1", "D2", "5.0023420130220006E+17"); err != nil {
				t.Fatal(err)
			}
		})
		rows := importBad(t, st, "students", bad, opts())
		if len(rows.Errors) != 1 || rows.Errors[0].Line != 2 || rows.Errors[0].Field != "身份证件号" ||
			!strings.Contains(english.Text(rows.Errors[0].Msg), "format the column as text") {
			t.Errorf("numeric national ID: %v, want one error at line 2 saying to format the column as text", rows)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestTitleLineAndProgress: a title line above the header is skipped (line
// numbers stay physical), and progress goes to Options.Progress.
func TestTitleLineAndProgress(t *testing.T) {
	st := storetest.SQLite(t)
	base(t, st)
	var progress recorder
	opt := opts()
	opt.Progress = &progress
	bad := importBad(t, st, "students", filepath.Join("testdata", "students.title.bad.csv"), opt)
	if len(bad.Errors) != 1 || bad.Errors[0].Line != 4 || bad.Errors[0].Field != "学校代码" {
		t.Errorf("title line: %v, want one error at line 4, column 学校代码", bad)
	}
	if want := []string{"start import rows", "done 2"}; !slices.Equal(progress.calls, want) {
		t.Errorf("progress %q, want %q", progress.calls, want)
	}
}

// recorder is an importer.Progress that records what it hears.
type recorder struct{ calls []string }

func (r *recorder) Start(what, unit string) { r.calls = append(r.calls, "start "+what+" "+unit) }
func (r *recorder) Set(n int)               { r.calls = append(r.calls, fmt.Sprint("set ", n)) }
func (r *recorder) Done(n int)              { r.calls = append(r.calls, fmt.Sprint("done ", n)) }
