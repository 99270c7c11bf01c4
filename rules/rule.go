package rules

import (
	"fmt"
	"slices"
	"time"

	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"

	"baoxue/i18n"
)

// Allowed values of the enumerated rule fields (SPEC §5), in documentation
// order; read-only tables.
var (
	severities = []string{"info", "low", "medium", "high", "critical"}
	recipients = []string{"homeroom", "pairing", "principal", "center"}
	taskKinds  = []string{"contact_guardian", "home_visit", "pairing", "counselling", "return_plan", "home_teaching", "verify"}
	assignees  = []string{"homeroom", "pairing", "principal"}
	campaigns  = []string{"march", "may", "september"}
)

// Severities returns the rule severities from least to most severe: info,
// low, medium, high, critical. The slice is a fresh copy.
func Severities() []string { return slices.Clone(severities) }

// Campaigns returns the campaign names in calendar order: march, may,
// september. The slice is a fresh copy.
func Campaigns() []string { return slices.Clone(campaigns) }

// IsCampaign reports whether name is one of Campaigns; "" is not.
func IsCampaign(name string) bool { return slices.Contains(campaigns, name) }

// SeverityRank orders severities: info 1, low 2, medium 3, high 4,
// critical 5; 0 for anything else.
func SeverityRank(severity string) int { return slices.Index(severities, severity) + 1 }

// Defaults of optional rule fields.
const (
	DefaultCooldown = 7 * 24 * time.Hour
	DefaultAssign   = "homeroom"
)

// DefaultNotify returns the recipients of a rule without `notify`: [homeroom].
func DefaultNotify() []string { return []string{"homeroom"} }

// Task is the follow-up task a rule creates when its alert opens.
// Kind is one of contact_guardian, home_visit, pairing, counselling,
// return_plan, home_teaching, verify; Assign one of homeroom, pairing,
// principal (default homeroom);
// Due, required and positive, is how long after the alert opens the task is due.
type Task struct {
	Kind, Assign string
	Due          time.Duration
}

// Rule is one compiled rule. Rules come from Load, Compile or Defaults; a Rule
// built by hand has no compiled program and Eval returns an error.
//
// Campaigns empty means the rule runs in every run (ordinary or campaign);
// Notify defaults to [homeroom], Cooldown to 7 days, Enabled to true; Task is
// nil when the rule creates none. Inhibits are the ids of the rules whose
// alerts for the same student this rule inhibits while it fires (SPEC §5),
// as written. File and Line are where the rule starts.
type Rule struct {
	ID, Name, Severity string
	When               string
	Campaigns          []string
	Notify             []string
	Cooldown           time.Duration
	Pair               bool
	Sensitive          bool
	Inhibits           []string
	Enabled            bool
	Task               *Task
	Message            string
	File               string
	Line               int

	// inhibitedBy are the ids of the rules that list this one in their
	// Inhibits, sorted; set by Compile.
	inhibitedBy []string

	program *vm.Program
	// fast is program as Go closures (closure.go), nil when the rule uses
	// something they do not compile; Eval runs it instead of the VM.
	fast    func(*Facts) bool
	tmpl    *messageTemplate // nil when Message is empty
	windows int              // largest window of a windowed call in When and Message
	// src, when and message place the errors of an evaluation in the file.
	src           *source
	when, message *yaml.Node
}

// Eval runs the compiled `when` on f. v is the caller's VM, reused across
// calls and never shared between goroutines (nil allocates a fresh one);
// its MemoryBudget, when 0, is expr's default, which the load-time budgets
// keep every rule under (SPEC §5). An error means the rule could not be
// evaluated on these facts (f.W missing, a panic in Windows, a division by
// zero); when the expression failed it is a *RunError placed at the failing
// token of `when` in the rule file, to which OnStudent adds the student.
//
// A rule whose `when` compiled to closures (closure.go) runs them and
// leaves v unused; when they fail, the VM runs the rule again, to fail as
// it does and say where.
func (r *Rule) Eval(v *vm.VM, f *Facts) (bool, error) {
	if r.program == nil {
		return false, i18n.Errorf("rules.run.not_compiled", r.ID)
	}
	if r.windows > 0 && f.W == nil {
		return false, i18n.Errorf("rules.run.no_windows", r.ID)
	}
	if r.fast != nil {
		if ok, done := r.evalFast(f); done {
			return ok, nil
		}
	}
	return r.evalVM(v, f)
}

// evalFast runs the closures of `when`; done is false when they panicked.
func (r *Rule) evalFast(f *Facts) (ok, done bool) {
	defer func() {
		if recover() != nil {
			ok, done = false, false
		}
	}()
	return r.fast(f), true
}

// evalVM runs the compiled program of `when` on expr's VM.
func (r *Rule) evalVM(v *vm.VM, f *Facts) (bool, error) {
	if r.windows > 0 && f.boundTo != f {
		f.bind()
	}
	if v == nil {
		v = &vm.VM{}
	}
	out, err := v.Run(r.program, f)
	if err != nil {
		return false, r.runError(err)
	}
	b, ok := out.(bool)
	if !ok {
		return false, i18n.Errorf("rules.run.not_bool", r.ID, fmt.Sprintf("%T", out))
	}
	return b, nil
}

// Render executes the rule's message template for f and returns the text,
// "" when the rule has no message. The template sees the names of `when`:
// `.student.name`, `.today`, `.absent_streak`, …, and the functions
// `absences 14`, `absence_rate 30`, …. A text longer than MaxMessageLength
// characters is cut to MaxMessageLength-1 and "…". A template that fails
// on f gives a *RunError placed in the rule file, as Eval's. A message
// compiled to parts (message_fast.go) is written from them; when they
// fail, the template runs, to fail as it does.
func (r *Rule) Render(f *Facts) (string, error) {
	if r.Message == "" {
		return "", nil
	}
	if r.tmpl == nil {
		return "", i18n.Errorf("rules.run.not_compiled", r.ID)
	}
	if f.W == nil && r.windows > 0 {
		return "", i18n.Errorf("rules.run.no_windows", r.ID)
	}
	text, err := r.tmpl.render(f)
	if err != nil {
		return "", r.renderError(err)
	}
	return text, nil
}

// RunsIn reports whether the rule runs in a run of the given campaign (""
// for the ordinary daily run): it is enabled, and its Campaigns is empty or
// lists campaign.
func (r *Rule) RunsIn(campaign string) bool {
	if !r.Enabled {
		return false
	}
	return len(r.Campaigns) == 0 || slices.Contains(r.Campaigns, campaign)
}

// InhibitedBy returns the ids of the rules of the set that inhibit this
// rule (list it in their `inhibits`), sorted; nil when none does. The
// slice is shared: do not change it.
func (r *Rule) InhibitedBy() []string { return r.inhibitedBy }

// Window returns the largest window, in days, of any windowed call in the
// rule's `when` and `message`, 0 when there is none.
func (r *Rule) Window() int { return r.windows }
