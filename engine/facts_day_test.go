package engine

import (
	"testing"

	"baoxue/civil"
	"baoxue/store"
)

// TestFactDayMatchesCivil: the store counts a date's days as civil does,
// for every day from 1900 to 2200, and refuses what civil refuses.
func TestFactDayMatchesCivil(t *testing.T) {
	for d := civil.FromDate(1900, 1, 1); d <= civil.FromDate(2200, 12, 31); d++ {
		got, ok := store.FactDay([]byte(d.String()))
		if !ok || civil.Day(got) != d {
			t.Fatalf("%s: store %d %v, civil %d", d, got, ok, d)
		}
	}
	for _, s := range []string{"", "2026-02-29", "2024-02-30", "1900-02-29", "2026-13-01", "2026-00-10",
		"2026-1-01", "2026/01/01", "２０２６-01-01", "2026-01-0a", "2026-04-31", "0000-01-01", "9999-12-31"} {
		c, cok := civil.ParseDayBytes([]byte(s))
		f, fok := store.FactDay([]byte(s))
		if cok != fok || cok && civil.Day(f) != c {
			t.Errorf("%q: store %d %v, civil %d %v", s, f, fok, c, cok)
		}
	}
}

// FuzzFactDayMatchesCivil: for any bytes, the store's day is civil's.
func FuzzFactDayMatchesCivil(f *testing.F) {
	f.Add([]byte("2026-11-27"))
	f.Add([]byte("0000-02-29"))
	f.Add([]byte("2100-02-29"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, cok := civil.ParseDayBytes(b)
		s, sok := store.FactDay(b)
		if cok != sok || cok && civil.Day(s) != c {
			t.Fatalf("%q: store %d %v, civil %d %v", b, s, sok, c, cok)
		}
	})
}
