package synth

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// Attendance statuses of a school day; attPresent days get no row.
const (
	attPresent int8 = iota
	attAbsent
	attSick
	attLeave
	attLate
)

func attName(k int8) string {
	switch k {
	case attAbsent:
		return "absent"
	case attSick:
		return "sick"
	case attLeave:
		return "leave"
	}
	return "late"
}

// Contact channels.
const (
	chPhone int8 = iota
	chVisit
	chOnline
	chOther
)

func channelName(k int8) string {
	switch k {
	case chVisit:
		return "visit"
	case chOnline:
		return "online"
	case chOther:
		return "other"
	}
	return "phone"
}

// contact is one row of contacts.csv for the current student.
type contact struct {
	day     int32
	teacher int32
	channel int8
	outcome string
	note    string
}

// phrases are the free-text values of notes and outcomes.
type phrases struct {
	sick, leave, absent, late                []string
	phoneOK, phoneNone, visit, online, other []string
	followUp                                 []string
}

func newPhrases() *phrases {
	return &phrases{
		sick:      []string{"发烧", "感冒", "腹泻", "咳嗽", "牙痛", "流感", "手足口病"},
		leave:     []string{"家中有事", "走亲戚", "看病", "参加婚礼", "家长带去县城办事"},
		absent:    []string{"未请假", "联系不上家长", "家长称不知情"},
		late:      []string{"起床晚", "路远", "等车", "下雨路滑"},
		phoneOK:   []string{"已联系家长，了解情况", "家长表示会督促孩子按时到校", "家长说明缺勤原因，补请假", "与监护人沟通学习情况"},
		phoneNone: []string{"电话未接通", "电话关机", "空号，需核实联系方式"},
		visit:     []string{"已家访，了解家庭情况", "已家访，监护人为祖父母", "已家访，宣传义务教育法", "家访送学习资料"},
		online:    []string{"微信视频联系在外务工的父母", "线上家长会后单独沟通", "微信沟通学习情况"},
		other:     []string{"家长到校面谈", "在村委会与家长见面", "与村干部一起了解情况"},
		followUp:  []string{"家长称孩子不愿上学", "学生在外打工，家长联系不上", "已家访，学生在家，做劝返工作", "学生答应下周返校"},
	}
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// geometric returns the number of present school days before the next
// exception when each day has one with probability p.
func geometric(r *rand.Rand, p float64) int {
	if p <= 0 {
		return math.MaxInt32
	}
	return int(math.Log(1-r.Float64()) / math.Log(1-p))
}

// attendanceWriter writes attendance.csv and contacts.csv in one pass,
// because contacts follow absences.
type attendanceWriter struct {
	p        *population
	cal      *schedule
	r        *rand.Rand
	ph       *phrases
	at, ct   *table
	stat     []int8
	rep      *reporting
	cut      int32 // the student's school reported through this day
	absences []int // indexes of school days starting an unexcused absence
	contacts []contact
	idb      []byte
}

func writeAttendance(ctx context.Context, dir string, p *population, cal *schedule, rep *reporting, r *rand.Rand) (att, con FileCount, err error) {
	at, err := createTable(dir, "attendance.csv", "student_id", "date", "status", "note")
	if err != nil {
		return att, con, err
	}
	ct, err := createTable(dir, "contacts.csv", "student_id", "date", "teacher_id", "channel", "outcome", "note")
	if err != nil {
		at.close()
		return att, con, err
	}
	w := &attendanceWriter{p: p, cal: cal, r: r, ph: newPhrases(), at: at, ct: ct, rep: rep,
		stat: make([]int8, cal.end-cal.start+1)}
	for i := range p.students {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				at.close()
				ct.close()
				return att, con, fmt.Errorf("write attendance.csv: %w", err)
			}
		}
		st := &p.students[i]
		w.idb = appendStudentID(w.idb[:0], st)
		w.contacts = w.contacts[:0]
		w.absences = w.absences[:0]
		if st.status == statusEnrolled && !st.has(flagHomeTaught) {
			rep.expected[st.school]++
			w.cut = rep.through[st.school]
			w.student(st)
		}
		w.routineContacts(st)
		w.writeContacts()
	}
	att = FileCount{at.name, at.rows}
	con = FileCount{ct.name, ct.rows}
	if err := at.close(); err != nil {
		ct.close()
		return att, con, err
	}
	return att, con, ct.close()
}

