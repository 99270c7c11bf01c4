package synth

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"baoxue/idnum"
)

// loaded is a generated district read back from its files.
type loaded struct {
	dir        string
	start, end time.Time
	schoolYear int

	schools, teachers, villages, calendar, students []record
	attendance, contacts, homeTeaching, reports     []record
	registry, platform, survey                      []record

	schoolByID   map[string]record
	schoolByName map[string]record
	teacherByID  map[string]record
	villageByKey map[string]record
	studentByID  map[string]record
	cal          *schoolCalendar
	errors       int
	offDayRows   int // attendance rows on days that are not school days
	inCohort     int // students born in their grade's cohort year
}

func loadDistrict(t *testing.T, dir string, opt Options) *loaded {
	t.Helper()
	res, err := opt.resolve()
	if err != nil {
		t.Fatal(err)
	}
	sy, sm, sd := civilFromDays(res.start)
	ey, em, ed := civilFromDays(res.end)
	l := &loaded{
		dir:        dir,
		start:      date(sy, time.Month(sm), sd),
		end:        date(ey, time.Month(em), ed),
		schoolYear: res.schoolYear,
	}
	l.schools = readTable(t, dir, "schools.csv")
	l.teachers = readTable(t, dir, "teachers.csv")
	l.villages = readTable(t, dir, "villages.csv")
	l.calendar = readTable(t, dir, "calendar.csv")
	l.students = readTable(t, dir, "students.csv")
	l.attendance = readTable(t, dir, "attendance.csv")
	l.reports = readTable(t, dir, "reports.csv")
	l.contacts = readTable(t, dir, "contacts.csv")
	l.homeTeaching = readTable(t, dir, "home-teaching.csv")
	l.registry = readTable(t, dir, "registry.csv")
	l.platform = readTable(t, dir, "platform.csv")
	l.survey = readTable(t, dir, "survey.csv")
	l.schoolByID = index(l.schools, "id")
	l.schoolByName = index(l.schools, "name")
	l.teacherByID = index(l.teachers, "id")
	l.studentByID = index(l.students, "id")
	l.villageByKey = map[string]record{}
	for _, v := range l.villages {
		l.villageByKey[v.get("township")+"|"+v.get("village")] = v
	}
	l.cal = newSchoolCalendar(t, l.calendar)
	return l
}

func index(rows []record, col string) map[string]record {
	m := make(map[string]record, len(rows))
	for _, r := range rows {
		m[r.get(col)] = r
	}
	return m
}

// bad reports a bad row, at most 20 per district so a broken generator
// does not flood the log.
func (l *loaded) bad(t *testing.T, file string, line int, format string, args ...any) {
	t.Helper()
	l.errors++
	if l.errors <= 20 {
		t.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...))
	}
}

func (l *loaded) checkSummary(t *testing.T, sum Summary) {
	counts := map[string]int{
		"schools.csv": len(l.schools), "teachers.csv": len(l.teachers), "villages.csv": len(l.villages),
		"calendar.csv": len(l.calendar), "students.csv": len(l.students), "attendance.csv": len(l.attendance),
		"reports.csv":  len(l.reports),
		"contacts.csv": len(l.contacts), "home-teaching.csv": len(l.homeTeaching), "registry.csv": len(l.registry),
		"platform.csv": len(l.platform), "survey.csv": len(l.survey),
	}
	order := fileOrder()
	if len(sum.Files) != len(order) {
		t.Fatalf("summary has %d files, want %d", len(sum.Files), len(order))
	}
	for i, f := range sum.Files {
		if f.Name != order[i] || f.Rows != counts[f.Name] {
			t.Errorf("summary[%d] = %+v, want %s with %d rows", i, f, order[i], counts[order[i]])
		}
	}
}

func (l *loaded) checkAll(t *testing.T) {
	l.checkSchools(t)
	l.checkTeachers(t)
	l.checkVillages(t)
	l.checkCalendar(t)
	l.checkStudents(t)
	l.checkAttendance(t)
	l.checkReports(t)
	l.checkContacts(t)
	l.checkHomeTeaching(t)
	l.checkRegistry(t)
	l.checkPlatform(t)
	l.checkSurvey(t)
}

// unique reports rows whose key repeats.
func (l *loaded) unique(t *testing.T, file string, rows []record, key func(record) string) {
	t.Helper()
	seen := make(map[string]int, len(rows))
	for _, r := range rows {
		k := key(r)
		if first, dup := seen[k]; dup {
			l.bad(t, file, r.line, "key %q repeats line %d", k, first)
		}
		seen[k] = r.line
	}
}

