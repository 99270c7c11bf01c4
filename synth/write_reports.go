package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
)

// reporting is how far each school has reported its attendance at the end
// of the window: most schools through their last school day, a few (about
// one in fifty, at least one) a school day or two behind, as late uploads
// are in a real district. The attendance writer leaves out the rows of the
// days a school has not reported and counts the absences of the days it has,
// for the 实到 counts of reports.csv.
type reporting struct {
	through  []int32   // per school: the last school day it reported
	days     [][]int32 // per school: its school days of the window
	absent   [][]int32 // per school, per school day: students absent, sick or on leave
	expected []int32   // per school: enrolled students who attend (not home-taught)
}

func buildReporting(r *rand.Rand, d *district, cal *schedule) *reporting {
	n := len(d.schools)
	rep := &reporting{through: make([]int32, n), days: make([][]int32, n), absent: make([][]int32, n), expected: make([]int32, n)}
	lag := make([]int, n)
	if n > 1 {
		behind := max(1, n/50)
		for _, s := range r.Perm(n)[:behind] {
			lag[s] = 1 + r.IntN(2)
		}
	}
	for s := range d.schools {
		days := cal.schoolDays(s)
		rep.days[s] = days
		rep.absent[s] = make([]int32, len(days))
		if k := len(days) - 1 - lag[s]; k >= 0 {
			rep.through[s] = days[k]
		} else {
			rep.through[s] = cal.start - 1 // reported nothing in the window
		}
	}
	return rep
}

// count records one student's attendance of school day k at school s.
func (rep *reporting) count(s int32, k int, status int8) {
	if status == attAbsent || status == attSick || status == attLeave {
		rep.absent[s][k]++
	}
}

// writeReports writes reports.csv: one row per school and school day it
// reported, with the students expected and present.
func writeReports(ctx context.Context, dir string, d *district, rep *reporting) (FileCount, error) {
	t, err := createTable(dir, "reports.csv", "school_id", "date", "expected", "present")
	if err != nil {
		return FileCount{}, err
	}
	order := make([]int, len(d.schools))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return d.schools[order[i]].id < d.schools[order[j]].id })
	for i, s := range order {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				t.close()
				return FileCount{}, fmt.Errorf("write reports.csv: %w", err)
			}
		}
		for k, day := range rep.days[s] {
			if day > rep.through[s] {
				break
			}
			t.str(d.schools[s].id)
			t.date(day)
			t.num(int(rep.expected[s]))
			t.num(int(max(rep.expected[s]-rep.absent[s][k], 0)))
			t.end()
		}
	}
	return FileCount{t.name, t.rows}, t.close()
}
