package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// writeHomeTeaching writes the sessions of home-taught students: one visit a
// week on a fixed weekday, mostly two class hours, with a week missed now
// and then; students marked with a gap have had none in the last two or
// three weeks. A few live outside the district and are taught remotely.
func writeHomeTeaching(ctx context.Context, dir string, p *population, cal *schedule, r *rand.Rand) (FileCount, error) {
	t, err := createTable(dir, "home-teaching.csv", "student_id", "date", "teacher_id", "class_hours", "remote")
	if err != nil {
		return FileCount{}, err
	}
	var idb []byte
	for i := range p.students {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				t.close()
				return FileCount{}, fmt.Errorf("write home-teaching.csv: %w", err)
			}
		}
		st := &p.students[i]
		if !st.has(flagHomeTaught) || st.status != statusEnrolled {
			continue
		}
		idb = appendStudentID(idb[:0], st)
		sc := &p.d.schools[st.school]
		teacher := st.homeroom
		if st.pairing >= 0 {
			teacher = st.pairing
		}
		second := sc.teachers[1+r.IntN(len(sc.teachers)-1)]
		weekdayPref := 1 + r.IntN(5)
		remote := r.IntN(100) < 15
		last := cal.end
		if st.has(flagHomeTeachingGap) {
			last = cal.end - int32(7*(2+r.IntN(2)))
		}
		for _, day := range weeklyDays(cal.schoolDays(int(st.school)), weekdayPref) {
			if day > last || r.IntN(100) < 8 {
				continue
			}
			hours := 2
			switch u := r.IntN(100); {
			case u < 10:
				hours = 3
			case u < 15:
				hours = 1
			}
			row := func(tc int32, h int) {
				t.bytes(idb)
				t.date(day)
				t.str(p.d.teachers[tc].id)
				t.num(h)
				t.flag(remote)
				t.end()
			}
			row(teacher, hours)
			if second != teacher && r.IntN(10) == 0 {
				row(second, 2) // a colleague comes along, e.g. a special-education teacher
			}
		}
	}
	return FileCount{t.name, t.rows}, t.close()
}

// weeklyDays picks one school day per week from days (ascending): the first
// on or after the preferred weekday, else the week's last school day.
func weeklyDays(days []int32, pref int) []int32 {
	var out []int32
	for i := 0; i < len(days); {
		week := (days[i] + 3) / 7 // weeks start on Monday; 1970-01-05 was one
		j := i
		for j < len(days) && (days[j]+3)/7 == week {
			j++
		}
		chosen := days[j-1]
		for _, d := range days[i:j] {
			if weekday(d) >= pref {
				chosen = d
				break
			}
		}
		out = append(out, chosen)
		i = j
	}
	return out
}
