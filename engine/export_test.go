package engine

import "testing"

// SetBatchSize makes the batches of students n long for the rest of t.
// (Not for parallel tests: t.Setenv makes the testing package refuse one.)
func SetBatchSize(t testing.TB, n int) {
	t.Setenv("BAOXUE_TEST_BATCH_SIZE", "")
	old := batchSize
	batchSize = n
	t.Cleanup(func() { batchSize = old })
}
