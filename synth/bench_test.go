package synth

import (
	"context"
	"testing"
)

// BenchmarkGenerate generates a district of 100,000 students. On a 2-core
// machine 1,000,000 students take a few seconds (about 10x this).
func BenchmarkGenerate(b *testing.B) {
	dir := b.TempDir()
	for b.Loop() {
		if _, err := Generate(context.Background(), dir, Options{Students: 100000}); err != nil {
			b.Fatal(err)
		}
	}
}
