package store

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// decodeAll reads a list of kind back, entry by entry.
func decodeAll(t *testing.T, s string, kind factKind) []factEntry {
	t.Helper()
	var l FactList
	l.Reset(s)
	var out []factEntry
	for {
		var e factEntry
		var ok bool
		switch kind {
		case absencesKind:
			var u bool
			e.day, u, ok = l.Absence()
			if u {
				e.value = 1
			}
		case contactsKind:
			e.day, ok = l.Day()
		case teachingKind:
			var h int
			e.day, h, ok = l.Session()
			e.value = int32(h)
		}
		if !ok {
			break
		}
		out = append(out, e)
	}
	if l.Damaged() {
		t.Fatalf("%q reads as damaged", s)
	}
	return out
}

// TestFactsRoundTrip: every list reads back as written, newest first, for
// days far before 1970 and far after, repeated days and large hours; and
// the encoding uses only its 64 characters.
func TestFactsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		for _, kind := range []factKind{absencesKind, contactsKind, teachingKind} {
			base := int32(r.IntN(200000)) - 100000
			var es []factEntry
			for j := r.IntN(40); j > 0; j-- {
				e := factEntry{day: base - int32(r.IntN(3000))}
				switch kind {
				case absencesKind:
					e.value = int32(r.IntN(2))
				case teachingKind:
					e.value = int32(r.IntN(1 << r.IntN(31)))
				}
				if kind == absencesKind && slices.ContainsFunc(es, func(o factEntry) bool { return o.day == e.day }) {
					continue // one attendance record a student a day
				}
				es = append(es, e)
			}
			enc := encodeFacts(slices.Clone(es), kind)
			for _, c := range []byte(enc) {
				if factValue[c] < 0 {
					t.Fatalf("%q holds %q, not one of the digits", enc, c)
				}
			}
			got := decodeAll(t, enc, kind)
			want := slices.Clone(es)
			encodeFacts(want, kind) // sorts
			if len(want) == 0 {
				want = nil
			}
			if !slices.Equal(got, want) {
				t.Fatalf("kind %d: %v read back as %v (%q)", kind, want, got, enc)
			}
		}
	}
}

// FuzzFactList: any text reads without a panic, either to its end or to a
// number it marks damaged.
func FuzzFactList(f *testing.F) {
	f.Add("yvhBBC")
	f.Add("_")
	f.Add("!")
	f.Add("g-")
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []factKind{absencesKind, contactsKind, teachingKind} {
			var l FactList
			l.Reset(s)
			for n := 0; n <= len(s); n++ {
				var ok bool
				switch kind {
				case absencesKind:
					_, _, ok = l.Absence()
				case contactsKind:
					_, ok = l.Day()
				case teachingKind:
					_, _, ok = l.Session()
				}
				if !ok {
					break
				}
			}
		}
	})
}
