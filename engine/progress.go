package engine

import (
	"fmt"
	"io"
	"time"
)

// progress prints "\rWHAT: N UNIT (R/s)" at most twice a second to a terminal.
type progress struct {
	w          io.Writer
	what, unit string
	start      time.Time
	last       time.Time
}

func newProgress(w io.Writer, what, unit string) *progress {
	now := time.Now()
	return &progress{w: w, what: what, unit: unit, start: now, last: now}
}

func (p *progress) set(n int) {
	if p.w == nil {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 500*time.Millisecond {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "\r%s: %d %s (%.0f/s)   ", p.what, n, p.unit, float64(n)/now.Sub(p.start).Seconds())
}

func (p *progress) done(n int) {
	if p.w == nil || time.Since(p.start) < 500*time.Millisecond {
		return
	}
	fmt.Fprintf(p.w, "\r%s: %d %s in %.1fs        \n", p.what, n, p.unit, time.Since(p.start).Seconds())
}
