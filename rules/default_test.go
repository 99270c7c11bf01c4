package rules

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"
)

// This file checks the default rules against their unit-test files
// (default/tests/*.test.yaml, SPEC §6) with a small reference model of the
// SPEC §5 semantics: school days, windows, streaks. It exists so that the
// hand-computed dates in those files are proven now; `baoxue rules test`
// runs the same files through the real engine.

type caseFile struct {
	RuleFiles []string   `yaml:"rule_files"`
	Norms     *refNorms  `yaml:"norms"`
	Tests     []ruleCase `yaml:"tests"`
}

// refNorms is the `norms` of a test file or test; what it leaves out is
// the default.
type refNorms struct {
	SessionsPerWeek      *int `yaml:"home_teaching_sessions_per_week"`
	HoursPerSession      *int `yaml:"home_teaching_hours_per_session"`
	SuspectedDropoutDays *int `yaml:"suspected_dropout_days"`
}

func (r *refNorms) apply(n Norms) Norms {
	if r == nil {
		return n
	}
	for _, f := range []struct {
		from *int
		to   *int
	}{{r.SessionsPerWeek, &n.HomeTeachingSessionsPerWeek}, {r.HoursPerSession, &n.HomeTeachingHoursPerSession},
		{r.SuspectedDropoutDays, &n.SuspectedDropoutDays}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	return n
}

type ruleCase struct {
	Name         string    `yaml:"name"`
	At           string    `yaml:"at"`
	Campaign     string    `yaml:"campaign"`
	Norms        *refNorms `yaml:"norms"`
	Students     []row     `yaml:"students"`
	Attendance   []row     `yaml:"attendance"`
	Calendar     []row     `yaml:"calendar"`
	Contacts     []row     `yaml:"contacts"`
	HomeTeaching []row     `yaml:"home_teaching"`
	Expect       []struct {
		Rule        string   `yaml:"rule"`
		Students    []string `yaml:"students"`
		InhibitedBy []string `yaml:"inhibited_by"`
	} `yaml:"expect"`
}

// row is one inline import row, every value as its text.
type row map[string]string

func (r *row) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a row must be a mapping", n.Line)
	}
	*r = row{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		(*r)[n.Content[i].Value] = n.Content[i+1].Value
	}
	return nil
}

// columns lists, per kind, the SPEC §4 columns; required ones end in "*".
var columns = map[string][]string{
	"students": {"id*", "name*", "gender", "birth_date*", "national_id", "school_id*", "grade*", "class",
		"homeroom_teacher_id", "status", "suspended_until", "returned_at", "township", "village", "left_behind",
		"migrant", "returning", "orphan", "boarding", "disabled", "disability_type", "disability_level", "hardship",
		"poverty", "home_taught", "pairing_teacher_id", "guardian_phone"},
	"attendance":    {"student_id*", "date*", "status*", "note"},
	"calendar":      {"from*", "to", "kind*", "school_id", "note"},
	"contacts":      {"student_id*", "date*", "teacher_id*", "channel", "outcome", "note"},
	"home_teaching": {"student_id*", "date*", "teacher_id*", "class_hours*", "remote"},
}

// enumColumns are the values a column accepts in these fixtures (the
// canonical English forms of SPEC §4).
var enumColumns = map[string][]string{
	"status":      {"enrolled", "suspended", "dropped", "transferred", "graduated", "deceased", "absent", "sick", "leave", "late", "present"},
	"kind":        {"holiday", "schoolday"},
	"channel":     {"phone", "visit", "online", "other"},
	"poverty":     {"none", "former_registered", "marginal", "monitored"},
	"left_behind": {"0", "1", "2"},
	"grade":       {"1", "2", "3", "4", "5", "6", "7", "8", "9"},
}

var boolColumns = []string{"migrant", "returning", "orphan", "boarding", "disabled", "hardship", "home_taught", "remote"}

