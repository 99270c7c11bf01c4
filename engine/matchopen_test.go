package engine

import (
	"slices"
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
