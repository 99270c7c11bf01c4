package civil

import (
	"testing"
	"time"
)

// TestAgainstTime checks every day from 1900 to 2100 against the standard
// library, both ways, with the weekday and the string form.
func TestAgainstTime(t *testing.T) {
	start := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for tm := start; tm.Year() < 2100; tm = tm.AddDate(0, 0, 1) {
		want := Day(tm.Unix() / 86400)
		if got := FromDate(tm.Year(), int(tm.Month()), tm.Day()); got != want {
			t.Fatalf("FromDate(%s) = %d, want %d", tm.Format(time.DateOnly), got, want)
		}
		y, m, d := want.Date()
		if y != tm.Year() || m != int(tm.Month()) || d != tm.Day() {
			t.Fatalf("Day(%d).Date() = %d-%d-%d, want %s", want, y, m, d, tm.Format(time.DateOnly))
		}
		if got := want.Weekday(); got != tm.Weekday() {
			t.Fatalf("%s.Weekday() = %s, want %s", tm.Format(time.DateOnly), got, tm.Weekday())
		}
		if got := want.String(); got != tm.Format(time.DateOnly) {
			t.Fatalf("Day(%d).String() = %s, want %s", want, got, tm.Format(time.DateOnly))
		}
	}
}
