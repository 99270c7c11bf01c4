package importer

import (
	"context"
	"unicode/utf8"

	"baoxue/i18n"
	"baoxue/store"
)

// A students import that would rename more than massShare of the stored
// students it matches, and at least massMin of them, is refused unless
// Options.AllowMassUpdate: a roster whose names were damaged on the way (a
// re-export in the wrong encoding, a name column shifted against the 学籍号)
// would otherwise overwrite every name with exit status 0.
const (
	massMin   = 20
	massShare = 10 // percent
)

// finalChecker is a batch with a check that needs every row: run calls
// finalCheck after the last row when no row had a problem, and a problem
// it adds rejects the file as a bad row does.
type finalChecker interface {
	finalCheck(ctx context.Context, p *problems) error
}

// renames counts the stored students a roster matches and how many of them
// it would give another name, with two examples.
type renames struct {
	matched, changed int
	examples         [][2]string // old and new name, masked
}

// count compares the names of the staged rows of stored students with
// their stored names.
func (n *renames) count(ctx context.Context, e *env, rows []store.Student) error {
	pos := make(map[int64]int, len(rows))
	for i := range rows {
		if rows[i].SID != 0 {
			pos[rows[i].SID] = i
		}
	}
	if len(pos) == 0 {
		return nil
	}
	n.matched += len(pos)
	changed := make([]bool, len(rows))
	err := storedNames(ctx, e, pos, func(sid int64, old []byte) {
		if i, ok := pos[sid]; ok && string(old) != rows[i].Name {
			changed[i] = true
		}
	})
	if err != nil {
		return err
	}
	// The examples are the first renamed rows of the file; the stored name
	// of each is read once more.
	for i, c := range changed {
		if !c {
			continue
		}
		n.changed++
		if len(n.examples) < 2 {
			one := map[int64]int{rows[i].SID: i}
			if err := storedNames(ctx, e, one, func(_ int64, old []byte) {
				n.examples = append(n.examples, [2]string{maskName(string(old)), maskName(rows[i].Name)})
			}); err != nil {
				return err
			}
		}
	}
	return nil
}

// tooMany reports whether the renames exceed what an import may do without
// Options.AllowMassUpdate.
func (n *renames) tooMany() bool {
	return n.changed >= massMin && n.changed*100 > n.matched*massShare
}

// problem describes the renames for the refusal.
func (n *renames) problem() i18n.Message {
	eg := make([]string, len(n.examples))
	for i, x := range n.examples {
		eg[i] = x[0] + " → " + x[1]
	}
	return i18n.M("import.mass_update", n.changed, n.matched, names(eg))
}

// storedNames passes the stored name of each student whose sid is a key
// of sids to fn (the bytes are valid only during the call).
func storedNames(ctx context.Context, e *env, sids map[int64]int, fn func(sid int64, name []byte)) error {
	list := make([]int64, 0, len(sids))
	for sid := range sids {
		list = append(list, sid)
	}
	return e.tx.StudentNames(ctx, list, fn)
}

// maskName keeps the first character of a name: 张三丰 → 张*.
func maskName(name string) string {
	r, _ := utf8.DecodeRuneInString(name)
	if name == "" || r == utf8.RuneError {
		return "*"
	}
	return string(r) + "*"
}
