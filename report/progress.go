package report

import (
	"fmt"
	"io"
	"time"
)

// Progress prints how far a long step has come, for a terminal: after
// Start, "\rWHAT: N UNIT (R/s)" at most twice a second, and at Done
// "\rWHAT: N UNIT in 1.2s" and a newline when the step took half a second
// or more (a quicker step prints nothing). It is the engine.Progress and
// importer.Progress the commands pass. A nil Progress, or one made for a nil
// writer, prints nothing. It is not safe for concurrent use.
type Progress struct {
	w           io.Writer
	what, unit  string
	start, last time.Time
	now         func() time.Time // time.Now; tests set a clock of their own
}

// NewProgress returns a Progress printing to w (a terminal), or printing
// nothing when w is nil.
func NewProgress(w io.Writer) *Progress {
	return &Progress{w: w, now: time.Now}
}

// Start begins a step named what, counting unit: the clock of the rate
// starts now.
func (p *Progress) Start(what, unit string) {
	if p == nil {
		return
	}
	now := p.now()
	p.what, p.unit, p.start, p.last = what, unit, now, now
}

// Set shows n UNIT done so far, unless a line was shown less than half a
// second ago.
func (p *Progress) Set(n int) {
	if p == nil || p.w == nil {
		return
	}
	now := p.now()
	if now.Sub(p.last) < 500*time.Millisecond {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "\r%s: %d %s (%.0f/s)   ", p.what, n, p.unit, float64(n)/now.Sub(p.start).Seconds())
}

// Done shows the step's total n and how long it took, ending the line, when
// it took half a second or more.
func (p *Progress) Done(n int) {
	if p == nil || p.w == nil {
		return
	}
	took := p.now().Sub(p.start)
	if took < 500*time.Millisecond {
		return
	}
	fmt.Fprintf(p.w, "\r%s: %d %s in %.1fs        \n", p.what, n, p.unit, took.Seconds())
}
