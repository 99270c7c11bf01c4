package importer

import (
	"archive/zip"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// fuzzLimits are small, so that the fuzzer reaches them.
var fuzzLimits = Limits{XLSXMaxBytes: 1 << 20, MaxRows: 1000, MaxColumns: 50}

// FuzzXLSX reads arbitrary bytes as a workbook within fuzzLimits: the
// reader returns rows within the limits or bad input, and never panics,
// hangs or allocates more than a small multiple of its budget. Minimizing
// a new input takes a minute by default, so:
//
//	go test ./importer -run '^$' -fuzz '^FuzzXLSX$' -fuzztime 60s -fuzzminimizetime 5s
func FuzzXLSX(f *testing.F) {
	for _, seed := range xlsxSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		// A hang never returns: a panic makes the fuzzer keep the input.
		hung := time.AfterFunc(30*time.Second, func() { panic("FuzzXLSX: reading one input took over 30s") })
		recs, err := readXLSX(data, fuzzLimits)
		hung.Stop()
		runtime.ReadMemStats(&after)
		var bi *badInput
		if err != nil && !errors.As(err, &bi) {
			t.Fatalf("error %T %v, want bad input", err, err)
		}
		last := 0
		for _, r := range recs {
			if r.line <= last || r.line > fuzzLimits.MaxRows || len(r.cells) == 0 || len(r.cells) > fuzzLimits.MaxColumns {
				t.Fatalf("record at line %d (after %d) with %d cells", r.line, last, len(r.cells))
			}
			last = r.line
		}
		// Decoding XML allocates a few times the bytes it reads; the zip
		// directory of a large input a few times its size.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20+16*uint64(len(data)) {
			t.Fatalf("reading %d bytes allocated %d MB", len(data), alloc>>20)
		}
	})
}

// xlsxSeeds are small workbooks of excelize and of hand-written XML,
// stored (so that mutations reach the XML) and deflated, and a few files
// that are not workbooks.
func xlsxSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	book := excelize.NewFile()
	defer book.Close()
	book.SetSheetRow("Sheet1", "A1", &[]any{"全国学籍号", "姓名", "出生日期", "年级"})
	book.SetSheetRow("Sheet1", "A2", &[]any{"G500234201206150025", "欧阳娜", time.Date(2012, 6, 15, 0, 0, 0, 0, time.UTC), 4})
	book.SetSheetRow("Sheet1", "B4", &[]any{true, 3.5, nil, "x"})
	book.SetCellRichText("Sheet1", "A5", []excelize.RichTextRun{{Text: "留守"}, {Text: "儿童", Font: &excelize.Font{Bold: true}}})
	book.NewSheet("第二张")
	buf, err := book.WriteToBuffer()
	if err != nil {
		tb.Fatal(err)
	}
	seeds = append(seeds, buf.Bytes())

	sheet := sheetXML(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><r><t>a_x000D_</t></r><rPh><t>p</t></rPh></is></c>` +
		`<c r="C1" t="b"><v>1</v></c><c r="D1"><v>41075</v></c></row><row><c><v>2</v></c><c t="str"><f>A1</f><v>x</v></c></row>`)
	sst := sstXML(`<si><t>学校</t></si><si><r><t>a</t></r><r><t xml:space="preserve"> b</t></r></si>`)
	for _, method := range []uint16{zip.Store, zip.Deflate} {
		seeds = append(seeds,
			handWorkbook(tb, map[string]string{"xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": sst}, method),
			handWorkbook(tb, map[string]string{"xl/workbook.xml": `<workbook ` + mainNS + ` ` + relNS + `><sheets>` +
				`<sheet name="a" sheetId="1" state="hidden" r:id="rId1"/><sheet name="b" sheetId="2" r:id="rId3"/></sheets></workbook>`}, method))
	}
	return append(seeds, nil, []byte("id,name\n1,a\n"), []byte("PK\x03\x04"),
		append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, []byte(strings.Repeat("E\x00", 8))...))
}
