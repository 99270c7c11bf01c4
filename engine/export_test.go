package engine

import "testing"

// SetBatchSize makes the batches of students n long for the rest of t.
func SetBatchSize(t testing.TB, n int) {
	old := batchSize
	batchSize = n
	t.Cleanup(func() { batchSize = old })
}
