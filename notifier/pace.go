package notifier

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer keeps each destination (a Pace key: a robot's URL, an app) within
// its messages a minute, and holds a destination that asked to be left
// alone (a rate-limit reply: WeCom 45009, DingTalk 130101, HTTP 429 with
// Retry-After) until the time it gave.
type pacer struct {
	mu   sync.Mutex
	keys map[string]*pace
}

type pace struct {
	lim  *rate.Limiter
	hold time.Time
}

func newPacer() *pacer { return &pacer{keys: map[string]*pace{}} }

func (p *pacer) get(key string) *pace {
	s := p.keys[key]
	if s == nil {
		s = &pace{}
		p.keys[key] = s
	}
	return s
}

// reserve takes the next slot of key at perMinute messages a minute (0: no
// limit) and returns how long to wait for it from now. The slots are
// spaced evenly (a burst of one), so that no minute, however it is
// placed, holds more than perMinute messages. Channels sharing a key share
// its slots, at the lowest rate any of them allows.
func (p *pacer) reserve(key string, perMinute int, now time.Time) time.Duration {
	if perMinute <= 0 {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.get(key)
	limit := rate.Every(time.Minute / time.Duration(perMinute))
	switch {
	case s.lim == nil:
		s.lim = rate.NewLimiter(limit, 1)
	case s.lim.Limit() > limit:
		s.lim.SetLimitAt(now, limit)
	}
	return s.lim.ReserveN(now, 1).DelayFrom(now)
}

// holdUntil keeps key from being sent to before t.
func (p *pacer) holdUntil(key string, t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.get(key); t.After(s.hold) {
		s.hold = t
	}
}

// held returns until when key is held, or the zero time when it is free
// at now.
func (p *pacer) held(key string, now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.keys[key]; s != nil && s.hold.After(now) {
		return s.hold
	}
	return time.Time{}
}
