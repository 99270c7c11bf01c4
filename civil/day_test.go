package civil

import (
	"testing"
	"time"
)

func mustDay(t *testing.T, s string) Day {
	t.Helper()
	d, err := ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDayRoundTrip(t *testing.T) {
	for _, s := range []string{"1970-01-01", "2000-02-29", "2026-03-09", "2026-12-31", "1999-12-31"} {
		d := mustDay(t, s)
		if d.String() != s {
			t.Errorf("%s round-trips to %s", s, d)
		}
	}
	if wd := mustDay(t, "2026-03-09").Weekday(); wd.String() != "Monday" {
		t.Errorf("2026-03-09 is a %s, want Monday", wd)
	}
}

func TestParseDayBad(t *testing.T) {
	for _, bad := range []string{"2026-02-29", "2026-13-01", "2026-00-01", "2026-04-31", "2026-1-01", "20260301", "2026-03-0x", "2026/03/01", ""} {
		_, err := ParseDay(bad)
		if err == nil {
			t.Errorf("ParseDay(%q) succeeded", bad)
			continue
		}
		if want := `date "` + bad + `" is not a valid date written YYYY-MM-DD`; err.Error() != want {
			t.Errorf("ParseDay(%q) error = %q, want %q", bad, err, want)
		}
		if _, ok := ParseDayBytes([]byte(bad)); ok {
			t.Errorf("ParseDayBytes(%q) succeeded", bad)
		}
	}
}

func TestParseDayBytesAllocs(t *testing.T) {
	b := []byte("2026-03-09")
	if n := testing.AllocsPerRun(100, func() { ParseDayBytes(b) }); n != 0 {
		t.Errorf("ParseDayBytes allocates %v times, want 0", n)
	}
}

func TestDayOf(t *testing.T) {
	// Early morning in Beijing is still the previous day in UTC: the
	// date is the one of t's location.
	tm := time.Date(2026, 11, 27, 6, 30, 0, 0, time.FixedZone("CST", 8*3600))
	if got := DayOf(tm); got.String() != "2026-11-27" {
		t.Errorf("DayOf(%s) = %s, want 2026-11-27", tm, got)
	}
	if got := DayOf(tm.UTC()); got.String() != "2026-11-26" {
		t.Errorf("DayOf(%s) = %s, want 2026-11-26", tm.UTC(), got)
	}
}

func TestAgeAt(t *testing.T) {
	for _, tc := range []struct {
		birth, at string
		want      int
	}{
		{"2011-05-01", "2026-05-01", 15}, // birthday on at counts
		{"2011-05-01", "2026-04-30", 14},
		{"2012-02-29", "2026-02-28", 13},
		{"2012-02-29", "2026-03-01", 14},
		{"2011-12-31", "2026-01-01", 14},
	} {
		if got := AgeAt(mustDay(t, tc.birth), mustDay(t, tc.at)); got != tc.want {
			t.Errorf("age of %s at %s = %d, want %d", tc.birth, tc.at, got, tc.want)
		}
	}
}

func BenchmarkParseDayBytes(b *testing.B) {
	s := []byte("2026-03-09")
	for b.Loop() {
		ParseDayBytes(s)
	}
}
