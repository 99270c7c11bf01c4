package importer_test

import (
	"path/filepath"
	"strings"
	"testing"

	"baoxue/i18n"
	"baoxue/importer"
	"baoxue/store"
	"baoxue/store/storetest"
)

// TestWrittenAsTyped: values typed with a Chinese input method in full
// width (Ｇ５００…, ２０２６－０３－１６, ＳＣＨ０２) and numbers kept as text
// with Excel's leading apostrophe ('500234…, ＇500234…) import as if typed
// in ASCII, from CSV and from XLSX alike; a note keeps what was typed.
func TestWrittenAsTyped(t *testing.T) {
	header := []string{"学籍号", "姓名", "出生日期", "身份证号", "学校代码", "年级"}
	rows := [][]string{
		{"Ｇ５００２３４２０１１０５０１００１５", "张三", "２０１１－０５－０１", "'500234201105010015", "ＳＣＨ０２", "９"},
		{"L500234201409030023", "李四", "２０１４年９月３日", "＇500234201409030023", "SCH01", "一年级"},
		{"'S3", "王五", "２０１５．１．１", "", "'SCH01", "２"},
	}
	want := []string{
		"G500234201105010015|张三|2011-05-01|500234201105010015|SCH02|9",
		"L500234201409030023|李四|2014-09-03|500234201409030023|SCH01|1",
		"S3|王五|2015-01-01||SCH01|2",
	}
	attendance := [][]string{
		{"学籍号", "日期", "考勤状态", "备注"},
		{"Ｇ５００２３４２０１１０５０１００１５", "２０２６／１１／２６", "旷课", "'家访：电话未接通，ＡＢ"},
		{"'L500234201409030023", "２０２６１１２６", "病假", ""},
	}
	wantAttendance := []string{
		"G500234201105010015|2026-11-26|absent|'家访：电话未接通，ＡＢ",
		"L500234201409030023|2026-11-26|sick|",
	}
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				importOK(t, st, "schools", "schools.good.csv", opts())
				students := writeTable(t, format, append([][]string{header}, rows...))
				if sum := importPath(t, st, "students", students); sum.New != 3 {
					t.Errorf("students: %v", sum)
				}
				equalLines(t, "students", dump(t, st, `SELECT id, name, birth_date, national_id, school_id, grade
					FROM students ORDER BY id`), want)
				importPath(t, st, "attendance", writeTable(t, format, attendance))
				equalLines(t, "attendance", dump(t, st, `SELECT s.id, a.date, a.status, a.note FROM attendance a
					JOIN students s ON s.sid = a.sid ORDER BY s.id`), wantAttendance)
			})
		})
	}
}

// writeTable writes rows as a CSV file or a workbook of text cells.
func writeTable(t *testing.T, format string, rows [][]string) string {
	t.Helper()
	if format == "xlsx" {
		cells := make([][]any, len(rows))
		for i, r := range rows {
			for _, c := range r {
				cells[i] = append(cells[i], c)
			}
		}
		return writeWorkbook(t, cells, nil)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	path := filepath.Join(t.TempDir(), "table.csv")
	write(t, path, b.String())
	return path
}

// importPath imports a file and fails the test on any error.
func importPath(t *testing.T, st *store.Store, kind, path string) importer.Summary {
	t.Helper()
	sum, err := importer.ImportFile(t.Context(), st, kind, path, opts())
	if err != nil {
		t.Fatalf("import %s: %v", kind, err)
	}
	return sum
}

// TestMessagesInBothLanguages: the problems of a file are in Chinese by
// default and in English on request, the column named as the file names
// it and the values as the file writes them.
func TestMessagesInBothLanguages(t *testing.T) {
	st := storetest.SQLite(t)
	importOK(t, st, "schools", "schools.good.csv", opts())
	path := writeTable(t, "csv", [][]string{
		{"学籍号", "姓名", "出生日期", "身份证号", "学校代码", "年级", "性别", "民族"},
		{"S1", "张三", "2011-13-01", "500234201105010016", "SCH01", "3", "男", "汉族"},
		{"S2", "李四", "2012-01-01", "", "SCH09", "高一", "X", "汉族"},
	})
	bad := importBad(t, st, "students", path, opts())
	zh := []string{
		`FILE:2: 出生日期: "2011-13-01" 不是日期：请按 YYYY-MM-DD 填写（2011/5/1、20110501 和 2011.05.01 也能识别）`,
		`FILE:2: 身份证号: 校验码（最后一位）与前 17 位数字不符：请核对号码`,
		`FILE:3: 性别: 无法识别的值 "X"：可填 男 或 女（M/F、1/2）`,
		`FILE:3: 年级: "高一" 超出范围或无法识别：可填 1–9 年级（一年级…九年级、初一…初三）`,
		`FILE:3: 学校代码: 未知的学校 "SCH09"：请先导入学校（schools），或更正学校代码`,
	}
	en := []string{
		`FILE:2: 出生日期: "2011-13-01" is not a date: write YYYY-MM-DD (2011/5/1, 20110501 and 2011.05.01 are read too)`,
		`FILE:2: 身份证号: the check character (the last one) does not match the other 17 digits: check the number`,
		`FILE:3: 性别: unknown value "X": use one of 男 or 女 (M/F, 1/2)`,
		`FILE:3: 年级: "高一" is out of range or unknown: use a grade 1–9 (一年级…九年级, 初一…初三)`,
		`FILE:3: 学校代码: unknown school "SCH09": import it with the schools first, or correct the code`,
	}
	equalLines(t, "Chinese", strings.Split(strings.ReplaceAll(bad.Error(), path, "FILE"), "\n"), zh)
	equalLines(t, "English", strings.Split(strings.ReplaceAll(bad.Localize(english), path, "FILE"), "\n"), en)

	sum := importPath(t, st, "schools", writeTable(t, "csv", [][]string{{"id", "name", "center", "校长"}, {"SCH03", "新学校", "临江中心", "王"}}))
	if notice, ok := sum.IgnoredNotice("f.csv"); !ok || i18n.Default().Text(notice) != "f.csv：未读取的列：校长" ||
		english.Text(notice) != "f.csv: ignored columns: 校长" {
		t.Errorf("ignored columns: %v, %q", ok, english.Text(notice))
	}
	if got := sum.String(); got != "schools：1 行（新增 1，更新 0）" {
		t.Errorf("summary in Chinese: %q", got)
	}
	if got := sum.Localize(english); got != "schools: 1 row (1 new, 0 updated)" {
		t.Errorf("summary in English: %q", got)
	}
}
