package engine

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"baoxue/rules"
	"baoxue/store"
)

// TestMatchOpen: split among goroutines (enough firings for several), the
// lookups find each firing's open alert, -1 for a new one, and mark every
// open alert that fires and no other; as one goroutine does.
func TestMatchOpen(t *testing.T) {
	a, b := &rules.Rule{ID: "a"}, &rules.Rule{ID: "b"}
	index := openBy{}
	// Open alerts: rule a for the even students, rule b for every third.
	for sid := int64(0); sid < 30000; sid++ {
		if sid%2 == 0 {
			index[store.AlertKey{Rule: "a", SID: sid}] = len(index)
		}
		if sid%3 == 0 {
			index[store.AlertKey{Rule: "b", SID: sid}] = len(index)
		}
	}
	// Firings: rule a for every student below 20,000, rule b for the odd.
	var fs []firing
	for sid := int64(0); sid < 20000; sid++ {
		fs = append(fs, firing{rule: a, stu: &FiredStudent{SID: sid}})
		if sid%2 == 1 {
			fs = append(fs, firing{rule: b, stu: &FiredStudent{SID: sid}})
		}
	}
	want := make([]bool, len(index))
	for _, f := range fs {
		if i, ok := index[store.AlertKey{Rule: f.rule.ID, SID: f.stu.SID}]; ok {
			want[i] = true
		}
	}
	for _, workers := range []int{1, 2, 7} {
		fired := matchOpen(index, len(index), fs, workers)
		if !slices.Equal(fired, want) {
			t.Errorf("%d workers: the open alerts marked firing differ", workers)
		}
		for _, f := range fs {
			i, ok := index[store.AlertKey{Rule: f.rule.ID, SID: f.stu.SID}]
			if !ok {
				i = -1
			}
			if f.open != i {
				t.Fatalf("%d workers: the firing of %s for student %d has open %d, want %d", workers, f.rule.ID, f.stu.SID, f.open, i)
			}
		}
	}
}

// TestSortFirings: the firings come out by rule id, then student id,
// whatever order they came in and however many goroutines sort them,
// each with its open alert; rules that did not fire are no trouble. Ids
// that share their first 24 bytes (the sort key), ids that are prefixes of
// others, and ids holding NULs sort as strings do.
func TestSortFirings(t *testing.T) {
	set := &rules.Set{}
	for _, id := range []string{"m", "b", "z", "a", "quiet"} {
		set.Rules = append(set.Rules, &rules.Rule{ID: id})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var fs []firing
	for n := range 20000 {
		r := set.Rules[rng.IntN(4)] // never "quiet"
		id := fmt.Sprintf("G%08d", rng.IntN(1e8))
		if n%2 == 0 { // a formal 学籍号's length, differing in its last bytes
			id = fmt.Sprintf("G1101012008%08d", rng.IntN(1e8))
		}
		fs = append(fs, firing{rule: r, stu: &FiredStudent{ID: id}, open: n})
	}
	long := strings.Repeat("G110101200801011234", 2) // 38 bytes
	for n, id := range []string{long, long + "1", long[:30] + "0", long[:24], long[:23], long[:23] + "\x00",
		long[:23] + "\x00\x00", long[:24] + "\x00", "", "\x00", "\xff\xff\xff\xff\xff\xff\xff\xff\xff", "\xff\xff\xff\xff\xff\xff\xff\xff"} {
		for _, r := range set.Rules[:4] {
			fs = append(fs, firing{rule: r, stu: &FiredStudent{ID: id}, open: -n})
		}
	}
	rng.Shuffle(len(fs), func(i, j int) { fs[i], fs[j] = fs[j], fs[i] })
	// One firing per rule and student, as a run has.
	seen := map[[2]string]bool{}
	fs = slices.DeleteFunc(fs, func(f firing) bool {
		k := [2]string{f.rule.ID, f.stu.ID}
		defer func() { seen[k] = true }()
		return seen[k]
	})
	want := slices.Clone(fs)
	slices.SortFunc(want, func(a, b firing) int {
		return cmp.Or(strings.Compare(a.rule.ID, b.rule.ID), strings.Compare(a.stu.ID, b.stu.ID))
	})
	for _, workers := range []int{0, 1, 2, 7} {
		got := slices.Clone(fs)
		got = sortFirings(got, set, workers)
		if !slices.Equal(got, want) {
			t.Errorf("%d workers: firings out of order", workers)
		}
	}
}

// TestTaskIndexFind: an open task is found by its student, kind and
// assignee among the other tasks of its student and of others; a key
// that differs in any of the three is not found.
func TestTaskIndexFind(t *testing.T) {
	ts := []store.OpenTask{{ID: 1, SID: 7, Kind: "contact_guardian", Assignee: "T1"}, {ID: 2, SID: 8, Kind: "contact_guardian", Assignee: "T1"},
		{ID: 3, SID: 7, Kind: "pairing", Assignee: "T1"}, {ID: 4, SID: 7, Kind: "contact_guardian", Assignee: "T2"}}
	idx := indexTasks(ts, nil)
	for _, c := range []struct {
		k    store.TaskKey
		want int
	}{
		{store.TaskKey{SID: 7, Kind: "contact_guardian", Assignee: "T1"}, 0},
		{store.TaskKey{SID: 8, Kind: "contact_guardian", Assignee: "T1"}, 1},
		{store.TaskKey{SID: 7, Kind: "pairing", Assignee: "T1"}, 2},
		{store.TaskKey{SID: 7, Kind: "contact_guardian", Assignee: "T2"}, 3},
		{store.TaskKey{SID: 8, Kind: "pairing", Assignee: "T1"}, -1},
		{store.TaskKey{SID: 7, Kind: "pairing", Assignee: "T2"}, -1},
		{store.TaskKey{SID: 9, Kind: "contact_guardian", Assignee: "T1"}, -1},
	} {
		j, ok := idx.find(c.k)
		if !ok {
			j = -1
		}
		if j != c.want {
			t.Errorf("%+v: task %d, want %d", c.k, j, c.want)
		}
	}
}
