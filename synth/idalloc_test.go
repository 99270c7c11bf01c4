package synth

import (
	"math/rand/v2"
	"testing"
	"time"

	"baoxue/idnum"
)

// TestNationalIDsUniqueAndValid draws more IDs for one birth date and sex
// than one area has sequence numbers for.
func TestNationalIDsUniqueAndValid(t *testing.T) {
	a := newIDAllocator()
	birth := day(2014, 5, 1)
	seen := map[[18]byte]bool{}
	for i := 0; i < 1200; i++ {
		male := i%2 == 0
		id := a.nationalID(areaKaizhouOld, birth, male)
		s := string(id[:])
		if seen[id] {
			t.Fatalf("id %s handed out twice", idnum.Mask(s))
		}
		seen[id] = true
		if err := idnum.Valid(s); err != nil {
			t.Fatalf("id %s: %v", idnum.Mask(s), err)
		}
		if b, _ := idnum.BirthDate(s); b.Format(time.DateOnly) != "2014-05-01" {
			t.Fatalf("id %s: birth date %s", idnum.Mask(s), b.Format(time.DateOnly))
		}
		if m, _ := idnum.Male(s); m != male {
			t.Fatalf("id %s: sex digit says male=%v, want %v", idnum.Mask(s), m, male)
		}
	}
}

func TestTemporaryNumbers(t *testing.T) {
	a := newIDAllocator()
	r := rand.New(rand.NewPCG(1, 1))
	seen := map[[18]byte]bool{}
	for i := 0; i < 2000; i++ {
		body := a.temporary(r, areaKaizhouNew, day(2020, 2, 29))
		if seen[body] {
			t.Fatalf("temporary number twice")
		}
		seen[body] = true
		if got := string(body[:14]); got != "50015420200229" {
			t.Fatalf("temporary number starts %s", got)
		}
		if b, ok := idnum.BirthDate("L" + string(body[:])); !ok || b.Format(time.DateOnly) != "2020-02-29" {
			t.Fatalf("temporary number birth date %v %v", b, ok)
		}
	}
}

func TestPickArea(t *testing.T) {
	tests := []struct {
		name    string
		birth   int32
		migrant bool
		major   string  // the most common area code
		share   float64 // its least share
		never   string  // an area code that must not occur
	}{
		{"born in the county years", day(2012, 1, 1), false, areaKaizhouOld, 0.9, areaKaizhouNew},
		{"born in the district years", day(2018, 1, 1), false, areaKaizhouNew, 0.9, areaKaizhouOld},
		{"migrant", day(2018, 1, 1), true, "", 0, areaKaizhouNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, 5))
			counts := map[string]int{}
			for i := 0; i < 10000; i++ {
				counts[pickArea(r, tt.birth, tt.migrant)]++
			}
			if counts[tt.never] != 0 {
				t.Errorf("area %s drawn %d times", tt.never, counts[tt.never])
			}
			if tt.major != "" && float64(counts[tt.major]) < tt.share*10000 {
				t.Errorf("area %s drawn %d of 10000 times", tt.major, counts[tt.major])
			}
			if tt.migrant && counts["511722"]+counts["511702"]+counts["422801"] < 6000 {
				t.Errorf("migrant area codes %v: want mostly from outside Chongqing", counts)
			}
		})
	}
}
