package metrics

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"baoxue/civil"
	"baoxue/store"
)

// dbCollector exposes what the database holds. The counts are read when
// Prometheus scrapes, at most once per TTL (several scrapers, several
// replicas: a few cheap aggregate queries a minute, BENCHMARKS.md), and
// reused in between; a scrape waits for a read under way rather than
// starting another.
type dbCollector struct {
	opt   Options
	log   *slog.Logger
	stale atomic.Bool // set by Refresh

	mu      sync.Mutex
	readAt  time.Time     // when the last read ended; zero: never read
	counts  *dbCounts     // what it read; nil when it failed
	took    time.Duration // how long it took
	errors  int           // reads that failed since start
	failing bool          // the last read failed (logged once)

	alertsOpen, tasksOpen, tasksOverdue, outbox                             *prometheus.Desc
	lastStudents, lastOpened, lastResolved, lastRetired, lastTime, lastDone *prometheus.Desc
	up, errorsTotal, readSeconds                                            *prometheus.Desc
}

// dbCounts are the counts of one read.
type dbCounts struct {
	alerts                  []store.AlertCount
	tasksOpen, tasksOverdue int
	outbox                  []store.OutboxCount
	lastRun                 *store.Run        // nil: no run yet
	lastDone                map[string]string // job -> when its latest done run finished
}

func newDBCollector(opt Options, log *slog.Logger) *dbCollector {
	p := opt.Printer
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, p.Sprintf(help), labels, nil)
	}
	return &dbCollector{opt: opt, log: log,
		alertsOpen:   d("baoxue_alerts_open", "metrics.help.alerts_open", "rule", "severity"),
		tasksOpen:    d("baoxue_tasks_open", "metrics.help.tasks_open"),
		tasksOverdue: d("baoxue_tasks_overdue", "metrics.help.tasks_overdue"),
		outbox:       d("baoxue_outbox_notifications", "metrics.help.outbox", "channel", "state"),
		lastStudents: d("baoxue_last_evaluation_students", "metrics.help.last_students"),
		lastOpened:   d("baoxue_last_evaluation_alerts_opened", "metrics.help.last_opened"),
		lastResolved: d("baoxue_last_evaluation_alerts_resolved", "metrics.help.last_resolved"),
		lastRetired:  d("baoxue_last_evaluation_alerts_retired", "metrics.help.last_retired"),
		lastTime:     d("baoxue_last_evaluation_timestamp_seconds", "metrics.help.last_time"),
		lastDone:     d("baoxue_job_last_success_timestamp_seconds", "metrics.help.job_last_success", "job"),
		up:           d("baoxue_metrics_store_up", "metrics.help.store_up"),
		errorsTotal:  d("baoxue_metrics_store_errors_total", "metrics.help.store_errors"),
		readSeconds:  d("baoxue_metrics_store_read_duration_seconds", "metrics.help.store_read"),
	}
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.alertsOpen, c.tasksOpen, c.tasksOverdue, c.outbox, c.lastStudents,
		c.lastOpened, c.lastResolved, c.lastRetired, c.lastTime, c.lastDone, c.up, c.errorsTotal, c.readSeconds} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stale.Swap(false) || c.readAt.IsZero() || time.Since(c.readAt) >= c.opt.TTL {
		c.refresh()
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(c.up, flag(c.counts != nil))
	ch <- prometheus.MustNewConstMetric(c.errorsTotal, prometheus.CounterValue, float64(c.errors))
	gauge(c.readSeconds, c.took.Seconds())
	k := c.counts
	if k == nil {
		return
	}
	for _, a := range k.alerts {
		gauge(c.alertsOpen, float64(a.N), a.Rule, a.Severity)
	}
	gauge(c.tasksOpen, float64(k.tasksOpen))
	gauge(c.tasksOverdue, float64(k.tasksOverdue))
	for _, o := range outboxSeries(k.outbox, c.opt.Channels) {
		gauge(c.outbox, float64(o.N), o.Channel, o.Status)
	}
	if r := k.lastRun; r != nil {
		gauge(c.lastStudents, float64(r.Students))
		gauge(c.lastOpened, float64(r.AlertsNew))
		gauge(c.lastResolved, float64(r.AlertsResolved))
		gauge(c.lastRetired, float64(r.AlertsRetired))
		at := r.StartedAt
		if r.FinishedAt.Valid {
			at = r.FinishedAt.String
		}
		if t, err := store.ParseTime(at); err == nil {
			gauge(c.lastTime, seconds(t))
		}
	}
	for job, at := range k.lastDone {
		if t, err := store.ParseTime(at); err == nil {
			gauge(c.lastDone, seconds(t), job)
		}
	}
}

// refresh reads the counts again; a failure leaves none, counted and
// logged when it starts and when it ends.
func (c *dbCollector) refresh() {
	begun := time.Now()
	k, err := c.read()
	c.readAt = time.Now()
	c.took = c.readAt.Sub(begun)
	p := c.opt.LogPrinter
	if err != nil {
		c.counts = nil
		c.errors++
		if !c.failing {
			c.log.Warn(p.Sprintf("metrics.store_failed", p.Error(err)))
		}
		c.failing = true
		return
	}
	if c.failing {
		c.log.Info(p.Sprintf("metrics.store_recovered"))
	}
	c.failing = false
	c.counts = k
}

// read runs the queries, within the timeout.
func (c *dbCollector) read() (*dbCounts, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.opt.Timeout)
	defer cancel()
	st := c.opt.Store
	var k dbCounts
	var err error
	if k.alerts, err = st.OpenAlertsBySeverity(ctx); err != nil {
		return nil, err
	}
	today := civil.DayOf(c.opt.Now().In(c.opt.Location)).String()
	if k.tasksOpen, k.tasksOverdue, err = st.TaskCounts(ctx, today); err != nil {
		return nil, err
	}
	if k.outbox, err = st.OutboxCounts(ctx); err != nil {
		return nil, err
	}
	err = st.StreamRuns(ctx, 1, func(r *store.Run) error {
		run := *r
		k.lastRun = &run
		return nil
	})
	if err != nil {
		return nil, err
	}
	if k.lastDone, err = st.LastJobsDone(ctx); err != nil {
		return nil, err
	}
	return &k, nil
}

// outboxSeries are the outbox's counts (in no order: the registry sorts)
// with a 0 for every status of every
// configured channel that has none, so that a channel's first failure
// shows as a change rather than a new series.
func outboxSeries(counts []store.OutboxCount, channels []string) []store.OutboxCount {
	type key struct{ ch, status string }
	n := map[key]int{}
	for _, ch := range channels {
		for _, s := range store.OutboxStatuses() {
			n[key{ch, s}] = 0
		}
	}
	for _, c := range counts {
		n[key{c.Channel, c.Status}] += c.N
	}
	out := make([]store.OutboxCount, 0, len(n))
	for k, v := range n {
		out = append(out, store.OutboxCount{Channel: k.ch, Status: k.status, N: v})
	}
	return out
}
