package store

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
