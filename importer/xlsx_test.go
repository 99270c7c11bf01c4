package importer_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"hash/crc32"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"baoxue/config"
	"baoxue/importer"
	"baoxue/inputerr"
	"baoxue/store"
	"baoxue/store/storetest"
)

// bitWriter writes a deflate stream, least significant bit first.
type bitWriter struct {
	out []byte
	acc uint64
	n   uint
}

func (w *bitWriter) bits(v uint64, n uint) {
	w.acc |= v << w.n
	for w.n += n; w.n >= 8; w.n -= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
	}
}

// code writes a Huffman code, which deflate stores most significant bit
// first.
func (w *bitWriter) code(c uint64, n uint) { w.bits(bits.Reverse64(c)>>(64-n), n) }

// literal writes a byte with the fixed Huffman code of RFC 1951 3.2.6.
func (w *bitWriter) literal(b byte) {
	if b < 144 {
		w.code(0x30+uint64(b), 8)
	} else {
		w.code(0x190+uint64(b)-144, 9)
	}
}

// deflateRepeat returns, without compressing anything, a deflate stream of
// prefix, count copies of unit and suffix: unit once in literals, then
// copies of 258 bytes at distance len(unit), each a few bits. It returns the
// stream, the size it inflates to and the CRC-32 of that.
func deflateRepeat(prefix, unit []byte, count int, suffix []byte) ([]byte, int64, uint32) {
	if len(unit) > 32768 || count < 1 {
		panic("deflateRepeat: unit longer than the window")
	}
	w := &bitWriter{}
	w.bits(1, 1) // the last block
	w.bits(1, 2) // fixed Huffman codes
	for _, b := range append(append([]byte{}, prefix...), unit...) {
		w.literal(b)
	}
	// One copy: length 258 (symbol 285, no extra bits), then distance
	// len(unit) (a 5-bit code and its extra bits).
	v := len(unit) - 1
	dist, extra, nextra := uint64(v), uint64(0), uint(0)
	if v >= 4 {
		nb := bits.Len(uint(v)) - 1
		dist, extra, nextra = uint64(2*nb+(v>>(nb-1))&1), uint64(v&(1<<(nb-1)-1)), uint(nb-1)
	}
	rest := int64(count-1) * int64(len(unit))
	one := bits.Reverse64(0xC0+285-280)>>56 | bits.Reverse64(dist)>>59<<8 | extra<<13
	for ; rest >= 258; rest -= 258 {
		w.bits(one, 13+nextra)
	}
	done := int64(count)*int64(len(unit)) - rest
	for i := int64(0); i < rest; i++ {
		w.literal(unit[(done+i)%int64(len(unit))])
	}
	for _, b := range suffix {
		w.literal(b)
	}
	w.code(0, 7) // end of block
	if w.n > 0 {
		w.out = append(w.out, byte(w.acc))
	}

	crc := crc32.Update(0, crc32.IEEETable, prefix)
	chunk := bytes.Repeat(unit, max(1, (1<<20)/len(unit)))
	per := len(chunk) / len(unit)
	for left := count; left > 0; left -= per {
		crc = crc32.Update(crc, crc32.IEEETable, chunk[:min(left, per)*len(unit)])
	}
	crc = crc32.Update(crc, crc32.IEEETable, suffix)
	return w.out, int64(len(prefix)) + int64(count)*int64(len(unit)) + int64(len(suffix)), crc
}

// rawPart is a part of a workbook given as its deflate stream, with the
// sizes and checksum its zip directory entry says (which may lie).
type rawPart struct {
	data       []byte
	size       int64
	crc        uint32
	compressed bool // false: stored
}

