package importer

import "strings"

// ColumnOf returns the column of KIND that the header text h names, by its
// name or one of its aliases, read as an import reads a header cell
// ("Birth Date", "出生日期(yyyy-mm-dd)"); "" when h names none or KIND is
// unknown.
func ColumnOf(kind, h string) string {
	k := kindByName(strings.ReplaceAll(kind, "_", "-"))
	if k == nil {
		return ""
	}
	n := normHeader(h)
	if n == "" {
		return ""
	}
	if c := columnNamed(k.columns, n); c != "" {
		return c
	}
	if j := strings.IndexByte(n, '('); j > 0 {
		return columnNamed(k.columns, n[:j])
	}
	return ""
}

// columnNamed returns the column of cols whose name or alias normalises to
// n, "" when none does.
func columnNamed(cols []column, n string) string {
	for _, c := range cols {
		if normHeader(c.name) == n {
			return c.name
		}
		for _, a := range c.aliases {
			if normHeader(a) == n {
				return c.name
			}
		}
	}
	return ""
}

// Columns returns the file columns of the import KIND kind (a name of
// Kinds; "home_teaching" is read as "home-teaching", as the import reads
// it), by their English header names in the order of the format: those a
// file must have, and those it may have. A KIND not in Kinds is
// ErrUnknownKind. The Chinese header aliases are not listed.
func Columns(kind string) (required, optional []string, err error) {
	k, err := lookupKind(kind)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range k.columns {
		if c.required {
			required = append(required, c.name)
		} else {
			optional = append(optional, c.name)
		}
	}
	return required, optional, nil
}
