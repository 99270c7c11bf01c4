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
