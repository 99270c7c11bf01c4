package synth

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// Kinds of people outside the roster.
const (
	extraRegistryOnly = iota // in the registry, missing from the roster
	extraOutOfSchool         // found by the survey, in no school (失学)
	extraElsewhere           // found by the survey, at a school outside the district
	extraOverAge             // found by the survey, past compulsory age
)

// person is a child who is not a roster student.
type person struct {
	kind     int
	body     [18]byte // national ID (or temporary number body, never here)
	hasID    bool     // whether the national ID is known
	name     string
	male     bool
	birth    int32
	village  int32
	school   int32 // registry-only: the school; else -1
	grade    int8
	dropped  bool   // also on the platform as dropped
	note     string // survey note
	attended string // enrolled_school written by the survey
}

// population is every child the files mention.
type population struct {
	d          *district
	schoolYear int
	start, end int32
	students   []student
	extras     []person
	ids        *idAllocator
	names      *namer
}

// designated marks students already chosen for one of the rare cases.
const designated = flagNotInRegistry | flagPlatformDropped | flagStreakLong | flagStreakShort |
	flagTransferIn | flagAmbiguous | flagSurveyTwice | flagHomeTaught

// buildPopulation draws every roster student seat by seat (school, grade,
// class), then chooses the rare cases and the children outside the roster.
func buildPopulation(ctx context.Context, r *rand.Rand, d *district, res resolved, nm *namer) (*population, error) {
	p := &population{
		d: d, schoolYear: res.schoolYear, start: res.start, end: res.end,
		students: make([]student, res.students),
		ids:      newIDAllocator(),
		names:    nm,
	}
	for si := range d.schools {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("generate students: %w", err)
		}
		sc := &d.schools[si]
		for g := sc.lo; g <= sc.hi; g++ {
			gi := sc.grades[g]
			nc := classes(gi.count)
			for j := 0; j < gi.count; j++ {
				p.drawStudent(r, &p.students[gi.first+j], si, g, j*nc/gi.count+1)
			}
		}
	}
	p.designate(r)
	p.addExtras(r)
	return p, nil
}

// few returns how many of n students a rare case with the given rate gets:
// at least atLeast, but never more than one in 50.
func few(n int, rate float64, atLeast int) int {
	k := max(int(math.Round(float64(n)*rate)), atLeast)
	return min(k, n/50)
}

// pick returns a random ordinary enrolled student not chosen before, or -1.
// With junior set, students of grades 1-6 are mostly passed over (dropout
// peaks in junior middle school).
func (p *population) pick(r *rand.Rand, junior bool) int {
	n := len(p.students)
	for try := 0; try < 1000; try++ {
		i := r.IntN(n)
		st := &p.students[i]
		if st.status != statusEnrolled || st.flags&designated != 0 || st.returned != 0 {
			continue
		}
		if junior && st.grade < 7 && r.Float64() < 0.75 {
			continue
		}
		return i
	}
	return -1
}

// designate chooses the rare cases: suspensions, transfers, dropouts,
// returned dropouts, unexcused streaks, registry and platform
// discrepancies, students sharing a name and birth date, home teaching.
func (p *population) designate(r *rand.Rand) {
	n := len(p.students)
	p.ensureHomeTaught(r, few(n, 0.001, 2))
	each := func(k int, junior bool, f func(st *student)) {
		for ; k > 0; k-- {
			if i := p.pick(r, junior); i >= 0 {
				f(&p.students[i])
			}
		}
	}
	each(few(n, 0.0005, 2), false, func(st *student) {
		st.status = statusSuspended
		if r.IntN(5) < 2 {
			st.suspended = p.end - 1 - int32(r.IntN(60)) // overdue
		} else {
			st.suspended = p.end + 30 + int32(r.IntN(150))
		}
	})
	each(few(n, 0.002, 3), false, func(st *student) {
		st.status = statusTransferred
		if len(p.d.schools) > 1 && r.IntN(2) == 0 {
			st.flags |= flagTransferIn
		}
	})
	each(few(n, 0.0003, 2), true, func(st *student) { st.status = statusDropped })
	each(few(n, 0.001, 2), true, func(st *student) { st.returned = p.end - 10 - int32(r.IntN(290)) })
	each(few(n, 0.0006, 2), true, func(st *student) { st.flags |= flagStreakLong })
	each(few(n, 0.0015, 3), false, func(st *student) { st.flags |= flagStreakShort })
	each(few(n, 0.0005, 2), false, func(st *student) { st.flags |= flagNotInRegistry })
	each(few(n, 0.0002, 1), true, func(st *student) { st.flags |= flagPlatformDropped })
	each(few(n, 0.00002, 2), false, func(st *student) { st.flags |= flagSurveyTwice })
	for k := few(n, 0.00002, 2); k > 0; k-- {
		p.shareIdentity(r)
	}
}

