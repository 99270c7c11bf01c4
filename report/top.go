package report

import "sort"

// count is how often key occurs.
type count struct {
	key string
	n   int
}

// top returns the keys of m with their counts, most first and then by key,
// at most limit of them (all of them when limit <= 0).
func top(m map[string]int, limit int) []count {
	out := make([]count, 0, len(m))
	for k, n := range m {
		out = append(out, count{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].key < out[j].key
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
