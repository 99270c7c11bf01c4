package store

import "strings"

// where collects the conditions of a query's WHERE clause, written with ?
// placeholders, and their arguments in order.
type where struct {
	conds []string
	args  []any
}

// add appends cond, with the arguments of its placeholders, when on is true.
func (w *where) add(on bool, cond string, args ...any) {
	if on {
		w.conds = append(w.conds, cond)
		w.args = append(w.args, args...)
	}
}

// String returns " WHERE c1 AND c2 …", or "" when there is no condition.
func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// and returns " AND c1 AND c2 …", to follow a condition, or "".
func (w *where) and() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " AND " + strings.Join(w.conds, " AND ")
}