// replaceParts writes a copy of the workbook at path with parts replaced
// (or added), to a new file in dir.
func replaceParts(t *testing.T, path string, parts map[string]rawPart) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := filepath.Join(t.TempDir(), "bomb.xlsx")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	write := func(name string, p rawPart) {
		method := zip.Store
		if p.compressed {
			method = zip.Deflate
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: method, CRC32: p.crc,
			CompressedSize64: uint64(len(p.data)), UncompressedSize64: uint64(p.size)})
		if err == nil {
			_, err = w.Write(p.data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, zf := range zr.File {
		if p, ok := parts[zf.Name]; ok {
			write(zf.Name, p)
			delete(parts, zf.Name)
		} else if err := zw.Copy(zf); err != nil {
			t.Fatal(err)
		}
	}
	for name, p := range parts {
		write(name, p)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// stored is a part stored uncompressed, with a true directory entry.
func stored(content string) rawPart {
	return rawPart{data: []byte(content), size: int64(len(content)), crc: crc32.ChecksumIEEE([]byte(content))}
}

const (
	sheetStart = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetEnd      = `</sheetData></worksheet>`
	rosterRow1    = `<row r="1"><c r="A1" t="inlineStr"><is><t>全国学籍号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c><c r="C1" t="inlineStr"><is><t>出生日期</t></is></c><c r="D1" t="inlineStr"><is><t>学校标识码</t></is></c><c r="E1" t="inlineStr"><is><t>年级</t></is></c></row>`
	rosterRow     = `<row><c t="inlineStr"><is><t>G500234201206150025</t></is></c><c t="inlineStr"><is><t>欧阳娜</t></is></c><c><v>41075</v></c><c><v>5002340001</v></c><c><v>4</v></c></row>`
	spaceRow      = `<row><c t="inlineStr"><is><t> </t></is></c></row>`
	schoolsHeader = `<row r="1"><c r="A1" t="inlineStr"><is><t>学校代码</t></is></c><c r="B1" t="inlineStr"><is><t>学校名称</t></is></c>` +
		`<c r="C1" t="inlineStr"><is><t>教育管理中心</t></is></c></row>`
	bombSize    = 600 << 20 // above the default import.xlsx_max_bytes
	sheet1      = "xl/worksheets/sheet1.xml"
	sharedParts = "xl/sharedStrings.xml"
)

// emptyWorkbook saves a workbook of one empty sheet that the tests fill.
func emptyWorkbook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	path := filepath.Join(t.TempDir(), "base.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// cost runs f and returns what it allocated and how long it took.
func cost(f func()) (alloc uint64, took time.Duration) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	took = time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, took
}

// TestXLSXBombs: workbooks of a few megabytes that unzip to hundreds of
// megabytes are refused at a small fraction of what reading them costs.
// Before the budget, the 600 MiB sheet took over a minute and gigabytes of
// allocations to read (excelize unzipped it to a temporary file, then
// parsed every row), the lying zip directory was believed (the sheet was
// silently cut to what the directory said and the rest of the roster
// dropped), and the giant cell was read into memory whole.
func TestXLSXBombs(t *testing.T) {
	st := storetest.SQLite(t)
	base := emptyWorkbook(t)
	rows, rowsSize, rowsCRC := deflateRepeat([]byte(sheetStart+rosterRow1), []byte(rosterRow), bombSize/len(rosterRow), []byte(sheetEnd))
	spaces, _, _ := deflateRepeat([]byte(sheetStart+rosterRow1), []byte(spaceRow), bombSize/len(spaceRow), []byte(sheetEnd))
	sst, sstSize, sstCRC := deflateRepeat([]byte(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`),
		[]byte(`<si><t>欧阳娜</t></si>`), bombSize/len(`<si><t>欧阳娜</t></si>`), []byte(`</sst>`))
	cell, cellSize, cellCRC := deflateRepeat([]byte(sheetStart+rosterRow1+`<row r="2"><c t="inlineStr"><is><t>`), []byte("x"),
		100<<20, []byte(`</t></is></c></row>`+sheetEnd))
	const overBudget = "the first sheet and its shared strings unzip to more than 512 MiB (import.xlsx_max_bytes in baoxue.yaml)"
	cases := []struct {
		name  string
		parts map[string]rawPart
		line  int
		want  string
	}{
		{"600 MiB of rows", map[string]rawPart{sheet1: {rows, rowsSize, rowsCRC, true}}, 0, overBudget},
		{"600 MiB of shared strings", map[string]rawPart{sharedParts: {sst, sstSize, sstCRC, true}}, 0, overBudget},
		{"a directory that says 64 KiB", map[string]rawPart{sheet1: {spaces, 64 << 10, 0, true}}, 0,
			"the workbook is damaged: the first sheet is not as long as the zip directory says (copy or download the file again)"},
		{"a cell of 100 MiB", map[string]rawPart{sheet1: {cell, cellSize, cellCRC, true}}, 2,
			"cell A2 holds more than 32,767 characters, more than a cell can"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := replaceParts(t, base, tc.parts)
			if info, err := os.Stat(path); err != nil || info.Size() > 8<<20 {
				t.Fatalf("the bomb is %v bytes on disk (%v), want a few MB", info.Size(), err)
			}
			var err error
			alloc, took := cost(func() {
				_, err = importer.ImportFile(context.Background(), st, "students", path, opts())
			})
			var bad *importer.BadRows
			if !errors.As(err, &bad) || len(bad.Errors) == 0 {
				t.Fatalf("import: %v, want bad input", err)
			}
			got := bad.Errors[len(bad.Errors)-1]
			if got.Line != tc.line || english.Text(got.Msg) != tc.want {
				t.Errorf("got line %d: %s\nwant line %d: %s", got.Line, english.Text(got.Msg), tc.line, tc.want)
			}
			// Generous bounds for a loaded machine under -race; the refusal
			// itself takes milliseconds and a few MB.
			if alloc > 64<<20 {
				t.Errorf("refusing took %d MB of allocations, want under 64", alloc>>20)
			}
			if took > 10*time.Second {
				t.Errorf("refusing took %v, want a few seconds at most", took)
			}
		})
	}
}

// importXLSX imports a workbook of schools with the given limits.
func importXLSX(t *testing.T, st *store.Store, path string, lim importer.Limits) (importer.Summary, error) {
	t.Helper()
	opt := opts()
	opt.Limits = lim
	return importer.ImportFile(context.Background(), st, "schools", path, opt)
}

// onlyProblem returns the single problem of an import that must be bad.
func onlyProblem(t *testing.T, err error) *inputerr.Error {
	t.Helper()
	var bad *importer.BadRows
	if !errors.As(err, &bad) || len(bad.Errors) != 1 {
		t.Fatalf("import: %v, want one problem", err)
	}
	return bad.Errors[0]
}

// TestXLSXLimits: the rows and columns of the first sheet are bounded by
// import.max_rows and import.max_columns; cells without a value do not
// count.
func TestXLSXLimits(t *testing.T) {
	st := storetest.SQLite(t)
	header := []any{"学校代码", "学校名称", "教育管理中心"}
	school := func(i int) []any { return []any{"SCH0" + string(rune('0'+i)), "学校", "中心"} }
	four := writeWorkbook(t, [][]any{header, school(1), school(2), school(3)}, func(f *excelize.File) {
		// A formatted cell without a value far to the right, as Excel writes them.
		style, _ := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFF00"}}})
		if err := f.SetCellStyle("Sheet1", "Z2", "Z2", style); err != nil {
			t.Fatal(err)
		}
	})
	if sum, err := importXLSX(t, st, four, importer.Limits{MaxRows: 4, MaxColumns: 3}); err != nil || sum.Rows != 3 {
		t.Fatalf("4 rows, 3 columns within max_rows 4, max_columns 3: %v, %v", sum, err)
	}

	five := writeWorkbook(t, [][]any{header, school(1), school(2), school(3), school(4)}, nil)
	p := onlyProblem(t, func() error { _, err := importXLSX(t, st, five, importer.Limits{MaxRows: 4}); return err }())
	if want := five + ": the first sheet has more than 4 rows (import.max_rows in baoxue.yaml)"; en(p) != want {
		t.Errorf("got  %s\nwant %s", p, want)
	}

	wide := writeWorkbook(t, [][]any{header, school(1), {"SCH09", "学校", "中心", nil, "备注"}}, nil)
	p = onlyProblem(t, func() error { _, err := importXLSX(t, st, wide, importer.Limits{MaxColumns: 3}); return err }())
	if want := wide + ":3: the first sheet has more than 3 columns: cell E3 has a value (import.max_columns in baoxue.yaml)"; en(p) != want {
		t.Errorf("got  %s\nwant %s", p, want)
	}
}

// TestXLSXLimitDefaults: the defaults of the zero Limits are those of
// baoxue.yaml, so that an import without a config file reads as one with.
func TestXLSXLimitDefaults(t *testing.T) {
	c := config.Default().Import
	if int64(c.XLSXMaxBytes) != importer.DefaultXLSXMaxBytes || c.MaxRows != importer.DefaultMaxRows || c.MaxColumns != importer.DefaultMaxColumns {
		t.Errorf("config's defaults %+v, the importer's %d, %d, %d", c, importer.DefaultXLSXMaxBytes, importer.DefaultMaxRows, importer.DefaultMaxColumns)
	}
}

// TestXLSXNotAWorkbook: a file named .xlsx that is not one, an encrypted
// workbook, a damaged one and one whose first sheet is empty are refused
// with what to do, at FILE.
func TestXLSXNotAWorkbook(t *testing.T) {
	st := storetest.SQLite(t)
	dir := t.TempDir()
	file := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := writeWorkbook(t, [][]any{{"学校代码", "学校名称", "教育管理中心"}, {"SCH01", "学校", "中心"}}, nil)
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}

	encrypted := filepath.Join(dir, "encrypted.xlsx")
	f, err := excelize.OpenFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(encrypted, excelize.Options{Password: "密码"}); err != nil {
		t.Fatal(err)
	}
	f.Close()

	twoSheets := writeWorkbook(t, nil, func(f *excelize.File) {
		if _, err := f.NewSheet("学生名单"); err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow("学生名单", "A1", &[]any{"学校代码", "学校名称", "教育管理中心"}); err != nil {
			t.Fatal(err)
		}
	})

	// A stored sheet with one byte changed after its checksum was taken.
	part := stored(sheetStart + schoolsHeader + `<row r="2"><c r="A2" t="inlineStr"><is><t>SCH01</t></is></c>` +
		`<c r="B2" t="inlineStr"><is><t>学校</t></is></c><c r="C2" t="inlineStr"><is><t>中心</t></is></c></row>` + sheetEnd)
	part.data = bytes.Replace(part.data, []byte("SCH01"), []byte("SCH02"), 1)

	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 4096)...)
	cases := []struct {
		name, path, want string
	}{
		{"CSV named .xlsx", file("roster.xlsx", []byte("学校代码,学校名称,教育管理中心\nSCH01,学校,中心\n")),
			"not an .xlsx workbook: the file is not a zip archive, as every .xlsx file is (a CSV file must be named .csv)"},
		{"empty file", file("empty.xlsx", nil), "not an .xlsx workbook: the file is empty"},
		{"cut short", file("cut.xlsx", goodBytes[:len(goodBytes)/2]),
			"the workbook is damaged: its zip directory cannot be read (is the file complete? copy or download it again)"},
		{"encrypted", encrypted, "the workbook is encrypted with a password: open it in Excel or WPS, remove the password " +
			"and save it, or save it as CSV, and import that"},
		{"old .xls named .xlsx", file("old.xlsx", ole), "this is an old Excel .xls file: save it as .xlsx or as CSV and import that"},
		{"a word document", file("letter.xlsx", zipOf(t, map[string]string{"word/document.xml": "<w:document/>"})),
			"not an .xlsx workbook: the zip archive has no workbook in it"},
		{"checksum", replaceParts(t, good, map[string]rawPart{sheet1: part}),
			"the workbook is damaged: the first sheet fails its checksum (copy or download the file again)"},
		{"empty first sheet", twoSheets,
			`the first sheet "Sheet1" is empty; the workbook has sheets "Sheet1", "学生名单": move the data to the first sheet`},
		{"only sheet empty", writeWorkbook(t, nil, nil), `the workbook's only sheet "Sheet1" is empty`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := importXLSX(t, st, tc.path, importer.Limits{})
			p := onlyProblem(t, err)
			if want := tc.path + ": " + tc.want; en(p) != want {
				t.Errorf("got  %s\nwant %s", p, want)
			}
		})
	}
}

// zipOf zips parts, deflated.
func zipOf(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestXLSXDamagedCellsReported: a sheet whose XML breaks off after some rows
// is refused at the row where it breaks, not read as a shorter roster.
func TestXLSXDamagedCellsReported(t *testing.T) {
	st := storetest.SQLite(t)
	base := emptyWorkbook(t)
	sheet := sheetStart + schoolsHeader + `<row r="2"><c r="A2" t="inlineStr"><is><t>SCH01</t></is></c><c r="B2" t="inlineStr"><is><t>学校</t></is></c><c r="C2" t="inlineStr"><is><t>中心</t></is></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>SCH02</t></is></c><c r="B3" t="inlineStr"><is><t>学`
	path := replaceParts(t, base, map[string]rawPart{sheet1: stored(sheet)})
	_, err := importXLSX(t, st, path, importer.Limits{})
	p := onlyProblem(t, err)
	if want := path + ":3: the workbook is damaged: the first sheet is not well-formed XML (unexpected EOF)"; en(p) != want {
		t.Errorf("got  %s\nwant %s", p, want)
	}
	if got := dump(t, st, `SELECT count(*) FROM schools`); len(got) != 1 || got[0] != "0" {
		t.Errorf("schools after a damaged file: %v, want none", got)
	}
}
