package synth

import (
	"math/rand/v2"
	"strings"
)

// Student statuses as written to students.csv.
const (
	statusEnrolled = iota
	statusSuspended
	statusTransferred
	statusDropped
)

// Student flags.
const (
	flagMigrant uint32 = 1 << iota
	flagReturning
	flagOrphan
	flagBoarding
	flagHardship
	flagHomeTaught
	flagNotInRegistry   // missing from registry.csv
	flagPlatformDropped // enrolled, but platform.csv says dropped
	flagStreakLong      // an unexcused streak of 10+ school days up to End
	flagStreakShort     // an unexcused streak of 4-9 school days
	flagTransferIn      // transferred to another district school (registry has it there)
	flagAmbiguous       // shares name and birth date with another student
	flagSurveyTwice     // surveyed in two villages
	flagHomeTeachingGap // no home-teaching session in the last weeks
)

// Poverty household types, indexes into povertyNames.
const (
	povertyNone = iota
	povertyFormer
	povertyMarginal
	povertyMonitored
)

// student is one roster row. Identity is body with prefix: a 'G' number's
// body is the national ID; an 'L' number's body is area, birth date and four
// digits, and the student has no national ID.
type student struct {
	body       [18]byte
	prefix     byte
	male       bool
	grade      int8
	class      int8
	status     int8
	leftBehind int8
	disType    int8 // 0: not disabled; else an index into disabilityTypes
	disLevel   int8
	poverty    int8
	flags      uint32
	name       string
	birth      int32
	school     int32
	village    int32
	homeroom   int32
	pairing    int32 // -1: none
	suspended  int32 // suspended_until, 0: none
	returned   int32 // returned_at, 0: none
}

func (s *student) has(f uint32) bool { return s.flags&f != 0 }

// special reports whether the student belongs to a group the policy names
// for extra care.
func (s *student) special() bool {
	return s.leftBehind > 0 || s.disType > 0 || s.poverty != povertyNone ||
		s.flags&(flagMigrant|flagReturning|flagOrphan|flagHardship) != 0
}

// disabilityType returns the name of disability type k (1-7).
func disabilityType(k int8) string {
	const types = "视力残疾|听力残疾|言语残疾|肢体残疾|智力残疾|精神残疾|多重残疾"
	// Each name is four 3-byte characters plus a separator.
	i := int(k-1) * 13
	return types[i : i+12]
}

// cohort returns the first birth day of the children who start grade 1 on
// September 1 of schoolYear+1-grade, i.e. who turn 6 by August 31 of that
// year: September 1 of schoolYear-6-grade.
func cohort(schoolYear, grade int) int32 {
	return daysFromCivil(schoolYear-6-grade, 9, 1)
}

// drawStudent fills the student in seat (school s, grade g, class k).
func (p *population) drawStudent(r *rand.Rand, st *student, s int, g, k int) {
	sc := &p.d.schools[s]
	st.school, st.grade, st.class = int32(s), int8(g), int8(k)
	st.homeroom = sc.grades[g].homeroom[k-1]
	st.pairing = -1
	st.male = r.IntN(1000) < 530
	town := p.d.townships[sc.township].name
	p.drawGroups(r, st, strings.HasSuffix(town, "街道"))
	st.birth = p.drawBirth(r, st)
	area := pickArea(r, st.birth, st.has(flagMigrant))
	if r.Float64() < 0.002+0.004*float64(max(0, 3-g)) {
		// A temporary number: no national ID yet (new entrants mostly).
		st.prefix, st.body = 'L', p.ids.temporary(r, area, st.birth)
	} else {
		st.prefix, st.body = 'G', p.ids.nationalID(area, st.birth, st.male)
	}
	st.name = p.names.child(r, st.male)
	st.village = p.homeVillage(r, sc)
	if st.special() && r.Float64() < 0.5 {
		st.pairing = sc.teachers[1+r.IntN(len(sc.teachers)-1)]
	}
}

