package store

import (
	"context"
	"database/sql"
)

// SetRefreshChunk makes RefreshFacts build n stale students at a time
// until the returned function puts the size back.
func SetRefreshChunk(n int) func() {
	old := refreshChunk
	refreshChunk = n
	return func() { refreshChunk = old }
}

// SetAfterBuild makes RefreshFacts call fn between a chunk's build and its
// write, until the returned function takes it away.
func SetAfterBuild(fn func()) func() {
	afterBuild = fn
	return func() { afterBuild = nil }
}

// EachRow is eachRow, for tests.
func (s *Store) EachRow(ctx context.Context, query string, args []any, fn func(sid int64, text string) error) error {
	return s.eachRow(ctx, query, args, fn)
}

// Pool is the Store's connection pool.
func (s *Store) Pool() *sql.DB { return s.pool.DB }

// InsertRows is insertRows, for tests: n rows of cols into table, row i's
// values from row(i).
func (tx *Tx) InsertRows(ctx context.Context, table string, cols []string, n int, row func(i int) []any) error {
	return tx.insertRows(ctx, table, cols, n, func(i int, d []any) { copy(d, row(i)) })
}

// SetAfterSplice makes AssignPairings call fn between its write of the
// spliced facts and its removal of the marks, until the returned function
// takes it away.
func SetAfterSplice(fn func()) func() {
	afterSplice = fn
	return func() { afterSplice = nil }
}