func checkRows(t *testing.T, kind string, rows []row) {
	t.Helper()
	cols := columns[kind]
	for i, r := range rows {
		for _, c := range cols {
			name, required := strings.CutSuffix(c, "*")
			if required && r[name] == "" {
				t.Errorf("%s row %d: missing %s", kind, i+1, name)
			}
		}
		for k, v := range r {
			if !slices.Contains(cols, k) && !slices.Contains(cols, k+"*") {
				t.Errorf("%s row %d: unknown column %q", kind, i+1, k)
			}
			if allowed, ok := enumColumns[k]; ok && !slices.Contains(allowed, v) {
				t.Errorf("%s row %d: %s %q not one of %v", kind, i+1, k, v, allowed)
			}
			if slices.Contains(boolColumns, k) && !slices.Contains([]string{"0", "1", "true", "false"}, v) {
				t.Errorf("%s row %d: %s %q is not a boolean", kind, i+1, k, v)
			}
			if (k == "date" || k == "from" || k == "to" || k == "birth_date" || k == "returned_at" || k == "suspended_until") && v != "" {
				if _, err := time.Parse(time.DateOnly, v); err != nil {
					t.Errorf("%s row %d: %s: %v", kind, i+1, k, err)
				}
			}
		}
	}
}

// refWorld is the reference model of one test's data at its date T.
type refWorld struct {
	t        time.Time
	calendar []row
	status   map[string]map[string]string // student -> date -> attendance status
	contacts map[string][]time.Time
	sessions map[string][]refSession
}

