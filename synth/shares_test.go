package synth

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// between reports a share outside [lo, hi].
func between(t *testing.T, what string, count, total int, lo, hi float64) {
	t.Helper()
	share := float64(count) / float64(total)
	if share < lo || share > hi {
		t.Errorf("%s: %d of %d = %.2f%%, want %.1f%%-%.1f%%", what, count, total, 100*share, 100*lo, 100*hi)
	}
}

// atLeast reports a count below n.
func atLeast(t *testing.T, what string, count, n int) {
	t.Helper()
	if count < n {
		t.Errorf("%s: %d, want at least %d", what, count, n)
	}
}

// checkShares checks special-group shares against rural Chongqing figures
// and that each status and rare case occurs.
func (l *loaded) checkShares(t *testing.T) {
	n := len(l.students)
	count := map[string]int{}
	for _, r := range l.students {
		for _, c := range []string{"migrant", "returning", "orphan", "boarding", "disabled", "hardship", "home_taught"} {
			if r.get(c) == "1" {
				count[c]++
			}
		}
		count["left_behind="+r.get("left_behind")]++
		count["poverty="+r.get("poverty")]++
		count["status="+r.get("status")]++
		count["gender="+r.get("gender")]++
		count["prefix="+r.get("id")[:1]]++
		if r.get("returned_at") != "" {
			count["returned"]++
		}
		if strings.HasPrefix(r.get("national_id"), "500234") || strings.HasPrefix(r.get("national_id"), "500154") {
			count["kaizhou"]++
		}
		if u, ok := parseDate(r.get("suspended_until")); ok {
			if u.Before(l.end) {
				count["suspension overdue"]++
			} else {
				count["suspension running"]++
			}
		}
	}
	between(t, "left-behind", count["left_behind=1"]+count["left_behind=2"], n, 0.20, 0.30)
	between(t, "both parents away", count["left_behind=2"], n, 0.05, 0.15)
	between(t, "disabled", count["disabled"], n, 0.01, 0.02)
	between(t, "poverty households", n-count["poverty=none"], n, 0.08, 0.12)
	between(t, "former_registered among poverty", count["poverty=former_registered"], n-count["poverty=none"], 0.55, 0.85)
	between(t, "migrant", count["migrant"], n, 0.01, 0.10)
	between(t, "returning", count["returning"], n, 0.005, 0.03)
	between(t, "orphans", count["orphan"], n, 0.001, 0.01)
	between(t, "hardship", count["hardship"], n, 0.05, 0.15)
	between(t, "male", count["gender=M"], n, 0.50, 0.56)
	between(t, "temporary L numbers", count["prefix=L"], n, 0.0005, 0.01)
	between(t, "Kaizhou area codes", count["kaizhou"], count["prefix=G"], 0.80, 0.97)
	atLeast(t, "home-taught", count["home_taught"], 2)
	atLeast(t, "overdue suspensions", count["suspension overdue"], 1)
	atLeast(t, "running suspensions", count["suspension running"], 1)
	atLeast(t, "transferred", count["status=transferred"], 3)
	atLeast(t, "dropped", count["status=dropped"], 2)
	atLeast(t, "returned dropouts", count["returned"], 2)
	between(t, "enrolled", count["status=enrolled"], n, 0.99, 1)
	between(t, "born in their grade's cohort (6-7 at September 1 of grade 1)", l.inCohort, n, 0.9, 0.99)
}