// rate draws a student's daily probability of an exception: most students
// miss a day or two a semester, a tail of a few percent misses 10% or more.
func (w *attendanceWriter) rate(st *student) float64 {
	r := w.r
	var p float64
	switch u := r.Float64(); {
	case u < 0.65:
		p = 0.002 + 0.006*r.Float64()
	case u < 0.92:
		p = 0.008 + 0.012*r.Float64()
	case u < 0.975:
		p = 0.02 + 0.02*r.Float64()
	default:
		p = 0.06 + 0.12*r.Float64() // chronic absence
	}
	switch {
	case st.grade == 9:
		p *= 1.8
	case st.grade >= 7:
		p *= 1.2
	}
	if st.leftBehind == 2 {
		p *= 1.3
	}
	if st.has(flagHardship) || st.poverty != povertyNone {
		p *= 1.2
	}
	if st.disType > 0 {
		p *= 1.3
	}
	if st.returned != 0 {
		p *= 1.5
	}
	return min(p, 0.4)
}

// student fills and writes one student's attendance exceptions and the
// contacts that follow unexcused absences.
func (w *attendanceWriter) student(st *student) {
	r := w.r
	days := w.cal.schoolDays(int(st.school))
	n := len(days)
	stat := w.stat[:n]
	clear(stat)
	p := w.rate(st)
	chronic := p >= 0.06
	for k := geometric(r, p); k < n; {
		kind, length := episode(r, chronic)
		for j := 0; j < length && k+j < n; j++ {
			stat[k+j] = kind
		}
		if kind == attAbsent {
			w.absences = append(w.absences, k)
		}
		k += length + 1 + geometric(r, p) // a present day between episodes
	}
	streak := -1
	switch {
	case st.has(flagStreakLong) && n > 0:
		length := min(n, 10+r.IntN(16))
		streak = n - length
		fill(stat[streak:], attAbsent)
		if streak > 0 {
			stat[streak-1] = attPresent
		}
	case st.has(flagStreakShort) && n >= 12:
		length := 4 + r.IntN(6)
		streak = 1 + r.IntN(n-length-1)
		stat[streak-1] = attPresent
		fill(stat[streak:streak+length], attAbsent)
		stat[streak+length] = attPresent
	}
	noise := int32(-1)
	if len(w.cal.offDays) > 0 && r.IntN(1000) == 0 {
		// A record on a day that is not a school day: real exports have them.
		noise = w.cal.offDays[r.IntN(len(w.cal.offDays))]
	}
	for k, s := range stat {
		if noise >= 0 && noise < days[k] {
			w.attendanceRow(noise, attLate)
			noise = -1
		}
		if s != attPresent {
			w.attendanceRow(days[k], s)
			if days[k] <= w.cut {
				w.rep.count(st.school, k, s)
			}
		}
	}
	if noise >= 0 {
		w.attendanceRow(noise, attLate)
	}
	w.absenceContacts(st, days, streak)
}

// fill sets every element of s to v.
func fill(s []int8, v int8) {
	for i := range s {
		s[i] = v
	}
}

