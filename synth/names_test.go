package synth

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCharacterTables checks every table holds only 3-byte characters, as
// hanAt assumes.
func TestCharacterTables(t *testing.T) {
	for name, table := range map[string]string{
		"surnames": surnameTable, "boys": boyChars, "girls": girlChars, "men": manChars, "women": womanChars,
		"place first": placeFirst, "place second": placeSecond,
	} {
		if n := utf8.RuneCountInString(table); n*3 != len(table) {
			t.Errorf("%s: %d characters in %d bytes", name, n, len(table))
		}
	}
}

func TestNamesAvoidFamousPeople(t *testing.T) {
	nm := newNamer()
	r := rand.New(rand.NewPCG(1, 2))
	famous := map[string]bool{}
	for _, f := range strings.Split(famousNames, "|") {
		famous[f] = true
	}
	for i := 0; i < 200000; i++ {
		var name string
		if i%2 == 0 {
			name = nm.child(r, i%4 == 0)
		} else {
			name = nm.adult(r, i%4 == 1)
		}
		if famous[name] {
			t.Fatalf("drew the name of a well-known person: %s", name)
		}
		if n := utf8.RuneCountInString(name); n < 2 || n > 3 {
			t.Fatalf("name %q has %d characters", name, n)
		}
	}
}

func TestPlaceNamesUnique(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pn := newPlaceNamer(r)
	seen := map[string]bool{}
	for i := 0; i < 3000; i++ {
		tw := pn.township(r)
		if seen[tw] {
			t.Fatalf("township %s handed out twice", tw)
		}
		seen[tw] = true
	}
	vs := villageNames(r, 500, 3)
	seenV := map[string]bool{}
	for i, v := range vs {
		if seenV[v] {
			t.Fatalf("village %s twice", v)
		}
		seenV[v] = true
		if (i < 3) != strings.HasSuffix(v, "社区") {
			t.Errorf("village %d = %s", i, v)
		}
	}
	if got := townshipStem("九龙山镇"); got != "九龙山" {
		t.Errorf("townshipStem = %s", got)
	}
}
