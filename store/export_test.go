package store

// SetRefreshChunk makes RefreshFacts build n stale students at a time
// until the returned function puts the size back.
func SetRefreshChunk(n int) func() {
	old := refreshChunk
	refreshChunk = n
	return func() { refreshChunk = old }
}
