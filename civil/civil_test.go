package civil

import (
	"testing"
	"time"
)

// TestAgainstTime checks every day from 1900 to 2100 against the standard
// library, both ways.
func TestAgainstTime(t *testing.T) {
	start := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for tm := start; tm.Year() < 2100; tm = tm.AddDate(0, 0, 1) {
		want := int32(tm.Unix() / 86400)
		if got := Days(tm.Year(), int(tm.Month()), tm.Day()); got != want {
			t.Fatalf("Days(%s) = %d, want %d", tm.Format("2006-01-02"), got, want)
		}
		y, m, d := Date(want)
		if y != tm.Year() || m != int(tm.Month()) || d != tm.Day() {
			t.Fatalf("Date(%d) = %d-%d-%d, want %s", want, y, m, d, tm.Format("2006-01-02"))
		}
	}
}