type refSession struct {
	date  time.Time
	hours int
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// schoolDay applies SPEC §4: Mon–Fri, minus holidays, plus make-up days;
// rows of the school override district-wide rows.
func (w *refWorld) schoolDay(d time.Time, school string) bool {
	kind := ""
	for _, scope := range []string{"", school} {
		for _, c := range w.calendar {
			if c["school_id"] != scope {
				continue
			}
			from, to := day(c["from"]), day(c["from"])
			if c["to"] != "" {
				to = day(c["to"])
			}
			if !d.Before(from) && !d.After(to) {
				kind = c["kind"]
			}
		}
	}
	if kind != "" {
		return kind == "schoolday"
	}
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}

// refWindows answers the windowed functions for one student.
type refWindows struct {
	w       *refWorld
	student string
	school  string
}

func (r refWindows) count(n int, absence func(string) bool) (absent, days int) {
	for i := range n {
		d := r.w.t.AddDate(0, 0, -i)
		if !r.w.schoolDay(d, r.school) {
			continue
		}
		days++
		if absence(r.w.status[r.student][d.Format(time.DateOnly)]) {
			absent++
		}
	}
	return absent, days
}

func isAbsence(s string) bool   { return s == "absent" || s == "sick" || s == "leave" }
func isUnexcused(s string) bool { return s == "absent" }

func (r refWindows) Absences(n int) int  { a, _ := r.count(n, isAbsence); return a }
func (r refWindows) Unexcused(n int) int { a, _ := r.count(n, isUnexcused); return a }
func (r refWindows) AbsenceRate(n int) float64 {
	a, d := r.count(n, isAbsence)
	if d == 0 {
		return 0
	}
	return float64(a) / float64(d)
}

func (r refWindows) inWindow(d time.Time, n int) bool {
	return !d.After(r.w.t) && d.After(r.w.t.AddDate(0, 0, -n))
}

func (r refWindows) Contacts(n int) int {
	c := 0
	for _, d := range r.w.contacts[r.student] {
		if r.inWindow(d, n) {
			c++
		}
	}
	return c
}

func (r refWindows) HomeTeachingSessions(n int) int {
	c := 0
	for _, s := range r.w.sessions[r.student] {
		if r.inWindow(s.date, n) {
			c++
		}
	}
	return c
}

func (r refWindows) HomeTeachingSessionsOf(n, minHours int) int {
	c := 0
	for _, s := range r.w.sessions[r.student] {
		if r.inWindow(s.date, n) && s.hours >= minHours {
			c++
		}
	}
	return c
}

func (r refWindows) HomeTeachingHours(n int) int {
	h := 0
	for _, s := range r.w.sessions[r.student] {
		if r.inWindow(s.date, n) {
			h += s.hours
		}
	}
	return h
}

// streak counts school days absent back from the last school day ≤ T.
func (r refWindows) streak(absence func(string) bool) int {
	n := 0
	for i := range 400 {
		d := r.w.t.AddDate(0, 0, -i)
		if !r.w.schoolDay(d, r.school) {
			continue
		}
		if !absence(r.w.status[r.student][d.Format(time.DateOnly)]) {
			break
		}
		n++
	}
	return n
}

func truthy(s string) bool { return s == "1" || s == "true" || s == "2" }

// refFacts builds the Facts of a student row at T.
func refFacts(w *refWorld, s row) *Facts {
	grade, _ := strconv.Atoi(s["grade"])
	birth := day(s["birth_date"])
	age := w.t.Year() - birth.Year()
	if w.t.Month() < birth.Month() || w.t.Month() == birth.Month() && w.t.Day() < birth.Day() {
		age--
	}
	stage := "primary"
	if grade >= 7 {
		stage = "junior"
	}
	level, _ := strconv.Atoi(s["disability_level"])
	parents, _ := strconv.Atoi(s["left_behind"])
	since := -1
	if s["returned_at"] != "" {
		since = int(w.t.Sub(day(s["returned_at"])).Hours() / 24)
	}
	poverty := s["poverty"]
	if poverty == "" {
		poverty = "none"
	}
	status := s["status"]
	if status == "" {
		status = "enrolled"
	}
	rw := refWindows{w: w, student: s["id"], school: s["school_id"]}
	return &Facts{
		Student: Student{
			ID: s["id"], Name: s["name"], Gender: s["gender"], School: s["school_id"], Class: s["class"],
			Township: s["township"], Village: s["village"], Status: status, Grade: grade, Stage: stage, Age: age,
			LeftBehind: parents > 0, Migrant: truthy(s["migrant"]), Returning: truthy(s["returning"]),
			Orphan: truthy(s["orphan"]), Boarding: truthy(s["boarding"]), Disabled: truthy(s["disabled"]),
			Hardship: truthy(s["hardship"]), HomeTaught: truthy(s["home_taught"]), LeftBehindParents: parents,
			DisabilityType: s["disability_type"], DisabilityLevel: level, Poverty: poverty,
			HasPairingTeacher: s["pairing_teacher_id"] != "", DaysSinceReturn: since,
		},
		AbsentStreak:    rw.streak(isAbsence),
		UnexcusedStreak: rw.streak(isUnexcused),
		Today:           w.t.Format(time.DateOnly),
		Month:           int(w.t.Month()),
		W:               rw,
	}
}

func TestDefaultRuleTests(t *testing.T) {
	files, err := filepath.Glob("default/tests/*.test.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no default rule tests: %v", err)
	}
	defaults, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]map[bool]bool{} // rule -> fired -> seen
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var cf caseFile
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(&cf); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var paths []string
		for _, rf := range cf.RuleFiles {
			paths = append(paths, filepath.Join(filepath.Dir(file), rf))
		}
		set, err := Load(paths...)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, tc := range cf.Tests {
			norms := tc.Norms.apply(cf.Norms.apply(DefaultNorms()))
			t.Run(filepath.Base(file)+"/"+tc.Name, func(t *testing.T) {
				runRuleCase(t, set, tc, norms, tested)
			})
		}
	}
	for _, r := range defaults.Rules {
		if !tested[r.ID][true] || !tested[r.ID][false] {
			t.Errorf("default rule %s lacks a firing or a not-firing case (fired: %v)", r.ID, tested[r.ID])
		}
	}
}