// ensureHomeTaught makes sure at least want students are taught at home,
// turning ordinary students into severely disabled ones if needed, and
// marks about a quarter of them (at least one) as missing recent sessions.
func (p *population) ensureHomeTaught(r *rand.Rand, want int) {
	have := 0
	for i := range p.students {
		if p.students[i].has(flagHomeTaught) {
			have++
		}
	}
	for ; have < want; have++ {
		i := p.pick(r, false)
		if i < 0 {
			break
		}
		st := &p.students[i]
		st.disType, st.disLevel = 7, 1
		st.flags |= flagHomeTaught
		st.flags &^= flagBoarding
	}
	gaps := 0
	for i := range p.students {
		st := &p.students[i]
		if st.has(flagHomeTaught) && (gaps == 0 || r.IntN(4) == 0) {
			st.flags |= flagHomeTeachingGap
			gaps++
		}
	}
}

// shareIdentity gives a second student of the same grade at another school
// the name, sex and birth date of a first one (common names make this
// happen in every large district); the second gets a new ID to match.
func (p *population) shareIdentity(r *rand.Rand) {
	a := p.pick(r, false)
	if a < 0 {
		return
	}
	for try := 0; try < 10000; try++ {
		b := p.pick(r, false)
		if b < 0 || b == a {
			continue
		}
		sa, sb := &p.students[a], &p.students[b]
		if sb.grade != sa.grade || sb.school == sa.school {
			continue
		}
		sb.name, sb.male, sb.birth = sa.name, sa.male, sa.birth
		area := string(sb.body[:6])
		if sb.prefix == 'L' {
			sb.body = p.ids.temporary(r, area, sb.birth)
		} else {
			sb.body = p.ids.nationalID(area, sb.birth, sb.male)
		}
		sa.flags |= flagAmbiguous
		sb.flags |= flagAmbiguous
		return
	}
}

// addExtras adds the children outside the roster: registry-only students,
// and surveyed children out of school, at school elsewhere, or past
// compulsory age.
func (p *population) addExtras(r *rand.Rand) {
	n := len(p.students)
	for k := few(n, 0.0005, 2); k > 0; k-- {
		si := r.IntN(len(p.d.schools))
		sc := &p.d.schools[si]
		g := sc.lo + r.IntN(sc.hi-sc.lo+1)
		birth := cohort(p.schoolYear, g) + int32(r.IntN(365))
		p.addPerson(r, person{kind: extraRegistryOnly, school: int32(si), grade: int8(g), birth: birth,
			village: p.homeVillage(r, sc), hasID: true})
	}
	outNotes := [...]string{"随父母外出返乡后未入学", "重度残疾，未入学", "在家帮忙务农", "监护人未送其上学", "厌学在家"}
	for k := few(n, 0.0003, 2); k > 0; k-- {
		p.addPerson(r, person{kind: extraOutOfSchool, school: -1, birth: p.ageBirth(r, 6+r.IntN(10)),
			village: int32(r.IntN(len(p.d.villages))), hasID: r.IntN(10) < 7,
			note: outNotes[r.IntN(len(outNotes))], dropped: k == 1})
	}
	places := [...]string{"广东省东莞市长安镇", "广东省广州市白云区", "浙江省宁波市鄞州区", "福建省厦门市集美区",
		"四川省成都市双流区", "重庆市渝北区", "重庆市万州区", "江苏省苏州市吴中区"}
	kinds := [...]string{"实验小学", "第一小学", "外来务工子弟学校", "第二中学", "实验学校"}
	for k := few(n, 0.002, 3); k > 0; k-- {
		p.addPerson(r, person{kind: extraElsewhere, school: -1, birth: p.ageBirth(r, 6+r.IntN(10)),
			village: int32(r.IntN(len(p.d.villages))), hasID: r.IntN(10) < 8,
			note:     "随父母在外地就读",
			attended: places[r.IntN(len(places))] + kinds[r.IntN(len(kinds))]})
	}
	for k := few(n, 0.0002, 1); k > 0; k-- {
		p.addPerson(r, person{kind: extraOverAge, school: -1, birth: p.ageBirth(r, 16),
			village: int32(r.IntN(len(p.d.villages))), hasID: true, note: "已初中毕业，外出务工"})
	}
}

// ageBirth draws the birth date of a child aged years full years at End.
func (p *population) ageBirth(r *rand.Rand, years int) int32 {
	y, m, d := civilFromDays(p.end)
	if m == 2 && d == 29 {
		d = 28
	}
	latest := daysFromCivil(y-years, m, d)
	return latest - int32(r.IntN(365))
}

func (p *population) addPerson(r *rand.Rand, x person) {
	x.male = r.IntN(1000) < 530
	x.name = p.names.child(r, x.male)
	// A child with a temporary student number is never among these, so every
	// one gets a national ID; hasID says whether the files show it.
	x.body = p.ids.nationalID(pickArea(r, x.birth, false), x.birth, x.male)
	if x.dropped {
		x.hasID = true
	}
	p.extras = append(p.extras, x)
}
