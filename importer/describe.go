package importer

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