func (l *loaded) checkSchools(t *testing.T) {
	if len(l.schools) == 0 {
		t.Fatal("no schools")
	}
	l.unique(t, "schools.csv", l.schools, func(r record) string { return r.get("id") })
	l.unique(t, "schools.csv", l.schools, func(r record) string { return r.get("name") })
	for _, s := range l.schools {
		if s.get("id") == "" || s.get("name") == "" || s.get("center") == "" || s.get("township") == "" {
			l.bad(t, "schools.csv", s.line, "empty field in %v", s.col)
		}
	}
}

func (l *loaded) checkTeachers(t *testing.T) {
	l.unique(t, "teachers.csv", l.teachers, func(r record) string { return r.get("id") })
	for _, r := range l.teachers {
		role, school := r.get("role"), r.get("school_id")
		switch role {
		case roleTeacher, rolePrincipal:
			if s, ok := l.schoolByID[school]; !ok || s.get("center") != r.get("center") {
				l.bad(t, "teachers.csv", r.line, "school_id %q does not exist or is not of center %q", school, r.get("center"))
			}
		case roleCenterAdmin, roleDistrictAdmin:
			if school != "" {
				l.bad(t, "teachers.csv", r.line, "%s with school_id %q", role, school)
			}
		default:
			l.bad(t, "teachers.csv", r.line, "role %q", role)
		}
		if role == roleCenterAdmin && r.get("center") == "" {
			l.bad(t, "teachers.csv", r.line, "role %s with center %q", role, r.get("center"))
		}
		if p := r.get("phone"); p != "" && !isPhone(p) {
			l.bad(t, "teachers.csv", r.line, "phone %q", p)
		}
	}
}