func runRuleCase(t *testing.T, set *Set, tc ruleCase, norms Norms, tested map[string]map[bool]bool) {
	for kind, rows := range map[string][]row{"students": tc.Students, "attendance": tc.Attendance,
		"calendar": tc.Calendar, "contacts": tc.Contacts, "home_teaching": tc.HomeTeaching} {
		checkRows(t, kind, rows)
	}
	w := &refWorld{t: day(tc.At), calendar: tc.Calendar, status: map[string]map[string]string{},
		contacts: map[string][]time.Time{}, sessions: map[string][]refSession{}}
	ids := map[string]bool{}
	for _, s := range tc.Students {
		ids[s["id"]] = true
	}
	for _, a := range tc.Attendance {
		if !ids[a["student_id"]] {
			t.Errorf("attendance for unknown student %s", a["student_id"])
		}
		if w.status[a["student_id"]] == nil {
			w.status[a["student_id"]] = map[string]string{}
		}
		w.status[a["student_id"]][a["date"]] = a["status"]
	}
	for _, c := range tc.Contacts {
		w.contacts[c["student_id"]] = append(w.contacts[c["student_id"]], day(c["date"]))
	}
	for _, h := range tc.HomeTeaching {
		hours, _ := strconv.Atoi(h["class_hours"])
		w.sessions[h["student_id"]] = append(w.sessions[h["student_id"]], refSession{date: day(h["date"]), hours: hours})
	}
	// A firing is "RULE STUDENT", and " inhibited by A,B" when rules
	// listing RULE in their inhibits fire for the same student (SPEC §5).
	var got, want []string
	for _, e := range tc.Expect {
		for _, s := range e.Students {
			w := e.Rule + " " + s
			if len(e.InhibitedBy) > 0 {
				w += " inhibited by " + strings.Join(slices.Sorted(slices.Values(e.InhibitedBy)), ",")
			}
			want = append(want, w)
		}
	}
	fired := map[string]map[string]bool{} // student -> rule -> fired
	var firings [][2]string
	var v vm.VM
	for _, r := range set.Rules {
		if !r.RunsIn(tc.Campaign) {
			continue
		}
		for _, s := range tc.Students {
			if st := s["status"]; st != "" && st != "enrolled" && st != "suspended" {
				continue
			}
			f := refFacts(w, s)
			f.Campaign, f.Norms = tc.Campaign, norms
			ok, err := r.Eval(&v, f)
			if err != nil {
				t.Fatal(err)
			}
			if tested[r.ID] == nil {
				tested[r.ID] = map[bool]bool{}
			}
			tested[r.ID][ok] = true
			if !ok {
				continue
			}
			if fired[s["id"]] == nil {
				fired[s["id"]] = map[string]bool{}
			}
			fired[s["id"]][r.ID] = true
			firings = append(firings, [2]string{r.ID, s["id"]})
			if msg, err := r.Render(f); err != nil || msg == "" {
				t.Errorf("render %s for %s: %q, %v", r.ID, s["id"], msg, err)
			}
		}
	}
	for _, f := range firings {
		g := f[0] + " " + f[1]
		var by []string
		for _, id := range set.Rule(f[0]).InhibitedBy() {
			if fired[f[1]][id] {
				by = append(by, id)
			}
		}
		if len(by) > 0 {
			g += " inhibited by " + strings.Join(by, ",")
		}
		got = append(got, g)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("fired %v\nwant  %v", got, want)
	}
}

