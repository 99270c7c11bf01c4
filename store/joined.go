package store

import "strings"

// The drivers allocate a string for every text column of every row, so the
// reads of a city's rows (the roster, open alerts, open tasks) join their
// text columns with unitSep in one column and cut it here.

// cutJoined cuts text, joined with unitSep, into fields, the substrings
// sharing its memory; false when the number of parts differs (a field held
// the separator).
func cutJoined(text string, fields []*string) bool {
	for i, f := range fields {
		j := strings.IndexByte(text, unitSep[0])
		if (j < 0) != (i == len(fields)-1) {
			return false
		}
		if j < 0 {
			*f = text
			break
		}
		*f, text = text[:j], text[j+1:]
	}
	return true
}

// Interner hands out one copy of each value that repeats across rows
// (rules, schools, dates, teachers), so rows neither allocate it again
// nor keep their whole joined text, or a buffer it shares, alive for it.
type Interner map[string]string

// Intern returns the copy of v made at its first sight.
func (in Interner) Intern(v string) string {
	if w, ok := in[v]; ok {
		return w
	}
	w := strings.Clone(v)
	in[w] = w
	return w
}
