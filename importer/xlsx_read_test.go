package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// readXLSX reads every record of a workbook in memory.
func readXLSX(data []byte, lim Limits) ([]record, error) {
	src, err := newXLSX(bytes.NewReader(data), int64(len(data)), lim)
	if err != nil {
		return nil, err
	}
	defer src.close()
	var recs []record
	for {
		rec, err := src.next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}

// render shows records as "LINE: cell|cell|…" lines.
func render(recs []record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, fmt.Sprintf("%d: %s", r.line, strings.Join(r.cells, "|")))
	}
	return out
}

// excelizeRows reads the first sheet as excelize's streaming reader with
// raw values did before, in render's form: rows without a value left out,
// empty cells at the end of a row dropped.
func excelizeRows(t *testing.T, data []byte) []string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) > 0 {
			out = append(out, fmt.Sprintf("%d: %s", line, strings.Join(cells, "|")))
		}
	}
	return out
}

// TestXLSXReadsAsExcelize: on workbooks that excelize writes, as Excel and
// the registry exports do, the reader returns what excelize's streaming
// reader returned, which the importer used before.
func TestXLSXReadsAsExcelize(t *testing.T) {
	date := time.Date(2012, 6, 15, 0, 0, 0, 0, time.UTC)
	cases := map[string]func(t *testing.T, f *excelize.File){
		"values": func(t *testing.T, f *excelize.File) {
			rows := [][]any{
				{"全国学籍号", "姓名", "出生日期", "身份证件号", "年级", "是否住校", "备注"},
				{"G500234201206150025", "欧阳娜", date, "500234201206150025", 4, true, " 前后空格 "},
				{"L1", "司马强", "2013/2/20", 500234201302200010, 3.5, false, "第一行\n第二行"},
				{nil, "", nil, nil, -0.25, nil, "tab\there"},
				{"_x000D_ 字面", "x_x005F_y", "=1+1", 1e21, int64(1) << 53, "", "&<>\"'"},
				{},
				{"after a blank row", nil, nil, nil, nil, nil, "last"},
			}
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
					t.Fatal(err)
				}
			}
			format := "yyyy\"年\"m\"月\"d\"日\""
			style, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
			f.SetCellStyle("Sheet1", "C2", "C2", style)
		},
		"rich text, formulas, merged cells": func(t *testing.T, f *excelize.File) {
			if err := f.SetCellRichText("Sheet1", "A1", []excelize.RichTextRun{
				{Text: "留守", Font: &excelize.Font{Bold: true}}, {Text: "儿童"}, {Text: " 是"},
			}); err != nil {
				t.Fatal(err)
			}
			f.SetCellValue("Sheet1", "B1", 21)
			f.SetCellFormula("Sheet1", "C1", "B1*2")
			f.SetCellValue("Sheet1", "D1", "after the formula")
			f.MergeCell("Sheet1", "A2", "C3")
			f.SetCellValue("Sheet1", "A2", "merged")
			f.SetCellValue("Sheet1", "E3", "三")
		},
		"gaps and far cells": func(t *testing.T, f *excelize.File) {
			for cell, v := range map[string]any{"A1": "a", "D1": "d", "B3": 2, "AA10": "aa", "CV300": "far"} {
				f.SetCellValue("Sheet1", cell, v)
			}
		},
		"repeated shared strings": func(t *testing.T, f *excelize.File) {
			for i := range 50 {
				f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &[]any{"重庆市", fmt.Sprintf("学生%d", i%7), "重庆市"})
			}
		},
		"stream writer": func(t *testing.T, f *excelize.File) {
			sw, err := f.NewStreamWriter("Sheet1")
			if err != nil {
				t.Fatal(err)
			}
			sw.SetRow("A1", []any{"id", "name", "date", "flag"})
			sw.SetRow("A2", []any{"S1", "张三", date, true})
			sw.SetRow("A4", []any{"S2", excelize.Cell{Value: "李四"}, 41075.5, false})
			sw.SetRow("C6", []any{"from C", 7})
			if err := sw.Flush(); err != nil {
				t.Fatal(err)
			}
		},
		"data on a renamed first sheet": func(t *testing.T, f *excelize.File) {
			f.SetSheetName("Sheet1", "学生名单")
			f.SetCellValue("学生名单", "A1", "第一张")
			i, _ := f.NewSheet("第二张")
			f.SetCellValue("第二张", "A1", "not read")
			f.SetActiveSheet(i)
		},
	}
	for name, fill := range cases {
		t.Run(name, func(t *testing.T) {
			f := excelize.NewFile()
			defer f.Close()
			fill(t, f)
			buf, err := f.WriteToBuffer()
			if err != nil {
				t.Fatal(err)
			}
			want := excelizeRows(t, buf.Bytes())
			recs, err := readXLSX(buf.Bytes(), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got := render(recs); !slices.Equal(got, want) {
				t.Errorf("got:\n%s\nwant (excelize):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// A workbook of one sheet, written by hand so that the tests can give any
// XML: parts holds the parts that differ from a plain workbook ("" removes
// one).
const (
	mainNS        = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	relNS         = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	relTypes      = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	plainWorkbook = `<workbook ` + mainNS + ` ` + relNS + `><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	plainRels     = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + relTypes + `worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="` + relTypes + `sharedStrings" Target="sharedStrings.xml"/></Relationships>`
)

func handWorkbook(t testing.TB, parts map[string]string, method uint16) []byte {
	t.Helper()
	all := map[string]string{
		"[Content_Types].xml": `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + relTypes + `officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            plainWorkbook,
		"xl/_rels/workbook.xml.rels": plainRels,
		"xl/worksheets/sheet1.xml":   `<worksheet ` + mainNS + `><sheetData/></worksheet>`,
	}
	for name, content := range parts {
		if content == "" {
			delete(all, name)
		} else {
			all[name] = content
		}
	}
	names := make([]string, 0, len(all))
	for name := range all {
		names = append(names, name)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err == nil {
			_, err = w.Write([]byte(all[name]))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sheetXML(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><worksheet ` + mainNS + `><sheetData>` + rows + `</sheetData></worksheet>`
}

func sstXML(items string) string { return `<sst ` + mainNS + `>` + items + `</sst>` }

// TestXLSXHandWritten reads what excelize does not write but other writers
// (and hostile files) do, with the values and lines it must give or the
// problem it must report.
func TestXLSXHandWritten(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(`<?xml version="1.0" encoding="GB2312"?><worksheet ` + mainNS +
		`><sheetData><row r="1"><c t="inlineStr"><is><t>欧阳娜</t></is></c></row></sheetData></worksheet>`)
	many := ""
	for i := range 12 {
		many += fmt.Sprintf(`<sheet name="S%d" sheetId="%d" r:id="rId%d"/>`, i+1, i+1, 1+i*10) // rId1 first
	}
	cases := []struct {
		name  string
		parts map[string]string
		want  []string // records
		err   string   // or the problem, "LINE: message"
	}{
		{name: "no r attributes", parts: map[string]string{"xl/worksheets/sheet1.xml": sheetXML(
			`<row><c><v>1</v></c><c/><c><v>3</v></c></row><row/><row><c t="inlineStr"><is><t>x</t></is></c></row>`)},
			want: []string{"1: 1||3", "3: x"}},
		{name: "numbers going backwards", parts: map[string]string{"xl/worksheets/sheet1.xml": sheetXML(
			`<row r="5"><c r="C5"><v>c</v></c><c r="A5"><v>a</v></c></row><row r="2"><c r="B2"><v>b</v></c></row>`)},
			want: []string{"5: ||c|a", "6: |b"}},
		{name: "types", parts: map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="1">` +
			`<c r="A1" t="b"><v>1</v></c><c r="B1" t="e"><v>#N/A</v></c><c r="C1" t="d"><v>2012-06-15T00:00:00</v></c>` +
			`<c r="D1" t="str"><f>A1</f><v>TRUE</v></c><c r="E1" t="n"><v> 4.5 </v></c><c r="F1" t="s"><v> 1 </v></c>` +
			`<c r="G1" t="inlineStr"><v>ignored</v><is><t>inline</t></is></c><c r="H1" t="inlineStr"><v>v only</v></c></row>`),
			"xl/sharedStrings.xml": sstXML(`<si><t>zero</t></si><si><t>one</t></si>`)},
			want: []string{"1: 1|#N/A|2012-06-15T00:00:00|TRUE| 4.5 |one|inline|v only"}},
		{name: "rich and phonetic text", parts: map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="1">` +
			`<c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><r><t>欧阳</t></r><r><rPr><b/></rPr><t>娜</t></r><rPh sb="0" eb="2"><t>オウヤン</t></rPh></is></c></row>`),
			"xl/sharedStrings.xml": sstXML(`<si><t>司马</t><r><t xml:space="preserve"> 强</t></r><rPh><t>しば</t></rPh><phoneticPr fontId="1"/></si>`)},
			want: []string{"1: 司马 强|欧阳娜"}},
		{name: "OOXML escapes", parts: map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="1">` +
			`<c r="A1" t="inlineStr"><is><t>a_x000D_b</t></is></c><c r="B1" t="inlineStr"><is><t>_x005F_x000D_</t></is></c>` +
			`<c r="C1" t="inlineStr"><is><t>_xD83D__xDE00_ _xD83D_</t></is></c><c r="D1" t="str"><v>_x000D_</v></c></row>`)},
			want: []string{"1: a\rb|_x000D_|😀 |_x000D_"}},
		{name: "GB2312 part", parts: map[string]string{"xl/worksheets/sheet1.xml": gbk}, want: []string{"1: 欧阳娜"}},
		{name: "strict OOXML, absolute target, backslashes", parts: map[string]string{
			"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
				`<Relationship Id="a" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="/xl/workbook.xml"/></Relationships>`,
			"xl/workbook.xml": `<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships">` +
				`<sheets><sheet name="Sheet1" sheetId="1" r:id="s1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
				`<Relationship Id="s1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="/xl/Worksheets/Data.xml"/></Relationships>`,
			"xl/worksheets/sheet1.xml": "",
			`xl\worksheets\data.xml`:   `<worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"><sheetData><row r="1"><c r="A1"><v>7</v></c></row></sheetData></worksheet>`},
			want: []string{"1: 7"}},
		{name: "no shared strings relationship, default part", parts: map[string]string{
			"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
				`<Relationship Id="rId1" Type="` + relTypes + `worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
			"xl/worksheets/sheet1.xml": sheetXML(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`),
			"xl/sharedStrings.xml":     sstXML(`<si><t>found</t></si>`)},
			want: []string{"1: found"}},

		{name: "empty hidden first sheet", parts: map[string]string{"xl/workbook.xml": `<workbook ` + mainNS + ` ` + relNS + `><sheets>` +
			`<sheet name="代码" sheetId="1" state="hidden" r:id="rId1"/><sheet name="学生" sheetId="2" r:id="rId3"/></sheets></workbook>`},
			err: `0: the first sheet "代码" (hidden) is empty; the workbook has sheets "代码" (hidden), "学生": move the data to the first sheet`},
		{name: "many sheets", parts: map[string]string{"xl/workbook.xml": `<workbook ` + mainNS + ` ` + relNS + `><sheets>` + many + `</sheets></workbook>`},
			err: `0: the first sheet "S1" is empty; the workbook has sheets "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", … (12 sheets): move the data to the first sheet`},
		{name: "chart sheet first", parts: map[string]string{"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + relTypes + `chartsheet" Target="chartsheets/sheet1.xml"/></Relationships>`},
			err: `0: the workbook's only sheet "Sheet1" is empty`},
		{name: "no sheet", parts: map[string]string{"xl/workbook.xml": `<workbook ` + mainNS + `><sheets/></workbook>`},
			err: "0: the workbook has no sheet"},
		{name: "sheet part missing", parts: map[string]string{"xl/worksheets/sheet1.xml": ""},
			err: `0: the workbook is damaged: its first sheet "Sheet1" has no content`},
		{name: "binary workbook", parts: map[string]string{"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + relTypes + `officeDocument" Target="xl/workbook.bin"/></Relationships>`},
			err: "0: this is an Excel binary workbook (.xlsb): save it as .xlsx or as CSV and import that"},
		{name: "bad row number", parts: map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="1"><c><v>1</v></c></row><row r="x2"><c><v>2</v></c></row>`)},
			want: []string{"1: 1"}, err: `2: the workbook is damaged: the row number "x2" is not a number from 1 up`},
		{name: "bad cell reference", parts: map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="3"><c r="XFE3"><v>1</v></c></row>`)},
			err: `3: the workbook is damaged: "XFE3" is not a cell reference such as B7`},
		{name: "shared string out of range", parts: map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="1"><c r="B1" t="s"><v>5</v></c></row>`),
			"xl/sharedStrings.xml": sstXML(`<si><t>zero</t></si>`)},
			err: `1: the workbook is damaged: cell B1 refers to shared string "5", but there are 1`},
		{name: "mismatched tags", parts: map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></row>`)},
			want: []string{"1: 1"}, err: "2: the workbook is damaged: the first sheet is not well-formed XML (element <c> closed by </row>)"},
		{name: "document type declaration", parts: map[string]string{"xl/worksheets/sheet1.xml": `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>` + sheetXML("")},
			err: "0: the workbook is damaged: the first sheet has a document type declaration (<!DOCTYPE>), which no workbook has"},
		{name: "nesting", parts: map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="1">` + strings.Repeat("<x>", 100) + strings.Repeat("</x>", 100) + `</row>`)},
			err: "1: the workbook is damaged: the first sheet nests elements more than 64 deep, which no workbook does"},
		{name: "attribute of 2 MiB", parts: map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="1" x="` + strings.Repeat("a", 2<<20) + `"/>`)},
			err: "0: the workbook is damaged: the first sheet has a tag or a text longer than 1 MiB, which no workbook has"},
		{name: "comment of 2 MiB", parts: map[string]string{"xl/sharedStrings.xml": sstXML(`<!--` + strings.Repeat("<a>", 1<<20) + `-->`)},
			err: "0: the workbook is damaged: the shared strings has a tag or a text longer than 1 MiB, which no workbook has"},
		{name: "unknown encoding", parts: map[string]string{"xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="GB9999"?><worksheet ` + mainNS +
			`><sheetData/></worksheet>`},
			err: `0: the workbook is damaged: the first sheet cannot be read (unknown encoding "GB9999")`},
		{name: "shared string too long", parts: map[string]string{"xl/sharedStrings.xml": sstXML(`<si><t>` + strings.Repeat("长", 40000) + `</t></si>`)},
			err: "0: the shared strings hold a text of more than 32,767 characters, more than a cell can"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []uint16{zip.Store, zip.Deflate} {
				recs, err := readXLSX(handWorkbook(t, tc.parts, method), Limits{})
				if got := render(recs); !slices.Equal(got, tc.want) {
					t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
				}
				var bi *badInput
				switch {
				case tc.err == "" && err != nil:
					t.Errorf("error %v", err)
				case tc.err != "" && !errors.As(err, &bi):
					t.Errorf("error %v, want %s", err, tc.err)
				case tc.err != "" && fmt.Sprintf("%d: %s", bi.line, en(bi.msg)) != tc.err:
					t.Errorf("error\n%d: %s\nwant\n%s", bi.line, bi.msg, tc.err)
				}
			}
		})
	}
}