func isPhone(s string) bool {
	if len(s) != 11 || s[0] != '1' {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func (l *loaded) checkVillages(t *testing.T) {
	l.unique(t, "villages.csv", l.villages, func(r record) string { return r.get("township") + "|" + r.get("village") })
	for _, v := range l.villages {
		if _, ok := l.schoolByID[v.get("school_id")]; !ok || v.get("village") == "" {
			l.bad(t, "villages.csv", v.line, "bad village %v", v.col)
		}
	}
}

func (l *loaded) checkCalendar(t *testing.T) {
	l.unique(t, "calendar.csv", l.calendar, func(r record) string { return r.get("from") + "|" + r.get("school_id") })
	for _, r := range l.calendar {
		if k := r.get("kind"); k != "holiday" && k != "schoolday" {
			l.bad(t, "calendar.csv", r.line, "kind %q", k)
		}
		if s := r.get("school_id"); s != "" {
			if _, ok := l.schoolByID[s]; !ok {
				l.bad(t, "calendar.csv", r.line, "school_id %q does not exist", s)
			}
		}
	}
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// checkIdentity checks a 学籍号 and national ID against each other and the
// birth date and, when gender is given, the sex digit.
func (l *loaded) checkIdentity(t *testing.T, file string, r record, id, nid, birth, gender string) {
	t.Helper()
	b, ok := parseDate(birth)
	if !ok {
		l.bad(t, file, r.line, "birth_date %q", birth)
		return
	}
	if nid != "" {
		if err := idnum.Valid(nid); err != nil {
			l.bad(t, file, r.line, "national_id: %v", err)
		}
		if bd, _ := idnum.BirthDate(nid); !bd.Equal(b) {
			l.bad(t, file, r.line, "national_id birth date %s, birth_date %s", bd.Format(time.DateOnly), birth)
		}
		if male, _ := idnum.Male(nid); gender != "" && male != (gender == "M") {
			l.bad(t, file, r.line, "national_id sex digit disagrees with gender %s", gender)
		}
	}
	if id == "" {
		return
	}
	switch {
	case len(id) != 19:
		l.bad(t, file, r.line, "id has %d characters", len(id))
	case id[0] == 'G':
		if id[1:] != nid {
			l.bad(t, file, r.line, "G number does not embed national_id")
		}
	case id[0] == 'L':
		if nid != "" {
			l.bad(t, file, r.line, "L number with a national_id")
		}
		if id[7:15] != b.Format("20060102") {
			l.bad(t, file, r.line, "L number birth date %s, birth_date %s", id[7:15], birth)
		}
	default:
		l.bad(t, file, r.line, "id prefix %q", id[:1])
	}
}

func (l *loaded) checkStudents(t *testing.T) {
	l.unique(t, "students.csv", l.students, func(r record) string { return r.get("id") })
	l.unique(t, "students.csv", l.students, func(r record) string {
		if r.get("national_id") == "" {
			return r.get("id")
		}
		return r.get("national_id")
	})
	homerooms := map[string]string{} // teacher -> class
	classSize := map[string]int{}
	for _, r := range l.students {
		l.checkIdentity(t, "students.csv", r, r.get("id"), r.get("national_id"), r.get("birth_date"), r.get("gender"))
		if r.get("name") == "" || !oneOf(r.get("gender"), "M", "F") {
			l.bad(t, "students.csv", r.line, "name %q gender %q", r.get("name"), r.get("gender"))
		}
		school := r.get("school_id")
		if _, ok := l.schoolByID[school]; !ok {
			l.bad(t, "students.csv", r.line, "school_id %q does not exist", school)
		}
		grade, err := strconv.Atoi(r.get("grade"))
		if err != nil || grade < 1 || grade > 9 {
			l.bad(t, "students.csv", r.line, "grade %q", r.get("grade"))
		}
		class := school + "|" + r.get("grade") + "|" + r.get("class")
		classSize[class]++
		ht := r.get("homeroom_teacher_id")
		if l.teacherByID[ht].get("school_id") != school {
			l.bad(t, "students.csv", r.line, "homeroom teacher %q is not of school %s", ht, school)
		}
		if c, ok := homerooms[ht]; ok && c != class {
			l.bad(t, "students.csv", r.line, "teacher %s is homeroom of %s and %s", ht, c, class)
		}
		homerooms[ht] = class
		if p := r.get("pairing_teacher_id"); p != "" && l.teacherByID[p].get("school_id") != school {
			l.bad(t, "students.csv", r.line, "pairing teacher %q is not of school %s", p, school)
		}
		l.checkStudentValues(t, r)
		if _, ok := l.villageByKey[r.get("township")+"|"+r.get("village")]; !ok {
			l.bad(t, "students.csv", r.line, "village %s %s does not exist", r.get("township"), r.get("village"))
		}
		if p := r.get("guardian_phone"); p != "" && !isPhone(p) {
			l.bad(t, "students.csv", r.line, "guardian_phone %q", p)
		}
		if grade >= 1 && grade <= 9 {
			l.checkAge(t, r, grade)
		}
	}
	for class, n := range classSize {
		if n > classCap {
			t.Errorf("class %s has %d students", class, n)
		}
	}
}

// checkStudentValues checks the value domains of a student row.
func (l *loaded) checkStudentValues(t *testing.T, r record) {
	t.Helper()
	for _, c := range []string{"migrant", "returning", "orphan", "boarding", "disabled", "hardship", "home_taught"} {
		if !oneOf(r.get(c), "0", "1") {
			l.bad(t, "students.csv", r.line, "%s %q", c, r.get(c))
		}
	}
	if !oneOf(r.get("left_behind"), "0", "1", "2") {
		l.bad(t, "students.csv", r.line, "left_behind %q", r.get("left_behind"))
	}
	if !oneOf(r.get("poverty"), "none", "former_registered", "marginal", "monitored") {
		l.bad(t, "students.csv", r.line, "poverty %q", r.get("poverty"))
	}
	level, err := strconv.Atoi(r.get("disability_level"))
	disabled := r.get("disabled") == "1"
	if err != nil || level < 0 || level > 4 || disabled != (level > 0) || disabled != (r.get("disability_type") != "") {
		l.bad(t, "students.csv", r.line, "disabled %s type %q level %q", r.get("disabled"), r.get("disability_type"), r.get("disability_level"))
	}
	if r.get("home_taught") == "1" && !disabled {
		l.bad(t, "students.csv", r.line, "home_taught but not disabled")
	}
	status := r.get("status")
	if !oneOf(status, "enrolled", "suspended", "transferred", "dropped") {
		l.bad(t, "students.csv", r.line, "status %q", status)
	}
	if _, ok := parseDate(r.get("suspended_until")); ok != (status == "suspended") {
		l.bad(t, "students.csv", r.line, "status %s with suspended_until %q", status, r.get("suspended_until"))
	}
	if ra := r.get("returned_at"); ra != "" {
		if d, ok := parseDate(ra); !ok || d.After(l.end) {
			l.bad(t, "students.csv", r.line, "returned_at %q", ra)
		}
	}
}

// checkAge checks the birth date fits the grade: born between September 1
// and August 31 of the grade's cohort, up to three years older or one
// younger.
func (l *loaded) checkAge(t *testing.T, r record, grade int) {
	t.Helper()
	b, ok := parseDate(r.get("birth_date"))
	if !ok {
		return
	}
	earliest := date(l.schoolYear-6-grade-3, 9, 1)
	latest := date(l.schoolYear-5-grade+1, 8, 31)
	if b.Before(earliest) || b.After(latest) {
		l.bad(t, "students.csv", r.line, "born %s, too far from grade %d", r.get("birth_date"), grade)
	}
	if !b.Before(date(l.schoolYear-6-grade, 9, 1)) && !b.After(date(l.schoolYear-5-grade, 8, 31)) {
		l.inCohort++
	}
}

// inWindow parses a date and checks it lies in the data window.
func (l *loaded) inWindow(t *testing.T, file string, r record, col string) (time.Time, bool) {
	t.Helper()
	d, ok := parseDate(r.get(col))
	if !ok || d.Before(l.start) || d.After(l.end) {
		l.bad(t, file, r.line, "%s %q outside %s..%s", col, r.get(col), l.start.Format(time.DateOnly), l.end.Format(time.DateOnly))
		return d, false
	}
	return d, true
}

func (l *loaded) checkAttendance(t *testing.T) {
	l.unique(t, "attendance.csv", l.attendance, func(r record) string { return r.get("student_id") + "|" + r.get("date") })
	offDay := 0
	for _, r := range l.attendance {
		st, ok := l.studentByID[r.get("student_id")]
		if !ok {
			l.bad(t, "attendance.csv", r.line, "student %q does not exist", r.get("student_id"))
			continue
		}
		if !oneOf(r.get("status"), "absent", "sick", "leave", "late") {
			l.bad(t, "attendance.csv", r.line, "status %q", r.get("status"))
		}
		if d, ok := l.inWindow(t, "attendance.csv", r, "date"); ok && !l.cal.isSchoolDay(st.get("school_id"), d) {
			offDay++
		}
	}
	l.offDayRows = offDay
	if limit := max(5, len(l.attendance)/200); offDay > limit {
		t.Errorf("%d attendance rows on days that are not school days, want at most %d", offDay, limit)
	}
}

func (l *loaded) checkContacts(t *testing.T) {
	l.unique(t, "contacts.csv", l.contacts, func(r record) string {
		return r.get("student_id") + "|" + r.get("date") + "|" + r.get("teacher_id") + "|" + r.get("channel")
	})
	for _, r := range l.contacts {
		if _, ok := l.studentByID[r.get("student_id")]; !ok {
			l.bad(t, "contacts.csv", r.line, "student %q does not exist", r.get("student_id"))
		}
		if _, ok := l.teacherByID[r.get("teacher_id")]; !ok {
			l.bad(t, "contacts.csv", r.line, "teacher %q does not exist", r.get("teacher_id"))
		}
		if !oneOf(r.get("channel"), "phone", "visit", "online", "other") {
			l.bad(t, "contacts.csv", r.line, "channel %q", r.get("channel"))
		}
		l.inWindow(t, "contacts.csv", r, "date")
	}
}

func (l *loaded) checkHomeTeaching(t *testing.T) {
	l.unique(t, "home-teaching.csv", l.homeTeaching, func(r record) string {
		return r.get("student_id") + "|" + r.get("date") + "|" + r.get("teacher_id")
	})
	for _, r := range l.homeTeaching {
		if st, ok := l.studentByID[r.get("student_id")]; !ok || st.get("home_taught") != "1" {
			l.bad(t, "home-teaching.csv", r.line, "student %q is not home-taught", r.get("student_id"))
		}
		if _, ok := l.teacherByID[r.get("teacher_id")]; !ok {
			l.bad(t, "home-teaching.csv", r.line, "teacher %q does not exist", r.get("teacher_id"))
		}
		if h, err := strconv.Atoi(r.get("class_hours")); err != nil || h < 1 || h > 4 {
			l.bad(t, "home-teaching.csv", r.line, "class_hours %q", r.get("class_hours"))
		}
		if !oneOf(r.get("remote"), "0", "1") {
			l.bad(t, "home-teaching.csv", r.line, "remote %q", r.get("remote"))
		}
		l.inWindow(t, "home-teaching.csv", r, "date")
	}
}

func (l *loaded) checkRegistry(t *testing.T) {
	l.unique(t, "registry.csv", l.registry, func(r record) string { return r.get("id") })
	for _, r := range l.registry {
		l.checkIdentity(t, "registry.csv", r, r.get("id"), r.get("national_id"), r.get("birth_date"), "")
		if _, ok := l.schoolByID[r.get("school_id")]; !ok {
			l.bad(t, "registry.csv", r.line, "school_id %q does not exist", r.get("school_id"))
		}
		if g, err := strconv.Atoi(r.get("grade")); err != nil || g < 1 || g > 9 {
			l.bad(t, "registry.csv", r.line, "grade %q", r.get("grade"))
		}
		if !oneOf(r.get("status"), "enrolled", "suspended", "transferred", "dropped") {
			l.bad(t, "registry.csv", r.line, "status %q", r.get("status"))
		}
	}
}

func (l *loaded) checkPlatform(t *testing.T) {
	l.unique(t, "platform.csv", l.platform, func(r record) string { return r.get("id") })
	for _, r := range l.platform {
		l.checkIdentity(t, "platform.csv", r, r.get("id"), r.get("national_id"), r.get("birth_date"), "")
		if s := r.get("school_id"); s != "" {
			if _, ok := l.schoolByID[s]; !ok {
				l.bad(t, "platform.csv", r.line, "school_id %q does not exist", s)
			}
		}
		if !oneOf(r.get("status"), "enrolled", "dropped", "returned") {
			l.bad(t, "platform.csv", r.line, "status %q", r.get("status"))
		}
	}
}

func (l *loaded) checkSurvey(t *testing.T) {
	l.unique(t, "survey.csv", l.survey, func(r record) string {
		k := r.get("township") + "|" + r.get("village") + "|"
		if r.get("national_id") != "" {
			return k + r.get("national_id")
		}
		return k + normName(r.get("name")) + "|" + r.get("birth_date")
	})
	for _, r := range l.survey {
		l.checkIdentity(t, "survey.csv", r, "", r.get("national_id"), r.get("birth_date"), "")
		if _, ok := l.villageByKey[r.get("township")+"|"+r.get("village")]; !ok {
			l.bad(t, "survey.csv", r.line, "village %s %s does not exist", r.get("township"), r.get("village"))
		}
		if r.get("name") == "" {
			l.bad(t, "survey.csv", r.line, "empty name")
		}
	}
}

// checkReports: every school reports every school day of the window but a
// few (at least one when there are several), which lag a school day or two;
// no attendance row of a school is dated after its last report; present is
// at most expected.
func (l *loaded) checkReports(t *testing.T) {
	l.unique(t, "reports.csv", l.reports, func(r record) string { return r.get("school_id") + "|" + r.get("date") })
	last := map[string]string{}
	count := map[string]int{}
	for _, r := range l.reports {
		school := r.get("school_id")
		if _, ok := l.schoolByID[school]; !ok {
			l.bad(t, "reports.csv", r.line, "school %q does not exist", school)
			continue
		}
		d, ok := l.inWindow(t, "reports.csv", r, "date")
		if ok && !l.cal.isSchoolDay(school, d) {
			l.bad(t, "reports.csv", r.line, "%s is not a school day of %s", r.get("date"), school)
		}
		last[school] = max(last[school], r.get("date"))
		count[school]++
		expected, err1 := strconv.Atoi(r.get("expected"))
		present, err2 := strconv.Atoi(r.get("present"))
		if err1 != nil || err2 != nil || present < 0 || present > expected {
			l.bad(t, "reports.csv", r.line, "expected %q, present %q", r.get("expected"), r.get("present"))
		}
	}
	behind := 0
	for _, sc := range l.schools {
		id := sc.get("id")
		days := l.cal.schoolDays(id, l.start, l.end)
		if len(days) == 0 {
			continue
		}
		lag := len(days) - count[id]
		if lag < 0 || lag > 2 || (lag > 0 && last[id] != days[len(days)-1-lag]) {
			l.bad(t, "reports.csv", 0, "school %s reported %d of its %d school days, through %q", id, count[id], len(days), last[id])
		}
		if lag > 0 {
			behind++
		}
	}
	if n := len(l.schools); n > 1 && (behind < 1 || behind > max(1, n/50)) {
		t.Errorf("%d of %d schools behind with their reports, want 1 to %d", behind, n, max(1, n/50))
	}
	for _, r := range l.attendance {
		if st, ok := l.studentByID[r.get("student_id")]; ok && r.get("date") > last[st.get("school_id")] {
			if l.cal.isSchoolDay(st.get("school_id"), mustDate(r.get("date"))) {
				l.bad(t, "attendance.csv", r.line, "dated after its school's last report %q", last[st.get("school_id")])
			}
		}
	}
}

func mustDate(s string) time.Time {
	d, _ := parseDate(s)
	return d
}