// checkStructure checks school sizes, centers, teachers and grades.
func (l *loaded) checkStructure(t *testing.T) {
	size := map[string]int{}
	grades := map[string][2]int{} // lowest, highest grade per school
	junior := 0
	for _, r := range l.students {
		s := r.get("school_id")
		size[s]++
		g := int(r.get("grade")[0] - '0')
		lh, ok := grades[s]
		if !ok {
			lh = [2]int{g, g}
		}
		grades[s] = [2]int{min(lh[0], g), max(lh[1], g)}
		if g >= 7 {
			junior++
		}
	}
	between(t, "grades 7-9", junior, len(l.students), 0.25, 0.40)
	kinds := map[[2]int]int{}
	for id, n := range size {
		if n < 150 || n > 2100 {
			t.Errorf("school %s has %d students", id, n)
		}
		kinds[grades[id]]++
	}
	if kinds[[2]int{1, 6}] == 0 || kinds[[2]int{7, 9}] == 0 || kinds[[2]int{1, 9}] == 0 {
		t.Errorf("school kinds by grade range = %v, want primary, junior and nine-year schools", kinds)
	}
	perCenter := map[string]int{}
	for _, s := range l.schools {
		perCenter[s.get("center")]++
	}
	for c, n := range perCenter {
		if n < 6 || n > 15 {
			t.Errorf("center %s has %d schools, want 6-15", c, n)
		}
	}
	roles := map[string]int{}
	principals := map[string]int{}
	admins := map[string]int{}
	withAccount := 0
	for _, r := range l.teachers {
		roles[r.get("role")]++
		switch r.get("role") {
		case rolePrincipal:
			principals[r.get("school_id")]++
		case roleCenterAdmin:
			admins[r.get("center")]++
		}
		if r.get("wecom_userid") != "" || r.get("dingtalk_userid") != "" || r.get("email") != "" {
			withAccount++
		}
	}
	if roles[roleDistrictAdmin] != 1 {
		t.Errorf("%d district admins, want 1", roles[roleDistrictAdmin])
	}
	for _, s := range l.schools {
		if principals[s.get("id")] != 1 {
			t.Errorf("school %s has %d principals", s.get("id"), principals[s.get("id")])
		}
	}
	for c := range perCenter {
		if admins[c] != 2 {
			t.Errorf("center %s has %d center admins, want 2", c, admins[c])
		}
	}
	schoolStaff := roles[roleTeacher] + roles[rolePrincipal]
	between(t, "teachers per student", schoolStaff, len(l.students), 1.0/18, 1.0/12)
	between(t, "teachers with a WeCom, DingTalk or e-mail account", withAccount, len(l.teachers), 0.4, 0.9)
}

