package metrics

import (
	"maps"
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"baoxue/i18n"
	"baoxue/notifier"
	"baoxue/store"
)

// notifierCollector exposes the dispatcher's own counters and histograms
// (notifier.Metrics) as they are at each scrape: they are the one set the
// dispatcher keeps; this only renames them for Prometheus.
type notifierCollector struct {
	snapshot               func() notifier.MetricsSnapshot
	channels               []string
	notifications, retries *prometheus.Desc
	latency, duration      *prometheus.Desc
}

func newNotifierCollector(p *i18n.Printer, snapshot func() notifier.MetricsSnapshot, channels []string) *notifierCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, p.Sprintf(help), labels, nil)
	}
	return &notifierCollector{snapshot: snapshot, channels: channels,
		notifications: d("baoxue_notifier_notifications_total", "metrics.help.notifier_notifications", "channel", "state"),
		retries:       d("baoxue_notifier_retries_total", "metrics.help.notifier_retries", "channel"),
		latency:       d("baoxue_notifier_delivery_latency_seconds", "metrics.help.notifier_latency", "channel"),
		duration:      d("baoxue_notifier_call_duration_seconds", "metrics.help.notifier_call", "channel"),
	}
}

func (c *notifierCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.notifications
	ch <- c.retries
	ch <- c.latency
	ch <- c.duration
}

func (c *notifierCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.snapshot()
	// Every configured channel from 0, and any other the dispatcher used.
	names := map[string]bool{}
	for _, n := range c.channels {
		names[n] = true
	}
	for _, m := range []map[string]int64{s.Sent, s.Failed, s.Undeliverable, s.Retried} {
		for n := range m {
			names[n] = true
		}
	}
	for n := range maps.Keys(s.Latency) {
		names[n] = true
	}
	for n := range maps.Keys(s.Duration) {
		names[n] = true
	}
	for _, n := range slices.Sorted(maps.Keys(names)) {
		counter := func(d *prometheus.Desc, v int64, labels ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
		}
		counter(c.notifications, s.Sent[n], n, store.OutboxSent)
		counter(c.notifications, s.Failed[n], n, store.OutboxFailed)
		counter(c.notifications, s.Undeliverable[n], n, store.OutboxUndeliverable)
		counter(c.retries, s.Retried[n], n)
		ch <- histogram(c.latency, s.Latency[n], notifier.LatencyBounds, n)
		ch <- histogram(c.duration, s.Duration[n], notifier.DurationBounds, n)
	}
}

// histogram is h as a Prometheus histogram; an empty h (a channel that
// has sent nothing yet) has bounds's buckets, all 0.
func histogram(d *prometheus.Desc, h notifier.Histogram, bounds []float64, label string) prometheus.Metric {
	buckets := make(map[float64]uint64, len(bounds))
	for i, b := range bounds {
		buckets[b] = 0
		if i < len(h.Counts) {
			buckets[b] = h.Counts[i] // already cumulative: observations <= b
		}
	}
	return prometheus.MustNewConstHistogram(d, h.Count, h.Sum, buckets, label)
}
