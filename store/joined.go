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

// interner hands out one copy of each value that repeats across rows
// (rules, schools, dates, teachers), so rows neither allocate it again
// nor keep their whole joined text alive for it.
type interner map[string]string

func (in interner) intern(v string) string {
	if w, ok := in[v]; ok {
		return w
	}
	w := strings.Clone(v)
	in[w] = w
	return w
}

// chunks gathers rows in fixed chunks and copies them once into a slice of
// their number: growing one slice of a city's wide rows copied them into
// fresh memory over and over.
type chunks[T any] struct {
	full [][]T
	cur  []T
}

const chunkRows = 4096

func (c *chunks[T]) add(v T) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]T, 0, chunkRows)
	}
	c.cur = append(c.cur, v)
}

// next adds a zero row and returns it, to be filled in place.
func (c *chunks[T]) next() *T {
	var zero T
	c.add(zero)
	return &c.cur[len(c.cur)-1]
}

// all returns the rows in the order added, nil when there are none.
func (c *chunks[T]) all() []T {
	if len(c.full) == 0 {
		if len(c.cur) == 0 {
			return nil
		}
		return c.cur
	}
	out := make([]T, 0, len(c.full)*chunkRows+len(c.cur))
	for _, f := range c.full {
		out = append(out, f...)
	}
	return append(out, c.cur...)
}
