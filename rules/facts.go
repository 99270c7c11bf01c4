package rules

import (
	"maps"
	"slices"
)

// Student is the `student` object of the evaluation environment (SPEC §5).
// The expr tags are the names rules use (`student.left_behind`); the same
// names reach message templates (`{{.student.left_behind}}`).
//
// Student must not get exported methods: expr exposes every exported method
// of the environment to rules, and the rule language is a contract.
type Student struct {
	ID   string `expr:"id"`
	Name string `expr:"name"`
	// Gender is "M", "F" or "" (not recorded): closedValues.
	Gender   string `expr:"gender"`
	School   string `expr:"school"`
	Class    string `expr:"class"`
	Township string `expr:"township"`
	Village  string `expr:"village"`
	// Status is "enrolled" or "suspended": only such students are
	// evaluated (studentStatuses).
	Status string `expr:"status"`
	// Grade is 1–9.
	Grade int `expr:"grade"`
	// Stage is "primary" (grades 1–6) or "junior" (7–9).
	Stage string `expr:"stage"`
	// Age is the student's age in full years at T (a birthday on T counts).
	Age int `expr:"age"`

	LeftBehind bool `expr:"left_behind"`
	Migrant    bool `expr:"migrant"`
	Returning  bool `expr:"returning"`
	Orphan     bool `expr:"orphan"`
	Boarding   bool `expr:"boarding"`
	Disabled   bool `expr:"disabled"`
	Hardship   bool `expr:"hardship"`
	HomeTaught bool `expr:"home_taught"`

	// LeftBehindParents is 0, 1 (one parent away) or 2 (both parents away).
	LeftBehindParents int `expr:"left_behind_parents"`
	// DisabilityType is 残疾人类型 as imported (one of closedValues), or "".
	DisabilityType string `expr:"disability_type"`
	// DisabilityLevel is 0 (none) or 1–4 (1 most severe).
	DisabilityLevel int `expr:"disability_level"`
	// Poverty is "none", "former_registered", "marginal" or "monitored"
	// (closedValues).
	Poverty string `expr:"poverty"`

	HasPairingTeacher bool `expr:"has_pairing_teacher"`
	// DaysSinceReturn is the number of days since returned_at, -1 when the
	// student never dropped out.
	DaysSinceReturn int `expr:"days_since_return"`
}

// closedValues are the values of the string facts that form a closed set,
// the one list of each (SPEC §5). A `when` comparing such a fact with a
// constant outside its list could never hold, and is refused when it loads
// (enumChecker). The importer reads what sheets say (在读, 脱贫户, 男, 4-肢体残疾)
// into these values, and its tests check that it produces no other;
// Student.Stage and Facts.Campaign are set by the engine. The other string
// facts (names, classes, places, today) are open.
var closedValues = map[string][]string{
	"student.gender":          {"M", "F", ""},
	"student.status":          studentStatuses[:2:2],
	"student.stage":           {"primary", "junior"},
	"student.disability_type": {"视力", "听力", "言语", "肢体", "智力", "精神", "多重", "其他", "残疾", ""},
	"student.poverty":         {"none", "former_registered", "marginal", "monitored"},
	"campaign":                append(Campaigns(), ""),
}

// studentStatuses are the statuses of the roster. Only the first two,
// enrolled and suspended, are evaluated, so they are the values
// student.status takes in a rule; a rule comparing it with one of the
// others is refused as well, with its own reason.
var studentStatuses = []string{"enrolled", "suspended", "transferred", "dropped", "graduated", "deceased"}

// StudentStatuses returns the statuses of the roster: enrolled, suspended,
// transferred, dropped, graduated, deceased. Only students enrolled or
// suspended are evaluated (FactValues("student.status")). The slice is a
// fresh copy.
func StudentStatuses() []string { return slices.Clone(studentStatuses) }

// FactValues returns the values the string fact named as rules name it
// ("student.status", "campaign") takes when a rule is evaluated, or nil
// when its values are not a closed set. The slice is a fresh copy.
func FactValues(fact string) []string { return slices.Clone(closedValues[fact]) }

