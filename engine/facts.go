package engine

import (
	"baoxue/civil"
	"baoxue/rules"
	"baoxue/store"
)

// absence is one absence of a student on a school day in the lookback,
// off days before the day the student is evaluated as of (0 = that day).
type absence struct {
	off       int16
	unexcused bool
}

// dated is one contact or home-teaching session, off days before T.
type dated struct {
	off   int16
	hours int32
}

// student is what the engine keeps of one student while evaluating: the
// roster row and the dated records in the lookback, most recent first (as
// its facts list them).
type student struct {
	row      store.EvalStudent
	birth    civil.Day
	returned civil.Day // 0 when never returned
	hasRet   bool
	win      *window
	abs      []absence
	contacts []dated
	teaching []dated
}

// addAbsence records an absence on day (unexcused: status absent, not sick
// or leave). Records outside the lookback, after the day the student is
// evaluated as of, or on a day that is not a school day of the student's
// school never count.
func (s *student) addAbsence(day civil.Day, unexcused bool) {
	off := int(s.win.at - day)
	if off >= 0 && off < len(s.win.school) && s.win.school[off] {
		s.abs = append(s.abs, absence{off: int16(off), unexcused: unexcused})
	}
}

// addDated records a contact or home-teaching session on day, any day of the
// week, inside the lookback.
func (s *student) addDated(to *[]dated, day civil.Day, hours int32) {
	off := int(s.win.at - day)
	if off >= 0 && off < len(s.win.school) {
		*to = append(*to, dated{off: int16(off), hours: hours})
	}
}

// addFacts records the student's absences from day from, and contacts and
// home-teaching sessions from day datedFrom, out of its facts (newest first,
// so the records arrive most recent first and reading stops at the start).
// False when a list cannot be read to its end.
func (s *student) addFacts(f store.Facts, from, datedFrom civil.Day) bool {
	var l store.FactList
	l.Reset(f.Absences)
	for {
		d, unexcused, ok := l.Absence()
		if !ok || civil.Day(d) < from {
			break
		}
		s.addAbsence(civil.Day(d), unexcused)
	}
	if l.Damaged() {
		return false
	}
	l.Reset(f.Contacts)
	for {
		d, ok := l.Day()
		if !ok || civil.Day(d) < datedFrom {
			break
		}
		s.addDated(&s.contacts, civil.Day(d), 0)
	}
	if l.Damaged() {
		return false
	}
	l.Reset(f.Teaching)
	for {
		d, hours, ok := l.Session()
		if !ok || civil.Day(d) < datedFrom {
			break
		}
		s.addDated(&s.teaching, civil.Day(d), int32(hours))
	}
	return !l.Damaged()
}

// studentWindows answers the windowed functions of rules for one student. One
// value lives per worker and is pointed at each student in turn, so an
// evaluation allocates nothing.
type studentWindows struct {
	s *student
}

var _ rules.Windows = (*studentWindows)(nil)

// clamp keeps n inside the lookback the engine read.
func (w *studentWindows) clamp(n int) int {
	if n < 0 {
		return 0
	}
	if l := len(w.s.win.school); n > l {
		return l
	}
	return n
}

// Absences counts school days among the n days ending at T with any absence.
func (w *studentWindows) Absences(n int) int {
	n = w.clamp(n)
	c := 0
	for _, a := range w.s.abs {
		if int(a.off) >= n {
			break
		}
		c++
	}
	return c
}

// Unexcused counts the unexcused absences (status absent) among those days.
func (w *studentWindows) Unexcused(n int) int {
	n = w.clamp(n)
	c := 0
	for _, a := range w.s.abs {
		if int(a.off) >= n {
			break
		}
		if a.unexcused {
			c++
		}
	}
	return c
}

// AbsenceRate is Absences(n) over the school days in the window, 0 when none.
func (w *studentWindows) AbsenceRate(n int) float64 {
	n = w.clamp(n)
	days := w.s.win.count[n]
	if days == 0 {
		return 0
	}
	return float64(w.Absences(n)) / float64(days)
}

// Contacts counts contacts with the family in the n days ending at T.
func (w *studentWindows) Contacts(n int) int {
	sessions, _ := sumDated(w.s.contacts, w.clamp(n))
	return sessions
}

// HomeTeachingSessions counts home-teaching sessions in the n days ending at T.
func (w *studentWindows) HomeTeachingSessions(n int) int {
	sessions, _ := sumDated(w.s.teaching, w.clamp(n))
	return sessions
}

// HomeTeachingHours sums their class hours.
func (w *studentWindows) HomeTeachingHours(n int) int {
	_, hours := sumDated(w.s.teaching, w.clamp(n))
	return hours
}

// HomeTeachingSessionsOf counts the sessions of at least minHours class hours.
func (w *studentWindows) HomeTeachingSessionsOf(n, minHours int) int {
	n, c := w.clamp(n), 0
	for _, d := range w.s.teaching {
		if int(d.off) >= n {
			break
		}
		if int(d.hours) >= minHours {
			c++
		}
	}
	return c
}

func sumDated(ds []dated, n int) (count, hours int) {
	for _, d := range ds {
		if int(d.off) >= n {
			break
		}
		count++
		hours += int(d.hours)
	}
	return count, hours
}

// streak counts consecutive school days with an absence (unexcused only, if
// asked), back from the last school day on or before T.
func streak(abs []absence, w *window, unexcusedOnly bool) int {
	i, n := 0, 0
	for o := 0; o < len(w.school); o++ {
		if !w.school[o] {
			continue
		}
		for i < len(abs) && int(abs[i].off) < o {
			i++
		}
		if i < len(abs) && int(abs[i].off) == o && (!unexcusedOnly || abs[i].unexcused) {
			n++
			continue
		}
		break
	}
	return n
}

// fill sets f to the facts of s as of the day its window ends (T, or the
// last day its school reported). f.W must already point at a
// studentWindows, which fill aims at s.
func fill(f *rules.Facts, sw *studentWindows, s *student) {
	r := &s.row
	sw.s = s
	t := s.win.at
	f.Today, f.Month = s.win.today, s.win.month
	st := &f.Student
	st.ID, st.Name, st.Gender, st.School, st.Class = r.ID, r.Name, r.Gender, r.SchoolID, r.Class
	st.Township, st.Village, st.Status = r.Township, r.Village, r.Status
	st.Grade = r.Grade
	if r.Grade >= 7 {
		st.Stage = "junior"
	} else {
		st.Stage = "primary"
	}
	st.Age = civil.AgeAt(s.birth, t)
	st.LeftBehind, st.LeftBehindParents = r.LeftBehind > 0, r.LeftBehind
	st.Migrant, st.Returning, st.Orphan, st.Boarding = r.Migrant, r.Returning, r.Orphan, r.Boarding
	st.Disabled, st.DisabilityType, st.DisabilityLevel = r.Disabled, r.DisabilityType, r.DisabilityLevel
	st.Hardship, st.Poverty, st.HomeTaught = r.Hardship, r.Poverty, r.HomeTaught
	st.HasPairingTeacher = r.PairingTeacherID != ""
	st.DaysSinceReturn = -1
	if s.hasRet && s.returned <= t {
		st.DaysSinceReturn = int(t - s.returned)
	}
	f.AbsentStreak = streak(s.abs, s.win, false)
	f.UnexcusedStreak = streak(s.abs, s.win, true)
}