func TestDefaults(t *testing.T) {
	set, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	if set.MaxWindow != 60 {
		t.Errorf("MaxWindow = %d, want 60 (chronic-absence)", set.MaxWindow)
	}
	// A name that reveals a special group must be sensitive, and only such names.
	groupWords := []string{"留守", "随迁", "返乡", "残疾", "困难", "脱贫", "边缘", "监测", "复学", "特殊群体", "送教", "孤儿"}
	for _, r := range set.Rules {
		if !strings.ContainsFunc(r.Name, func(c rune) bool { return c >= 0x4E00 && c <= 0x9FFF }) {
			t.Errorf("%s: name %q is not Chinese", r.ID, r.Name)
		}
		if r.Message == "" || r.Task == nil {
			t.Errorf("%s: every default rule has a message and a task", r.ID)
		}
		reveals := slices.ContainsFunc(groupWords, func(w string) bool { return strings.Contains(r.Name, w) })
		if reveals != r.Sensitive {
			t.Errorf("%s: name %q reveals a group: %v, sensitive: %v", r.ID, r.Name, reveals, r.Sensitive)
		}
	}
	for _, id := range []string{"left-behind-absence", "migrant-absence", "returning-absence", "disabled-absence",
		"orphan-absence", "hardship-absence", "poverty-absence", "returned-dropout-absence", "special-group-no-contact"} {
		if r := set.Rule(id); r == nil || !r.Pair || !r.Sensitive {
			t.Errorf("%s: missing, or not pair and sensitive", id)
		}
	}
	d := set.Rule("suspected-dropout")
	if d.Severity != "critical" || !slices.Contains(d.Notify, "principal") || !slices.Contains(d.Notify, "center") {
		t.Errorf("suspected-dropout: severity %s notify %v", d.Severity, d.Notify)
	}
	if c := set.Rule("campaign-verify"); !slices.Equal(c.Campaigns, []string{"march", "september"}) || c.RunsIn("") {
		t.Errorf("campaign-verify campaigns %v", c.Campaigns)
	}

	// The embedded files are the files on disk, without the tests.
	entries, err := fs.ReadDir(DefaultFiles(), ".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"attendance.yaml", "campaigns.yaml", "home-teaching.yaml", "special-groups.yaml"}; !slices.Equal(names, want) {
		t.Errorf("DefaultFiles = %v, want %v", names, want)
	}
	disk, err := Load("default")
	if err != nil {
		t.Fatal(err)
	}
	if disk.Checksum != set.Checksum || ids(disk) != ids(set) {
		t.Errorf("Load(default) differs from Defaults(): %s vs %s", ids(disk), ids(set))
	}
}

// TestDefaultThresholds checks each threshold the policy names at the
// threshold and one below, and that the thresholds baoxue.yaml sets reach
// the rules through norms.
func TestDefaultThresholds(t *testing.T) {
	set, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	norms := func(edit func(*Norms)) Norms {
		n := DefaultNorms()
		if edit != nil {
			edit(&n)
		}
		return n
	}
	tests := []struct {
		rule, name string
		norms      Norms
		edit       func(*Facts, *fakeWindows)
		want       bool
	}{
		// 连续3个上学日以上: 以上 includes 3.
		{"unexcused-streak", "3 days", norms(nil), func(f *Facts, _ *fakeWindows) { f.UnexcusedStreak = 3 }, true},
		{"unexcused-streak", "2 days", norms(nil), func(f *Facts, _ *fakeWindows) { f.UnexcusedStreak = 2 }, false},
		{"suspected-dropout", "10 days", norms(nil), func(f *Facts, _ *fakeWindows) { f.UnexcusedStreak = 10 }, true},
		{"suspected-dropout", "9 days", norms(nil), func(f *Facts, _ *fakeWindows) { f.UnexcusedStreak = 9 }, false},
		{"suspected-dropout", "configured 5, 5 days", norms(func(n *Norms) { n.SuspectedDropoutDays = 5 }),
			func(f *Facts, _ *fakeWindows) { f.UnexcusedStreak = 5 }, true},
		{"suspected-dropout", "configured 5, 4 days", norms(func(n *Norms) { n.SuspectedDropoutDays = 5 }),
			func(f *Facts, _ *fakeWindows) { f.UnexcusedStreak = 4 }, false},
		{"suspected-dropout", "configured 12, 10 days", norms(func(n *Norms) { n.SuspectedDropoutDays = 12 }),
			func(f *Facts, _ *fakeWindows) { f.UnexcusedStreak = 10 }, false},
		// 每周1次，每次2课时: a session of 2 hours, not 2 hours in all.
		{"home-teaching-gap", "one 2-hour session", norms(nil), func(_ *Facts, w *fakeWindows) {
			w.sessions[7], w.hours[7], w.sessionsOf[[2]int{7, 2}] = 1, 2, 1
		}, false},
		{"home-teaching-gap", "two 1-hour sessions", norms(nil), func(_ *Facts, w *fakeWindows) {
			w.sessions[7], w.hours[7], w.sessionsOf[[2]int{7, 2}] = 2, 2, 0
		}, true},
		{"home-teaching-gap", "configured 3 hours, one 2-hour session", norms(func(n *Norms) { n.HomeTeachingHoursPerSession = 3 }),
			func(_ *Facts, w *fakeWindows) { w.sessions[7], w.hours[7], w.sessionsOf[[2]int{7, 2}] = 1, 2, 1 }, true},
		{"home-teaching-gap", "configured twice a week, two sessions", norms(func(n *Norms) { n.HomeTeachingSessionsPerWeek = 2 }),
			func(_ *Facts, w *fakeWindows) { w.sessionsOf[[2]int{7, 2}] = 2 }, false},
		{"home-teaching-gap", "configured twice a week, one session", norms(func(n *Norms) { n.HomeTeachingSessionsPerWeek = 2 }),
			func(_ *Facts, w *fakeWindows) { w.sessionsOf[[2]int{7, 2}] = 1 }, true},
		{"orphan-absence", "2 absences", norms(nil), func(_ *Facts, w *fakeWindows) { w.absences[14] = 2 }, true},
		{"orphan-absence", "1 absence", norms(nil), func(_ *Facts, w *fakeWindows) { w.absences[14] = 1 }, false},
	}
	var v vm.VM
	for _, tc := range tests {
		t.Run(tc.rule+"/"+tc.name, func(t *testing.T) {
			w := newFake()
			f := &Facts{Student: Student{Status: "enrolled", Grade: 7, Stage: "junior", Poverty: "none", DaysSinceReturn: -1,
				Orphan: true, Disabled: true, HomeTaught: true}, Norms: tc.norms, W: w}
			tc.edit(f, w)
			got, err := set.Rule(tc.rule).Eval(&v, f)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("fired %v, want %v", got, tc.want)
			}
		})
	}
}

