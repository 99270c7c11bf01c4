package rules

import "slices"

// Student is the `student` object of the evaluation environment (SPEC §5).
// The expr tags are the names rules use (`student.left_behind`); the same
// names reach message templates (`{{.student.left_behind}}`).
//
// Student must not get exported methods: expr exposes every exported method
// of the environment to rules, and the rule language is a contract.
type Student struct {
	ID       string `expr:"id"`
	Name     string `expr:"name"`
	Gender   string `expr:"gender"`
	School   string `expr:"school"`
	Class    string `expr:"class"`
	Township string `expr:"township"`
	Village  string `expr:"village"`
	Status   string `expr:"status"`
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
	// DisabilityType is 残疾人类型 as imported, or "".
	DisabilityType string `expr:"disability_type"`
	// DisabilityLevel is 0 (none) or 1–4 (1 most severe).
	DisabilityLevel int `expr:"disability_level"`
	// Poverty is "none", "former_registered", "marginal" or "monitored".
	Poverty string `expr:"poverty"`

	HasPairingTeacher bool `expr:"has_pairing_teacher"`
	// DaysSinceReturn is the number of days since returned_at, -1 when the
	// student never dropped out.
	DaysSinceReturn int `expr:"days_since_return"`
}

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
}

// Facts is the typed expr environment of a rule (SPEC §5). The engine fills
// Student, the streaks, Today, Month, Campaign and W before each evaluation
// and passes a pointer to Rule.Eval and Rule.Render. A Facts belongs to one
// goroutine at a time: Eval binds it (see below).
//
// The windowed functions absences(n), unexcused(n), absence_rate(n),
// contacts(n), home_teaching_sessions(n) and home_teaching_hours(n) are
// func-typed fields of an embedded struct. Eval binds them once per Facts
// value to closures that call f.W, so the engine only sets W. expr calls a
// func field of a known signature directly (no reflection, no argument
// slice), which BenchmarkWindowCall measured about 15% faster per rule than
// expr.Function with the environment patched in as an argument, and
// 3–4× faster than compiling against *Facts, where expr fetches fields by
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
}

// MinWindow and MaxWindowLimit bound the literal window of a windowed call
// such as absences(14): a window is 1 to 366 calendar days.
const (
	MinWindow      = 1
	MaxWindowLimit = 366
)

// windowFuncs are the names of the windowed functions, in SPEC §5 order.
var windowFuncs = []string{"absences", "unexcused", "absence_rate", "contacts",
	"home_teaching_sessions", "home_teaching_hours"}

// isWindowFunc reports whether name is a windowed function.
func isWindowFunc(name string) bool { return slices.Contains(windowFuncs, name) }

// zeroWindows answers every windowed function with 0. It stands in for the
// engine when a message template is test-executed at load time.
type zeroWindows struct{}

func (zeroWindows) Absences(int) int             { return 0 }
func (zeroWindows) Unexcused(int) int            { return 0 }
func (zeroWindows) AbsenceRate(int) float64      { return 0 }
func (zeroWindows) Contacts(int) int             { return 0 }
func (zeroWindows) HomeTeachingSessions(int) int { return 0 }
func (zeroWindows) HomeTeachingHours(int) int    { return 0 }
