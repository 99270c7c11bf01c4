package notifier

import (
	"maps"
	"slices"
	"sync"
	"time"
)

// Metrics counts what a Dispatcher did, by channel, for the daemon's
// /metrics (package metrics exposes them). It is safe for concurrent use;
// Snapshot reads it. What the outbox holds, by channel and status, is the
// database's to count (store.OutboxCounts), not the dispatcher's.
type Metrics struct {
	mu                                   sync.Mutex
	sent, failed, retried, undeliverable map[string]int64
	latency, duration                    map[string]*Histogram
}

// LatencyBounds are the upper bounds, in seconds, of the buckets of
// delivery latency (queued to sent); DurationBounds those of one delivery
// call.
var (
	LatencyBounds  = []float64{1, 5, 30, 60, 300, 1800, 3600, 21600}
	DurationBounds = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
)

// Histogram counts observations, in seconds, as a Prometheus histogram
// does: Counts[i] is how many were at most Bounds[i]; Count all of them,
// Sum their total.
type Histogram struct {
	Bounds []float64
	Counts []uint64
	Count  uint64
	Sum    float64
}

func (h *Histogram) observe(d time.Duration) {
	s := d.Seconds()
	for i, b := range h.Bounds {
		if s <= b {
			h.Counts[i]++
		}
	}
	h.Count++
	h.Sum += s
}

func (h *Histogram) clone() Histogram {
	return Histogram{Bounds: h.Bounds, Counts: slices.Clone(h.Counts), Count: h.Count, Sum: h.Sum}
}

// MetricsSnapshot is the Metrics at one moment. Maps are by channel name.
type MetricsSnapshot struct {
	// Sent, Failed and Undeliverable count rows that ended so; Retried
	// counts failed attempts that were scheduled again.
	Sent, Failed, Retried, Undeliverable map[string]int64
	// Latency is from queued to sent; Duration is one delivery call, sent
	// or not.
	Latency, Duration map[string]Histogram
}

func newMetrics() *Metrics {
	return &Metrics{sent: map[string]int64{}, failed: map[string]int64{}, retried: map[string]int64{},
		undeliverable: map[string]int64{}, latency: map[string]*Histogram{},
		duration: map[string]*Histogram{}}
}

// Snapshot returns a copy of the counts.
func (m *Metrics) Snapshot() MetricsSnapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := MetricsSnapshot{Sent: maps.Clone(m.sent), Failed: maps.Clone(m.failed), Retried: maps.Clone(m.retried),
		Undeliverable: maps.Clone(m.undeliverable), Latency: map[string]Histogram{}, Duration: map[string]Histogram{}}
	for ch, h := range m.latency {
		s.Latency[ch] = h.clone()
	}
	for ch, h := range m.duration {
		s.Duration[ch] = h.clone()
	}
	return s
}

func (m *Metrics) count(status, channel string, retried bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case retried:
		m.retried[channel]++
	case status == "sent":
		m.sent[channel]++
	case status == "failed":
		m.failed[channel]++
	case status == "undeliverable":
		m.undeliverable[channel]++
	}
}

func (m *Metrics) observe(channel string, latency, call time.Duration, sent bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	hist := func(hs map[string]*Histogram, bounds []float64) *Histogram {
		h := hs[channel]
		if h == nil {
			h = &Histogram{Bounds: bounds, Counts: make([]uint64, len(bounds))}
			hs[channel] = h
		}
		return h
	}
	hist(m.duration, DurationBounds).observe(call)
	if sent {
		hist(m.latency, LatencyBounds).observe(latency)
	}
}