// drawGroups draws the special groups at rural Chongqing rates: about a
// quarter left-behind, 10% from poverty-registered households, 1.5%
// disabled; migrant children mostly in town (街道) schools.
func (p *population) drawGroups(r *rand.Rand, st *student, urban bool) {
	migrantRate := 0.02
	if urban {
		migrantRate = 0.10
	}
	switch u := r.Float64(); {
	case u < migrantRate:
		st.flags |= flagMigrant
	case u < migrantRate+0.015:
		st.flags |= flagReturning
	}
	if !st.has(flagMigrant) && r.Float64() < 0.255 {
		st.leftBehind = 1
		if r.Float64() < 0.4 {
			st.leftBehind = 2
		}
	}
	if r.Float64() < 0.004 {
		st.flags |= flagOrphan
	}
	if r.Float64() < 0.015 {
		p.makeDisabled(r, st)
	}
	switch v := r.Float64(); {
	case v < 0.07:
		st.poverty = povertyFormer
	case v < 0.09:
		st.poverty = povertyMarginal
	case v < 0.10:
		st.poverty = povertyMonitored
	}
	hardship := 0.05
	if st.poverty != povertyNone {
		hardship = 0.6
	}
	if st.has(flagOrphan) {
		hardship = 0.8
	}
	if r.Float64() < hardship {
		st.flags |= flagHardship
	}
	boarding := 0.03
	switch {
	case st.grade >= 7:
		boarding = 0.55
	case st.grade >= 4:
		boarding = 0.15
	}
	if st.leftBehind == 2 {
		boarding += 0.1
	}
	if !st.has(flagHomeTaught) && r.Float64() < boarding {
		st.flags |= flagBoarding
	}
}

// drawBirth draws a birth date that fits the grade: in the grade's cohort
// for most, a year or two older for some (late start, a repeated year;
// more often for disabled and returning children), rarely a year younger.
func (p *population) drawBirth(r *rand.Rand, st *student) int32 {
	older := 0.03
	if st.grade >= 7 {
		older = 0.05
	}
	if st.disType > 0 {
		older = 0.15
	}
	if st.has(flagReturning) {
		older += 0.05
	}
	shift := 0
	switch v := r.Float64(); {
	case v < 0.004:
		shift = -1
	case v < 0.004+older:
		shift = 1
	case v < 0.004+older+0.005:
		shift = 2
	}
	from := cohort(p.schoolYear, int(st.grade)) - int32(shift)*365
	return from + int32(r.IntN(365))
}

// makeDisabled gives a student a disability type and level; a few of the
// most severely disabled are taught at home (送教上门).
func (p *population) makeDisabled(r *rand.Rand, st *student) {
	// Intellectual and physical disabilities are the most common in children.
	switch v := r.Float64(); {
	case v < 0.35:
		st.disType = 5 // 智力
	case v < 0.60:
		st.disType = 4 // 肢体
	case v < 0.72:
		st.disType = 7 // 多重
	case v < 0.82:
		st.disType = 2 // 听力
	case v < 0.90:
		st.disType = 3 // 言语
	case v < 0.97:
		st.disType = 6 // 精神
	default:
		st.disType = 1 // 视力
	}
	switch v := r.Float64(); {
	case v < 0.15:
		st.disLevel = 1
	case v < 0.40:
		st.disLevel = 2
	case v < 0.70:
		st.disLevel = 3
	default:
		st.disLevel = 4
	}
	if (st.disLevel == 1 && r.Float64() < 0.3) || (st.disLevel == 2 && r.Float64() < 0.08) {
		st.flags |= flagHomeTaught
		st.flags &^= flagBoarding
	}
}

// homeVillage picks where a student lives: mostly a village the school is
// responsible for, else another village of its township.
func (p *population) homeVillage(r *rand.Rand, sc *school) int32 {
	if len(sc.villages) > 0 && r.Float64() < 0.7 {
		return sc.villages[r.IntN(len(sc.villages))]
	}
	return sc.townVillas[r.IntN(len(sc.townVillas))]
}
