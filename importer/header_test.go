package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"baoxue/importer"
	"baoxue/store"
	"baoxue/store/storetest"
)

// TestRegistryExport imports a file whose header row is the whole 学生基本信息
// export of the 学籍系统 (75 columns, most of which baoxue does not use): no
// column is taken for a misspelling, the unused ones are listed once in
// Summary.Ignored (compared with the golden *.ignored file; -update rewrites
// it), and the registry's option forms are read as they mean: 0-无残疾 is no
// disability, 4-肢体残疾 is 肢体, 1-走读 is a day student, 0-非留守儿童 is not
// left behind, and a 护照 number is kept without the mainland ID checks.
func TestRegistryExport(t *testing.T) {
	for _, kind := range []string{"students", "registry"} {
		t.Run(kind, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				base(t, st)
				sum := importOK(t, st, kind, "registry-export.csv", opts())
				if sum.New != 3 {
					t.Errorf("summary %v, want 3 new", sum)
				}
				golden := filepath.Join("testdata", "registry-export."+kind+".ignored")
				got := strings.Join(sum.Ignored, "\n") + "\n"
				if *update && strings.HasSuffix(t.Name(), "/sqlite") {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("golden file: %v (run with -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("ignored columns differ from %s:\ngot:\n%s\nwant:\n%s", golden, got, want)
				}
				if kind == "registry" {
					equalLines(t, "registry", dump(t, st, `SELECT id, national_id, grade FROM registry ORDER BY id`), []string{
						"G50023420110708005X|50023420110708005X|9", "G500234201206150033|500234201206150033|4",
						"J500234201309010041|E12345678|3",
					})
				}
			})
		})
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		importOK(t, st, "students", "registry-export.csv", opts())
		equalLines(t, "students", dump(t, st, `SELECT id, national_id, gender, grade, left_behind, migrant, orphan,
			boarding, disabled, disability_type, guardian_phone FROM students WHERE sid > 3 ORDER BY id`), []string{
			"G50023420110708005X|50023420110708005X|M|9|1|1|0|0|0||13900000013",
			"G500234201206150033|500234201206150033|F|4|2|0|0|1|0||13900000011",
			"J500234201309010041|E12345678|F|3|0|0|0|0|1|肢体|13900000012",
		})
	})
}

// TestIDType: 身份证件类型 decides whether the number is checked as a
// mainland ID. A passport or a 港澳 permit is kept as given, also beside a
// G-学籍号, which embeds a mainland ID; a 居民身份证 or 户口簿 number, or
// one without a type, is still checked, and an unknown type is a bad row.
func TestIDType(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		ctx := context.Background()
		header := []string{"学籍号", "姓名", "出生日期", "学校代码", "年级", "身份证件类型", "身份证件号"}
		good := [][]string{
			{"P1", "安娜", "2013-09-01", "SCH01", "3", "A-护照", "E12345678"},
			{"G500234201309010041", "李明", "2013-09-01", "SCH01", "3", "港澳居民来往内地通行证", "H1234567801"},
			{"P3", "吴三", "2012-06-15", "SCH01", "4", "", "50023420120615013x"},
			{"P4", "吴四", "2012-06-15", "SCH01", "4", "Z-其他", ""},
		}
		if _, err := importer.ImportRows(ctx, st, "students", "ids.csv", header, good, nil, opts()); err != nil {
			t.Fatal(err)
		}
		equalLines(t, "numbers", dump(t, st, `SELECT id, national_id FROM students WHERE id IN ('P1', 'P3', 'P4', 'G500234201309010041') ORDER BY id`),
			[]string{"G500234201309010041|H1234567801", "P1|E12345678", "P3|50023420120615013X", "P4|"})
		// The passport matches its student again, as any number does.
		sum, err := importer.ImportRows(ctx, st, "students", "ids.csv", header,
			[][]string{{"P1-new", "安娜", "2013-09-01", "SCH01", "3", "护照", "E12345678"}}, nil, opts())
		if err != nil || sum.Updated != 1 {
			t.Errorf("passport again: %v, %v; want 1 updated", sum, err)
		}
		bad := [][]string{
			{"Q1", "钱一", "2012-06-15", "SCH01", "4", "1-居民身份证", "500234201206150034"},
			{"Q2", "钱二", "2012-06-16", "SCH01", "4", "居民身份证", "500234201206150033"},
			{"Q3", "钱三", "2012-06-15", "SCH01", "4", "户口簿", "500234201206150034"},
			{"Q4", "钱四", "2012-06-15", "SCH01", "4", "驾驶证", "X1"},
			{"Q5", "钱五", "2012-06-15", "SCH01", "4", "护照", "5.00234E+17"},
		}
		_, err = importer.ImportRows(ctx, st, "students", "ids.csv", header, bad, nil, opts())
		want := []string{
			"ids.csv:2: 身份证件号: the check character (the last one) does not match the other 17 digits: check the number",
			"ids.csv:3: 出生日期: 2012-06-16 does not agree with the birth date 2012-06-15 inside the 身份证件号: correct one of them",
			"ids.csv:4: 身份证件号: the check character (the last one) does not match the other 17 digits: check the number",
			`ids.csv:5: 身份证件类型: unknown value "驾驶证": use one of 居民身份证 (1) or 户口簿 for a mainland ID; 护照 (A), 港澳台居民居住证, 港澳居民来往内地通行证, 台湾居民来往大陆通行证, 外国人永久居留身份证 (9) or 其他 (Z) for another document`,
			"ids.csv:6: 身份证件号: the number is in scientific notation",
		}
		if err == nil {
			t.Fatal("bad identity numbers were imported")
		}
		lines := strings.Split(en(err), "\n")
		if len(lines) != len(want) {
			t.Fatalf("errors:\n%v\nwant %d", err, len(want))
		}
		for i := range want {
			if !strings.HasPrefix(lines[i], want[i]) {
				t.Errorf("error %d:\n got %s\nwant %s…", i, lines[i], want[i])
			}
		}
	})
}