// ClosedFacts returns the names of the facts FactValues knows, sorted.
func ClosedFacts() []string { return slices.Sorted(maps.Keys(closedValues)) }

// Windows answers the windowed functions of the evaluation environment for
// the current student; the engine implements it. n is the window in calendar
// days ending at T (T included), 1 ≤ n ≤ Set.MaxWindow. Implementations must
// be cheap (no I/O): they run inside every rule evaluation.
type Windows interface {
	// Absences counts school days in the window with status absent, sick or leave.
	Absences(n int) int
	// Unexcused counts school days in the window with status absent.
	Unexcused(n int) int
	// AbsenceRate is Absences(n) divided by the school days in the window (0 when none).
	AbsenceRate(n int) float64
	// Contacts counts contact records with the student's family in the window.
	Contacts(n int) int
	// HomeTeachingSessions counts home-teaching sessions in the window.
	HomeTeachingSessions(n int) int
	// HomeTeachingHours sums the class hours of home-teaching sessions in the window.
	HomeTeachingHours(n int) int
	// HomeTeachingSessionsOf counts the home-teaching sessions in the window
	// that lasted at least minHours class hours (minHours ≤ 1 counts every
	// session).
	HomeTeachingSessionsOf(n, minHours int) int
}

// Norms are the district's configured thresholds, the `norms` object of the
// evaluation environment (SPEC §5). Rules read them instead of writing the
// numbers out, so that a rule cannot disagree with baoxue.yaml, which the
// ledger and the weekly home-teaching check read too. The engine sets them
// from the configuration; DefaultNorms gives the built-in values.
//
// Norms must not get exported methods: expr would expose them to rules.
type Norms struct {
	// HomeTeachingSessionsPerWeek is home_teaching.sessions_per_week: the
	// home-teaching sessions (送教上门) a home-taught student is owed each
	// week. Default 1.
	HomeTeachingSessionsPerWeek int `expr:"home_teaching_sessions_per_week"`
	// HomeTeachingHoursPerSession is home_teaching.hours_per_session: the
	// class hours (课时) each of those sessions lasts at least. Default 2.
	HomeTeachingHoursPerSession int `expr:"home_teaching_hours_per_session"`
	// SuspectedDropoutDays is ledger.suspected_dropout_days: the unexcused
	// streak, in school days, from which an enrolled student is a suspected
	// dropout (疑似辍学). Default 10.
	SuspectedDropoutDays int `expr:"suspected_dropout_days"`
}

// DefaultNorms returns the norms of the notice and of national practice
// (docs/POLICY.md): home teaching once a week, two class hours each time
// (每周1次，每次2课时), and a suspected dropout at 10 consecutive school days
// of unexcused absence. config.Default takes its values from here.
func DefaultNorms() Norms {
	return Norms{HomeTeachingSessionsPerWeek: 1, HomeTeachingHoursPerSession: 2, SuspectedDropoutDays: 10}
}

// Facts is the typed expr environment of a rule (SPEC §5). The engine fills
// Student, the streaks, Today, Month, Campaign, Norms and W before each
// evaluation and passes a pointer to Rule.Eval and Rule.Render. A Facts
// belongs to one goroutine at a time: Eval binds it (see below).
//
// The windowed functions absences(n), unexcused(n), absence_rate(n),
// contacts(n), home_teaching_sessions(n), home_teaching_hours(n) and
// home_teaching_sessions_of(n, h) are func-typed fields of an embedded
// struct. Eval binds them once per Facts value to closures that call f.W
// when it runs a rule on expr's VM (a rule compiled to Go closures calls
// f.W itself), so the engine only sets W. expr calls a func field of a
// known signature directly (no reflection, no argument slice), which
// BenchmarkWindowCall measured about 15% faster per rule than
// expr.Function with the environment patched in as an argument, and 3–4×
// faster than compiling against *Facts, where expr fetches fields by
// name. The bound fields are set by Eval: do not set them.
//
// Facts must not get exported methods: expr would expose them to rules.
type Facts struct {
	Student Student `expr:"student"`
	// AbsentStreak is the number of consecutive school days absent (any
	// absence status), counted back from the last school day on or before T.
	AbsentStreak int `expr:"absent_streak"`
	// UnexcusedStreak is the same, counting status absent only.
	UnexcusedStreak int `expr:"unexcused_streak"`
	// Today is T as YYYY-MM-DD.
	Today string `expr:"today"`
	// Month is T's month, 1–12.
	Month int `expr:"month"`
	// Campaign is the campaign of this run: "", "march", "may" or "september".
	Campaign string `expr:"campaign"`
	// Norms are the configured thresholds; the zero value is not useful
	// (set DefaultNorms() when there is no configuration).
	Norms Norms `expr:"norms"`
	// W answers the windowed functions; hidden from rules.
	W Windows `expr:"-"`

	windowFields
}