// episode draws the kind and length (school days) of an absence episode.
func episode(r *rand.Rand, chronic bool) (int8, int) {
	u := r.Float64()
	if chronic {
		u -= 0.3 // chronic absentees skip school without excuse far more often
	}
	switch {
	case u < 0.12:
		return attAbsent, 1 + r.IntN(2) + boolInt(chronic)*r.IntN(2)
	case u < 0.60:
		return attSick, []int{1, 1, 1, 1, 1, 2, 2, 2, 3, 3}[r.IntN(10)]
	case u < 0.88:
		return attLeave, 1 + r.IntN(2)
	default:
		return attLate, 1
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// attendanceRow writes one exception, unless the student's school has not
// reported its day yet (the note is drawn either way, so that a school's
// lag changes no other row).
func (w *attendanceWriter) attendanceRow(day int32, s int8) {
	t, r := w.at, w.r
	note := ""
	if r.IntN(10) < 3 {
		switch s {
		case attSick:
			note = pick(r, w.ph.sick)
		case attLeave:
			note = pick(r, w.ph.leave)
		case attAbsent:
			note = pick(r, w.ph.absent)
		default:
			note = pick(r, w.ph.late)
		}
	}
	if day > w.cut {
		return
	}
	t.bytes(w.idb)
	t.date(day)
	t.str(attName(s))
	t.str(note)
	t.end()
}

// absenceContacts adds the homeroom teacher's calls after unexcused
// absences and the follow-up of a long streak (a few streaks get none: the
// cases the rules must catch).
func (w *attendanceWriter) absenceContacts(st *student, days []int32, streak int) {
	r := w.r
	for _, k := range w.absences {
		if r.IntN(2) == 0 {
			continue
		}
		if k+1 < len(days) && r.IntN(3) == 0 {
			k++
		}
		if r.IntN(4) == 0 {
			w.add(contact{days[k], st.homeroom, chPhone, pick(r, w.ph.phoneNone), ""})
		} else {
			w.add(contact{days[k], st.homeroom, chPhone, pick(r, w.ph.phoneOK), ""})
		}
	}
	if streak < 0 || r.IntN(10) < 3 {
		return
	}
	principal := w.p.d.schools[st.school].teachers[0]
	steps := []struct {
		after   int
		teacher int32
		ch      int8
	}{{1, st.homeroom, chPhone}, {3, st.homeroom, chPhone}, {5, st.homeroom, chVisit}, {8, principal, chVisit}}
	for i, s := range steps {
		k := streak + s.after
		if k >= len(days) {
			break
		}
		outcome := pick(r, w.ph.followUp)
		if i == 0 {
			outcome = pick(r, w.ph.phoneNone)
		}
		w.add(contact{days[k], s.teacher, s.ch, outcome, "连续旷课跟进"})
	}
}

// routineContacts adds the teachers' ordinary contacts with the family.
// Most special-group families hear from a teacher every two to five weeks;
// the rest, and every other family, now and then. Dropouts get visits
// (劝返), transfers a check of where the student went.
func (w *attendanceWriter) routineContacts(st *student) {
	r := w.r
	span := int(w.cal.end - w.cal.start + 1)
	sc := &w.p.d.schools[st.school]
	switch st.status {
	case statusDropped:
		for k := 2 + r.IntN(3); k > 0; k-- {
			teacher := st.homeroom
			if r.IntN(3) == 0 {
				teacher = sc.teachers[0]
			}
			w.add(contact{w.cal.start + int32(r.IntN(span)), teacher, chVisit, pick(r, w.ph.followUp), "劝返"})
		}
		return
	case statusTransferred:
		if r.IntN(2) == 0 {
			w.add(contact{w.cal.start + int32(r.IntN(span)), st.homeroom, chPhone, "核实转学去向", ""})
		}
		return
	}
	lambda := 0.3 // contacts per 13 weeks
	if st.special() {
		if r.IntN(100) < 75 {
			interval := 14 + r.IntN(22)
			for day := w.cal.start + int32(r.IntN(interval)); day <= w.cal.end; day += int32(interval) {
				w.routineContact(st, day)
			}
			lambda = 0
		} else {
			lambda = 0.6
		}
		if st.leftBehind == 2 {
			lambda += 0.5 // calls with the parents working away
		}
	}
	for k := poisson(r, lambda*float64(span)/91); k > 0; k-- {
		w.routineContact(st, w.cal.start+int32(r.IntN(span)))
	}
}

// routineContact adds one ordinary contact on day by the homeroom or the
// pairing teacher; left-behind children's parents are mostly reached online.
func (w *attendanceWriter) routineContact(st *student, day int32) {
	r := w.r
	teacher := st.homeroom
	if st.pairing >= 0 && r.IntN(10) < 4 {
		teacher = st.pairing
	}
	ch := chPhone
	switch u := r.IntN(100); {
	case st.leftBehind > 0 && u < 35, u < 20:
		ch = chOnline
	case u < 45:
		ch = chVisit
	case u < 50:
		ch = chOther
	}
	var outcome string
	switch ch {
	case chPhone:
		outcome = pick(r, w.ph.phoneOK)
	case chVisit:
		outcome = pick(r, w.ph.visit)
	case chOnline:
		outcome = pick(r, w.ph.online)
	default:
		outcome = pick(r, w.ph.other)
	}
	w.add(contact{day, teacher, ch, outcome, ""})
}

// poisson draws from a Poisson distribution with a small mean (Knuth).
func poisson(r *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// add keeps a contact unless one with the same key (day, teacher, channel)
// exists for the student.
func (w *attendanceWriter) add(c contact) {
	for _, o := range w.contacts {
		if o.day == c.day && o.teacher == c.teacher && o.channel == c.channel {
			return
		}
	}
	w.contacts = append(w.contacts, c)
}

// writeContacts writes the student's contacts in date order.
func (w *attendanceWriter) writeContacts() {
	cs := w.contacts
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].day < cs[j-1].day; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
	t := w.ct
	for _, c := range cs {
		t.bytes(w.idb)
		t.date(c.day)
		t.str(w.p.d.teachers[c.teacher].id)
		t.str(channelName(c.channel))
		t.str(c.outcome)
		t.str(c.note)
		t.end()
	}
}
