package importer

import (
	"strconv"

	"baoxue/i18n"
)

// The defaults of Limits, which are also those of baoxue.yaml's import
// section (config.Default).
const (
	// DefaultXLSXMaxBytes is 512 MiB. Excel writes 30–45 bytes per filled
	// cell, so that is some 200,000–280,000 rows of 60 filled columns:
	// several times the roster of a large district. A larger roster (a
	// city's, a province's: Excel holds 1,048,576 rows at most) comes as
	// CSV, which this limit does not concern. Reading holds the shared
	// strings in memory, so the limit also bounds that memory.
	DefaultXLSXMaxBytes = 512 << 20
	// DefaultMaxRows is 5,000,000: above a province's roster of a few
	// million students, and above the 1,048,576 rows a sheet of Excel can
	// have at all.
	DefaultMaxRows = 5_000_000
	// DefaultMaxColumns is 300: a full export of the registry system has
	// about 100 columns. Excel allows 16,384.
	DefaultMaxColumns = 300
)

// Limits bound what reading one XLSX workbook may cost, so that a damaged
// or hostile file (a workbook of 1 MB that unzips to gigabytes) is refused
// at once, with a message naming the limit, instead of taking the memory,
// the disk or the hours it asks for (SPEC §4). A zero or negative field
// takes its default. CSV files are not concerned: their size is their
// cost.
type Limits struct {
	// XLSXMaxBytes caps the unzipped size of the parts of a workbook that
	// are read: the first sheet, the shared strings and the workbook's
	// index of sheets. It is checked against the sizes of the zip directory
	// before a part is read, and against the bytes actually unzipped while
	// reading (a zip directory can lie). import.xlsx_max_bytes; default
	// DefaultXLSXMaxBytes.
	XLSXMaxBytes int64
	// MaxRows caps the number of the last row of the first sheet that has a
	// value, header and title lines included. import.max_rows; default
	// DefaultMaxRows.
	MaxRows int
	// MaxColumns caps the column of any value of the first sheet (column A
	// is 1). Cells without a value, which Excel writes for formatting, do
	// not count. import.max_columns; default DefaultMaxColumns.
	MaxColumns int
}

// withDefaults replaces the zero and negative fields by their defaults.
func (l Limits) withDefaults() Limits {
	if l.XLSXMaxBytes <= 0 {
		l.XLSXMaxBytes = DefaultXLSXMaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = DefaultMaxColumns
	}
	return l
}

// thousands renders n with thousands separators: 5,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// byteSize renders a size for a message as config writes it when it can
// ("512 MiB"), else in bytes (a message: "1,000,000 bytes").
func byteSize(n int64) any {
	for _, u := range []struct {
		name  string
		shift uint
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if n > 0 && n%(1<<u.shift) == 0 {
			return thousands(n>>u.shift) + " " + u.name
		}
	}
	return i18n.M("import.bytes", n)
}