// windowFields are the windowed functions as rules see them. boundTo is the
// Facts the closures read W from; a copied Facts is bound afresh.
type windowFields struct {
	Absences             func(n int) int     `expr:"absences"`
	Unexcused            func(n int) int     `expr:"unexcused"`
	AbsenceRate          func(n int) float64 `expr:"absence_rate"`
	Contacts             func(n int) int     `expr:"contacts"`
	HomeTeachingSessions func(n int) int     `expr:"home_teaching_sessions"`
	HomeTeachingHours    func(n int) int     `expr:"home_teaching_hours"`
	// HomeTeachingSessionsOf has two int parameters, a signature expr
	// also calls directly.
	HomeTeachingSessionsOf func(n, minHours int) int `expr:"home_teaching_sessions_of"`

	boundTo *Facts
}

// bind points the windowed functions at f.W, read at call time, so the
// engine may swap W or its contents between evaluations without rebinding.
func (f *Facts) bind() {
	f.boundTo = f
	f.Absences = func(n int) int { return f.W.Absences(n) }
	f.Unexcused = func(n int) int { return f.W.Unexcused(n) }
	f.AbsenceRate = func(n int) float64 { return f.W.AbsenceRate(n) }
	f.Contacts = func(n int) int { return f.W.Contacts(n) }
	f.HomeTeachingSessions = func(n int) int { return f.W.HomeTeachingSessions(n) }
	f.HomeTeachingHours = func(n int) int { return f.W.HomeTeachingHours(n) }
	f.HomeTeachingSessionsOf = func(n, minHours int) int { return f.W.HomeTeachingSessionsOf(n, minHours) }
}

// MinWindow and MaxWindowLimit bound the literal window of a windowed call
// such as absences(14): a window is 1 to 366 calendar days.
const (
	MinWindow      = 1
	MaxWindowLimit = 366
)

// windowFuncs are the names of the windowed functions, in SPEC §5 order.
var windowFuncs = []string{"absences", "unexcused", "absence_rate", "contacts",
	"home_teaching_sessions", "home_teaching_hours", "home_teaching_sessions_of"}

// isWindowFunc reports whether name is a windowed function.
func isWindowFunc(name string) bool { return slices.Contains(windowFuncs, name) }

// windowArgs is the number of arguments of the windowed function name: the
// window, and for home_teaching_sessions_of the least class hours of a
// session, which may be any int expression such as a norm.
func windowArgs(name string) int {
	if name == "home_teaching_sessions_of" {
		return 2
	}
	return 1
}

// windowExample is a call of the windowed function name, for messages.
func windowExample(name string) string {
	if name == "home_teaching_sessions_of" {
		return name + "(7, 2)"
	}
	return name + "(14)"
}

// zeroWindows answers every windowed function with 0. It stands in for the
// engine when a message template is test-executed at load time.
type zeroWindows struct{}

func (zeroWindows) Absences(int) int             { return 0 }
func (zeroWindows) Unexcused(int) int            { return 0 }
func (zeroWindows) AbsenceRate(int) float64      { return 0 }
func (zeroWindows) Contacts(int) int             { return 0 }
func (zeroWindows) HomeTeachingSessions(int) int { return 0 }
func (zeroWindows) HomeTeachingHours(int) int    { return 0 }

func (zeroWindows) HomeTeachingSessionsOf(int, int) int { return 0 }