// checkAttendanceShape checks the absence tail: chronic absentees, long
// unexcused streaks up to the last day, short ones, more absence in grade 9.
func (l *loaded) checkAttendanceShape(t *testing.T) {
	byStudent := map[string]map[string]string{}
	for _, r := range l.attendance {
		m := byStudent[r.get("student_id")]
		if m == nil {
			m = map[string]string{}
			byStudent[r.get("student_id")] = m
		}
		m[r.get("date")] = r.get("status")
	}
	var chronic, long, short, eligible int
	var absent, possible [10]int
	for _, st := range l.students {
		if st.get("status") != "enrolled" || st.get("home_taught") == "1" {
			continue
		}
		eligible++
		days := l.cal.schoolDays(st.get("school_id"), l.start, l.end)
		recs := byStudent[st.get("id")]
		missed, run, longest := 0, 0, 0
		for _, d := range days {
			s := recs[d]
			if s == "absent" || s == "sick" || s == "leave" {
				missed++
			}
			if s == "absent" {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
		g := int(st.get("grade")[0] - '0')
		absent[g] += missed
		possible[g] += len(days)
		switch {
		case run >= 10:
			long++
		case longest >= 4 && longest < 10:
			short++
		}
		if missed*10 >= len(days) {
			chronic++
		}
	}
	between(t, "chronic absentees (10% of school days)", chronic, eligible, 0.01, 0.10)
	atLeast(t, "unexcused streaks of 10+ school days up to the last day", long, 2)
	atLeast(t, "unexcused streaks of 4-9 school days", short, 2)
	atLeast(t, "attendance rows on days that are not school days", l.offDayRows, 1)
	primary, primaryDays := 0, 0
	for g := 1; g <= 6; g++ {
		primary += absent[g]
		primaryDays += possible[g]
	}
	rate9 := float64(absent[9]) / float64(possible[9])
	rateP := float64(primary) / float64(primaryDays)
	if rate9 < 1.3*rateP {
		t.Errorf("grade 9 absence rate %.3f, primary %.3f: want grade 9 clearly higher", rate9, rateP)
	}
	if rateP < 0.01 || rateP > 0.08 {
		t.Errorf("primary absence rate %.3f, want 1%%-8%%", rateP)
	}
	l.checkContactShape(t)
}

// checkContactShape checks special groups get more contacts.
func (l *loaded) checkContactShape(t *testing.T) {
	per := map[string]int{}
	for _, r := range l.contacts {
		per[r.get("student_id")]++
	}
	var sp, spN, other, otherN int
	for _, st := range l.students {
		special := st.get("left_behind") != "0" || st.get("disabled") == "1" || st.get("poverty") != "none" ||
			st.get("migrant") == "1" || st.get("returning") == "1" || st.get("orphan") == "1" || st.get("hardship") == "1"
		if special {
			sp += per[st.get("id")]
			spN++
		} else {
			other += per[st.get("id")]
			otherN++
		}
	}
	if float64(sp)/float64(spN) < 2*float64(other)/float64(otherN) {
		t.Errorf("contacts per special-group student %.2f, per other student %.2f: want at least twice as many",
			float64(sp)/float64(spN), float64(other)/float64(otherN))
	}
}

// checkLedgerCases checks that registry, platform and survey hold each
// kind of discrepancy the ledger is built to find, and not too many.
func (l *loaded) checkLedgerCases(t *testing.T) {
	registry := index(l.registry, "id")
	platform := index(l.platform, "id")
	var notInRegistry, transferReceived, transferOpen, platformDropped, enrolled int
	byNameBirth := map[string]int{}
	byNID := map[string]bool{}
	for _, st := range l.students {
		id := st.get("id")
		byNameBirth[st.get("name")+"|"+st.get("birth_date")]++
		if st.get("national_id") != "" {
			byNID[st.get("national_id")] = true
		}
		switch st.get("status") {
		case "enrolled":
			enrolled++
			if _, ok := registry[id]; !ok {
				notInRegistry++
			}
			if platform[id].get("status") == "dropped" {
				platformDropped++
			}
		case "transferred":
			if reg, ok := registry[id]; ok && reg.get("school_id") != st.get("school_id") && reg.get("status") == "enrolled" {
				transferReceived++
			} else {
				transferOpen++
			}
		}
	}
	between(t, "enrolled students not in the registry", notInRegistry, enrolled, 1e-5, 0.005)
	atLeast(t, "transfers received by another district school", transferReceived, 1)
	atLeast(t, "transfers not received", transferOpen, 1)
	atLeast(t, "enrolled students the platform marks dropped", platformDropped, 1)
	notInRoster := 0
	for _, r := range l.registry {
		if _, ok := l.studentByID[r.get("id")]; !ok {
			notInRoster++
		}
	}
	atLeast(t, "registry students not in the roster", notInRoster, 1)
	l.checkSurveyCases(t, byNameBirth, byNID, enrolled)
	l.checkHomeTeachingShape(t)
}

func (l *loaded) checkSurveyCases(t *testing.T, rosterNameBirth map[string]int, rosterNID map[string]bool, enrolled int) {
	var outOfSchool, elsewhere, ambiguous, byID, byName, found int
	seen := map[string]int{}
	for _, r := range l.survey {
		nb := normName(r.get("name")) + "|" + r.get("birth_date")
		seen[nb]++
		inRoster := rosterNID[r.get("national_id")] || (r.get("national_id") == "" && rosterNameBirth[nb] > 0)
		if inRoster {
			found++
		}
		school := r.get("enrolled_school")
		_, isID := l.schoolByID[school]
		_, isName := l.schoolByName[school]
		switch {
		case school == "" && !inRoster:
			outOfSchool++
		case school != "" && !isID && !isName:
			elsewhere++
		case isID:
			byID++
		case isName:
			byName++
		}
		if r.get("national_id") == "" && rosterNameBirth[nb] >= 2 {
			ambiguous++
		}
	}
	twice := 0
	for _, n := range seen {
		if n >= 2 {
			twice++
		}
	}
	atLeast(t, "surveyed children out of school", outOfSchool, 1)
	atLeast(t, "surveyed children at school outside the district", elsewhere, 1)
	atLeast(t, "survey rows matching two roster students", ambiguous, 1)
	atLeast(t, "children surveyed twice (same name and birth date)", twice, 1)
	between(t, "survey rows naming the school by code", byID, len(l.survey), 0.2, 0.8)
	between(t, "survey rows naming the school by name", byName, len(l.survey), 0.2, 0.8)
	between(t, "survey rows found on the roster", found, enrolled, 0.9, 1.01)
}

// checkHomeTeachingShape checks sessions are mostly weekly with two class
// hours and some student has had none in the last two weeks.
func (l *loaded) checkHomeTeachingShape(t *testing.T) {
	last := map[string]time.Time{}
	two := 0
	for _, r := range l.homeTeaching {
		d, _ := parseDate(r.get("date"))
		if d.After(last[r.get("student_id")]) {
			last[r.get("student_id")] = d
		}
		if r.get("class_hours") == "2" {
			two++
		}
	}
	between(t, "sessions of two class hours", two, len(l.homeTeaching), 0.7, 0.95)
	taught, gaps := 0, 0
	var lastDates []string
	for _, st := range l.students {
		if st.get("home_taught") != "1" || st.get("status") != "enrolled" {
			continue
		}
		taught++
		if l.end.Sub(last[st.get("id")]) > 14*24*time.Hour {
			gaps++
		}
		lastDates = append(lastDates, last[st.get("id")].Format(time.DateOnly))
	}
	sort.Strings(lastDates)
	atLeast(t, "home-taught students without a session in the last two weeks", gaps, 1)
	if gaps*2 > taught {
		t.Errorf("%d of %d home-taught students have gaps (last sessions %v)", gaps, taught, lastDates)
	}
	weeks := l.end.Sub(l.start).Hours() / 24 / 7
	between(t, "sessions per home-taught student-week", len(l.homeTeaching), int(float64(taught)*weeks), 0.6, 1.2)
}