// TestXLSXProblemsInChinese: the problems of a workbook are said in
// Chinese, the default, sheets and parts named as a reader of Chinese
// names them.
func TestXLSXProblemsInChinese(t *testing.T) {
	for _, tc := range []struct {
		parts map[string]string
		want  string
	}{
		{map[string]string{"xl/workbook.xml": `<workbook ` + mainNS + ` ` + relNS + `><sheets>` +
			`<sheet name="代码" sheetId="1" state="hidden" r:id="rId1"/><sheet name="学生" sheetId="2" r:id="rId3"/></sheets></workbook>`},
			`第 0 行：第一个工作表 "代码"（隐藏） 是空的（工作簿中的工作表："代码"（隐藏）、"学生"）：请把数据移到第一个工作表`},
		{map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></row>`)},
			"第 2 行：工作簿已损坏：第一个工作表不是格式正确的 XML（element <c> closed by </row>）"},
		{map[string]string{"xl/sharedStrings.xml": sstXML(`<!--` + strings.Repeat("<a>", 1<<20) + `-->`)},
			"第 0 行：工作簿已损坏：共享字符串中有超过 1 MiB 的标签或文本，正常的工作簿不会这样"},
	} {
		_, err := readXLSX(handWorkbook(t, tc.parts, zip.Deflate), Limits{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("error %v\nwant  %s", err, tc.want)
		}
	}
}

// TestTokenGuard: each kind of token is bounded, and ends where XML ends
// it, not at a lookalike inside it.
func TestTokenGuard(t *testing.T) {
	cases := []struct {
		in   string
		want error
	}{
		{`<a b="x>y">text</a>`, nil},
		{`<a>` + strings.Repeat("t", 100) + `</a>`, errXMLToken},
		{`<a b="` + strings.Repeat(">", 100) + `"/>`, errXMLToken},
		{`<!--` + strings.Repeat("<>", 50) + `-->`, errXMLToken},
		{`<!-->` + strings.Repeat("<b>", 40) + `-->`, errXMLToken}, // "<!-->" does not end the comment
		{`<![CDATA[` + strings.Repeat("<a>", 40) + `]]>`, errXMLToken},
		{`<?pi ` + strings.Repeat("<a>", 40) + `?>`, errXMLToken},
		{`<!-- short --><![CDATA[ok]]><?pi ok?>` + strings.Repeat("<a/>", 100), nil},
		{`<!DOCTYPE a>`, errXMLDoctype},
		{`<!-x>`, errXMLDoctype},
	}
	for _, tc := range cases {
		g := &tokenGuard{r: strings.NewReader(tc.in), max: 64}
		_, err := io.ReadAll(g)
		if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
			t.Errorf("%.40q: %v, want %v", tc.in, err, tc.want)
		}
	}
}

// TestXLSXBudgetCounted: the bytes actually read are counted against the
// budget, whatever the directory declared.
func TestXLSXBudgetCounted(t *testing.T) {
	b := &xlsxBudget{max: 100}
	r := budgetReader{r: strings.NewReader(strings.Repeat("x", 100)), b: b}
	if n, err := io.Copy(io.Discard, r); err != nil || n != 100 {
		t.Fatalf("100 bytes within 100: %d, %v", n, err)
	}
	r = budgetReader{r: strings.NewReader("x"), b: b}
	if _, err := io.Copy(io.Discard, r); !errors.Is(err, errXLSXBudget) {
		t.Errorf("the 101st byte: %v, want errXLSXBudget", err)
	}
	if b.declare(&zip.File{FileHeader: zip.FileHeader{UncompressedSize64: 1 << 63}}) {
		t.Error("a declared size of 2^63 fits the budget")
	}
	// The largest budget there is: no overflow.
	huge := &xlsxBudget{max: math.MaxInt64}
	if !huge.declare(&zip.File{FileHeader: zip.FileHeader{UncompressedSize64: math.MaxInt64 - 1}}) ||
		huge.declare(&zip.File{FileHeader: zip.FileHeader{UncompressedSize64: 2}}) {
		t.Error("declared sizes overflow the largest budget")
	}
	if n, err := io.Copy(io.Discard, budgetReader{r: strings.NewReader("abc"), b: huge}); n != 3 || err != nil {
		t.Errorf("reading within the largest budget: %d, %v", n, err)
	}
}

// TestSharedStringsCompact: a million empty or short shared strings take a
// few bytes each, and every item comes back.
func TestSharedStringsCompact(t *testing.T) {
	const n = 1 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := &sharedStrings{}
	long := strings.Repeat("长", 20000) // spans chunks
	for i := range n {
		switch {
		case i%1000 == 999:
			s.add(long)
		case i%2 == 0:
			s.add("")
		default:
			s.add(fmt.Sprint(i))
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	text := int64(n/1000)*int64(len(long)) + int64(n/2*7)
	if held := int64(after.HeapAlloc) - int64(before.HeapAlloc); held > text+6*n {
		t.Errorf("%d items of %d bytes of text hold %d bytes", n, text, held)
	}
	for _, i := range []int{0, 1, 15, 16, 17, 998, 999, 1000, 524287, n - 1} {
		want := fmt.Sprint(i)
		switch {
		case i%1000 == 999:
			want = long
		case i%2 == 0:
			want = ""
		}
		if got, ok := s.get(i); !ok || got != want {
			t.Errorf("item %d = %.20q, %v", i, got, ok)
		}
	}
	if _, ok := s.get(n); ok {
		t.Error("item n exists")
	}
	runtime.KeepAlive(s)
}

// BenchmarkReadXLSX reads a roster of 20,000 rows of 60 filled columns
// written as Excel writes it (shared strings, dates as numbers).
func BenchmarkReadXLSX(b *testing.B) {
	data := benchWorkbook(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		recs, err := readXLSX(data, Limits{})
		if err != nil || len(recs) != 20000 {
			b.Fatalf("%d rows, %v", len(recs), err)
		}
	}
}

// benchWorkbook writes the roster of BenchmarkReadXLSX.
func benchWorkbook(b *testing.B) []byte {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	const rows = 20000
	row := make([]any, 60)
	for i := range rows {
		for j := range row {
			switch {
			case j == 0:
				row[j] = fmt.Sprintf("G5002342012%07d", i)
			case j == 2:
				row[j] = time.Date(2012, 1, 1+i%365, 0, 0, 0, 0, time.UTC)
			case j%3 == 0:
				row[j] = (i + j) % 9
			default:
				row[j] = fmt.Sprintf("重庆市某某区某某镇%d", (i*j)%500)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	sw.Flush()
	buf, err := f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// TestXLSX1904Dates: a workbook in Excel for Mac's 1904 date system gives
// the dates its user sees (serial 43893 is 2024-03-04 there, 2020-03-03 in
// the 1900 system), not dates four years off that no check would catch.
func TestXLSX1904Dates(t *testing.T) {
	wb := `<workbook ` + mainNS + ` ` + relNS + `><workbookPr date1904="1"/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	sheet := sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>日期</t></is></c></row><row r="2"><c r="A2" s="1"><v>43893</v></c></row>`)
	for name, parts := range map[string]map[string]string{
		"2024-03-04": {"xl/workbook.xml": wb, "xl/worksheets/sheet1.xml": sheet},
		"2020-03-03": {"xl/worksheets/sheet1.xml": sheet},
	} {
		recs, err := readXLSX(handWorkbook(t, parts, zip.Deflate), Limits{})
		if err != nil || len(recs) != 2 {
			t.Fatalf("%s: %v, %d records", name, err, len(recs))
		}
		r := row{cells: recs[1].cells, raws: recs[1].raws, date1904: recs[1].date1904, dates: map[string]string{},
			h: &header{cells: map[string][]int{"date": {0}}}, p: &problems{}}
		if got := r.date("date", true); got != name {
			t.Errorf("date = %q, want %s", got, name)
		}
	}
}
