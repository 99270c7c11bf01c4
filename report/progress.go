package report

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"baoxue/i18n"
)

// Progress prints how far a long step has come, for a terminal, in the
// language of its printer (Chinese unless In says otherwise): after Start,
// "\rWHAT: N UNIT (R/s)" at most twice a second, and at Done
// "\rWHAT: N UNIT in 1.2s" and a newline when the step took half a second
// or more (a quicker step prints nothing). It is the engine.Progress and
// importer.Progress the commands pass; it knows the steps "eval" and
// "import" and the units "students" and "rows". A nil Progress, or one made
// for a nil writer, prints nothing. It is not safe for concurrent use.
type Progress struct {
	w           io.Writer
	p           *i18n.Printer
	what, unit  string
	start, last time.Time
	now         func() time.Time // time.Now; tests set a clock of their own
}

// NewProgress returns a Progress printing to w (a terminal), or printing
// nothing when w is nil.
func NewProgress(w io.Writer) *Progress {
	return &Progress{w: w, p: i18n.Default(), now: time.Now}
}

// In makes pr print in p's language (nil: Chinese) and returns pr.
func (pr *Progress) In(p *i18n.Printer) *Progress {
	if pr != nil {
		if p == nil {
			p = i18n.Default()
		}
		pr.p = p
	}
	return pr
}

// Start begins a step named what, counting unit: the clock of the rate
// starts now.
func (pr *Progress) Start(what, unit string) {
	if pr == nil {
		return
	}
	now := pr.now()
	pr.what, pr.unit, pr.start, pr.last = what, unit, now, now
}

// Set shows n UNIT done so far, unless a line was shown less than half a
// second ago.
func (pr *Progress) Set(n int) {
	if pr == nil || pr.w == nil {
		return
	}
	now := pr.now()
	if now.Sub(pr.last) < 500*time.Millisecond {
		return
	}
	pr.last = now
	rate := strconv.FormatFloat(float64(n)/now.Sub(pr.start).Seconds(), 'f', 0, 64)
	fmt.Fprintf(pr.w, "\r%s   ", pr.p.Sprintf("report.progress.set", pr.step(), pr.count(n), rate))
}

// Done shows the step's total n and how long it took, ending the line, when
// it took half a second or more.
func (pr *Progress) Done(n int) {
	if pr == nil || pr.w == nil {
		return
	}
	took := pr.now().Sub(pr.start)
	if took < 500*time.Millisecond {
		return
	}
	secs := strconv.FormatFloat(took.Seconds(), 'f', 1, 64)
	fmt.Fprintf(pr.w, "\r%s        \n", pr.p.Sprintf("report.progress.done", pr.step(), pr.count(n), secs))
}

// step names the step in the printer's language.
func (pr *Progress) step() string {
	switch pr.what {
	case "eval", "import":
		return pr.p.Sprintf("report.progress." + pr.what)
	}
	return pr.what
}

// count says n of the unit in the printer's language.
func (pr *Progress) count(n int) string {
	switch pr.unit {
	case "students", "rows":
		return pr.p.Sprintf("common."+pr.unit, n)
	}
	return strconv.Itoa(n) + " " + pr.unit
}