// allAbsent is a student absent on every school day of every window, with
// no contact and no home teaching.
type allAbsent struct{}

func (allAbsent) Absences(n int) int                  { return n }
func (allAbsent) Unexcused(n int) int                 { return n }
func (allAbsent) AbsenceRate(int) float64             { return 1 }
func (allAbsent) Contacts(int) int                    { return 0 }
func (allAbsent) HomeTeachingSessions(int) int        { return 0 }
func (allAbsent) HomeTeachingHours(int) int           { return 0 }
func (allAbsent) HomeTeachingSessionsOf(int, int) int { return 0 }

// TestSuspendedFiresNoAbsenceRule: a student on approved suspension (休学)
// fires no default rule about absence or home teaching, however long the
// absence (past suspended_until is the ledger's suspension_overdue); the
// same student enrolled fires every rule.
func TestSuspendedFiresNoAbsenceRule(t *testing.T) {
	set, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	var v vm.VM
	for _, status := range []string{"enrolled", "suspended"} {
		fired := map[string]bool{}
		for _, homeTaught := range []bool{false, true} {
			for _, grade := range []int{8, 9} {
				f := &Facts{Student: Student{Status: status, Grade: grade, Stage: "junior", LeftBehind: true, LeftBehindParents: 2,
					Migrant: true, Returning: true, Orphan: true, Disabled: true, Hardship: true, HomeTaught: homeTaught,
					Poverty: "monitored", DaysSinceReturn: 30},
					AbsentStreak: 60, UnexcusedStreak: 60, Campaign: "march", Norms: DefaultNorms(), W: allAbsent{}}
				for _, r := range set.Rules {
					ok, err := r.Eval(&v, f)
					if err != nil {
						t.Fatal(err)
					}
					fired[r.ID] = fired[r.ID] || ok
				}
			}
		}
		var got []string
		for _, r := range set.Rules {
			if fired[r.ID] {
				got = append(got, r.ID)
			}
		}
		want := ids(set)
		if status == "suspended" {
			// Not about absence: verification and family contact go on.
			want = "campaign-verify special-group-no-contact"
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s student fired %v, want %s", status, got, want)
		}
	}
}
