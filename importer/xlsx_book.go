package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strings"

	"baoxue/i18n"
)

// xlsxBook is the zip package of a workbook: its parts, and the budget of
// what reading them unzips.
type xlsxBook struct {
	parts  map[string]*zip.File // by lower-case name with '/' separators
	budget *xlsxBudget
}

func newBook(zr *zip.Reader, max int64) *xlsxBook {
	b := &xlsxBook{parts: make(map[string]*zip.File, len(zr.File)), budget: &xlsxBudget{max: max}}
	for _, f := range zr.File {
		name := strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))
		if _, dup := b.parts[name]; !dup {
			b.parts[name] = f
		}
	}
	return b
}

// part returns the part called name (a path as partPath returns it), or
// nil.
func (b *xlsxBook) part(name string) *zip.File { return b.parts[name] }

// open opens a part, which must have been declared to the budget, for
// reading within the budget.
func (b *xlsxBook) open(f *zip.File) (io.ReadCloser, io.Reader, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, nil, err
	}
	return rc, budgetReader{r: rc, b: b.budget}, nil
}

// read declares a part of the index, reads it whole with fn and closes it.
func (b *xlsxBook) read(f *zip.File, fn func(*xmlReader) error) error {
	if !b.budget.declare(f) {
		return errXLSXBudget
	}
	rc, r, err := b.open(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	return fn(newXMLReader(r))
}

// partPath resolves the target of a relationship of a part in directory dir
// ("" for the package's own relationships) to a part name.
func partPath(dir, target string) string {
	target = strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(target, "/") {
		return strings.ToLower(strings.TrimPrefix(path.Clean(target), "/"))
	}
	return strings.ToLower(path.Join(dir, target))
}

// relsPath is the name of the relationships part of part p.
func relsPath(p string) string {
	return path.Join(path.Dir(p), "_rels", path.Base(p)+".rels")
}

// xlsxRel is one relationship of a .rels part.
type xlsxRel struct {
	id, typ, target string
	external        bool
}

// readRels calls fn for each relationship of a .rels part.
func readRels(x *xmlReader, fn func(xlsxRel)) error {
	for {
		t, err := x.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if e, ok := t.(xml.StartElement); ok && e.Name.Local == "Relationship" && x.depth == 2 {
			var r xlsxRel
			r.id, _ = attr(e, "Id")
			r.typ, _ = attr(e, "Type")
			r.target, _ = attr(e, "Target")
			mode, _ := attr(e, "TargetMode")
			r.external = mode == "External"
			fn(r)
		}
	}
}

// relType reports whether a relationship type (transitional or strict
// OOXML) is the one called name, e.g. "worksheet".
func relType(typ, name string) bool { return strings.HasSuffix(typ, "/"+name) }

// xlsxSheet is a sheet of the workbook's list of sheets.
type xlsxSheet struct {
	name, rid string
	hidden    bool
}

// xlsxListed is how many sheets the messages list.
const xlsxListed = 10

// xlsxIndex is the workbook's list of sheets: the first xlsxListed of them
// and how many there are.
type xlsxIndex struct {
	sheets []xlsxSheet
	count  int
	// date1904 is the workbook's date system (workbookPr date1904).
	date1904 bool
}

// readWorkbook reads the list of sheets of the workbook part.
func readWorkbook(x *xmlReader) (xlsxIndex, error) {
	var ix xlsxIndex
	for {
		t, err := x.token()
		if err == io.EOF {
			return ix, nil
		}
		if err != nil {
			return ix, err
		}
		e, ok := t.(xml.StartElement)
		if ok && e.Name.Local == "workbookPr" {
			// Excel for Mac's 1904 date system: serials count from
			// 1904-01-01, 1,462 days after the 1900 system's zero.
			for _, a := range e.Attr {
				if a.Name.Local == "date1904" {
					ix.date1904 = a.Value == "1" || strings.EqualFold(a.Value, "true")
				}
			}
		}
		if !ok || e.Name.Local != "sheet" || x.depth != 3 {
			continue
		}
		ix.count++
		if len(ix.sheets) == xlsxListed {
			continue
		}
		s := xlsxSheet{}
		for _, a := range e.Attr {
			switch {
			case a.Name.Local == "name" && a.Name.Space == "":
				s.name = a.Value
			case a.Name.Local == "id" && a.Name.Space != "": // r:id
				s.rid = a.Value
			case a.Name.Local == "state":
				s.hidden = a.Value == "hidden" || a.Value == "veryHidden"
			}
		}
		ix.sheets = append(ix.sheets, s)
	}
}

// label names a sheet in messages: its name quoted, and hidden when it is.
func (s xlsxSheet) label() any {
	if s.hidden {
		return i18n.M("import.xlsx.hidden", quoteShort(s.name))
	}
	return quoteShort(s.name)
}

// oleSignature starts a Compound File: an old .xls workbook, or an .xlsx
// workbook encrypted with a password.
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// oleProblem tells an encrypted workbook, whose compound file holds a
// stream called EncryptedPackage, from an old .xls file.
func oleProblem(r io.ReaderAt, size int64) *badInput {
	if containsUTF16(r, size, "EncryptedPackage") {
		return bad("import.xlsx.encrypted")
	}
	return bad("import.file.xls")
}

// containsUTF16 reports whether the file holds s in UTF-16LE, the encoding
// of the names in a compound file's directory.
func containsUTF16(r io.ReaderAt, size int64, s string) bool {
	pat := make([]byte, 0, 2*len(s))
	for _, c := range []byte(s) {
		pat = append(pat, c, 0)
	}
	const stride = 1 << 16
	buf := make([]byte, stride+len(pat))
	for off := int64(0); off < size; off += stride {
		n, _ := r.ReadAt(buf, off)
		if bytes.Contains(buf[:n], pat) {
			return true
		}
		if n < len(buf) {
			return false
		}
	}
	return false
}
