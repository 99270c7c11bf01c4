package main

import (
	"path/filepath"
	"strings"
	"testing"

	"baoxue/i18n"
)

// TestImportDateRange: --reported-dates takes FROM..TO or one date, each
// as people write dates, full-width digits included.
func TestImportDateRange(t *testing.T) {
	for _, tc := range []struct{ in, from, to, err string }{
		{"2026-11-30", "2026-11-30", "2026-11-30", ""},
		{"2026-11-27..2026-11-30", "2026-11-27", "2026-11-30", ""},
		{"2026/11/27..2026年12月1日", "2026-11-27", "2026-12-01", ""},
		{"２０２６－１１－２７..２０２６．１１．３０", "2026-11-27", "2026-11-30", ""},
		{"2026-11-31", "", "", `"2026-11-31" is not FROM..TO or one date (a date written 2026-03-09, 2026/3/9 or 2026年3月9日)`},
		{"2026-11-30..", "", "", `"2026-11-30.." is not FROM..TO or one date (a date written 2026-03-09, 2026/3/9 or 2026年3月9日)`},
		{"2026-11-30..2026-11-27", "", "", "2026-11-27 is before 2026-11-30"},
	} {
		from, to, err := dateRange(tc.in)
		if from != tc.from || to != tc.to || (err == nil) != (tc.err == "") ||
			(err != nil && i18n.NewPrinter(i18n.English).Error(err) != tc.err) {
			t.Errorf("dateRange(%q) = %q, %q, %v; want %q, %q, %s", tc.in, from, to, err, tc.from, tc.to, tc.err)
		}
	}
}

// TestImportUsageInChinese: the mistakes on the command line of import
// are said in Chinese, the default, and exit 1.
func TestImportUsageInChinese(t *testing.T) {
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "schools"}, "用法：baoxue import KIND FILE...（KIND：schools、teachers、"},
		{[]string{"import", "pupils", "x.csv"}, `import：未知的 KIND "pupils"（可用：schools、`},
		{[]string{"import", "schools", "--snapshot", "x.csv"}, "import：--snapshot 只适用于 students"},
		{[]string{"import", "students", "--reported-dates", "2026-11-30", "x.csv"}, "import：--reported-dates 须与 --reported 一起使用"},
		{[]string{"import", "attendance", "--reported", "--reported-dates", "11/30", "x.csv"}, `import：--reported-dates："11/30" 既不是 FROM..TO，也不是单个日期`},
	} {
		code, out, errs := cli(t, dir, append([]string{"--db", db}, tc.args...)...)
		if code != 1 || out != "" || !strings.HasPrefix(errs, tc.want) {
			t.Errorf("%v: exit %d, %q%q; want exit 1, %s…", tc.args, code, out, errs, tc.want)
		}
	}
}
