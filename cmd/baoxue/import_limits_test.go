package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestImportLimitsFromConfig: `baoxue import` reads XLSX within the limits
// of baoxue.yaml's import section, and the refusal names the key.
func TestImportLimitsFromConfig(t *testing.T) {
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range [][]any{{"id", "name", "center"}, {"SCH01", "一中", "C1"}, {"SCH02", "二中", "C1"}} {
		if err := f.SetSheetRow("Sheet1", "A"+string(rune('1'+i)), &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(filepath.Join(dir, "schools.xlsx")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "small.yaml"), "import: {max_rows: 2}\n")
	write(t, filepath.Join(dir, "enough.yaml"), "import: {max_rows: 3, max_columns: 3, xlsx_max_bytes: 64KiB}\n")

	code, _, errs := cli(t, dir, "--config", "small.yaml", "--db", db, "import", "schools", "schools.xlsx")
	if want := "schools.xlsx: 第一个工作表超过 2 行（baoxue.yaml 中的 import.max_rows）"; code != 1 || !strings.Contains(errs, want) {
		t.Errorf("max_rows 2: exit %d, %s\nwant exit 1, %s", code, errs, want)
	}
	if code, out, errs := cli(t, dir, "--config", "enough.yaml", "--db", db, "import", "schools", "schools.xlsx"); code != 0 || !strings.Contains(out, "schools：2 行") {
		t.Errorf("max_rows 3: exit %d\n%s%s", code, out, errs)
	}
}
