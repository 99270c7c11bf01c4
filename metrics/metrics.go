package metrics

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"baoxue/i18n"
	"baoxue/notifier"
	"baoxue/store"
)

// Options are what the metrics read. Store is required; every other field
// has a default.
type Options struct {
	// Store is the database whose alerts, tasks, outbox, runs and job runs
	// are counted.
	Store *store.Store
	// Printer renders the HELP texts: the installation's language. Default
	// Chinese.
	Printer *i18n.Printer
	// LogPrinter renders the log lines (and the errors in them, with their
	// secrets redacted). Default Printer.
	LogPrinter *i18n.Printer
	// Logger receives a line when reading the database starts failing and
	// when it works again. Default slog.Default().
	Logger *slog.Logger
	// Location is the zone in which today is judged (overdue tasks).
	// Default UTC.
	Location *time.Location
	// Now tells the time. Default time.Now.
	Now func() time.Time
	// Jobs are the scheduled jobs, and Channels the configured notification
	// channels: their counters are exposed from 0, before anything happens,
	// so that the first failure shows as an increase.
	Jobs, Channels []string
	// Notifier returns the dispatcher's counters. Default none.
	Notifier func() notifier.MetricsSnapshot
	// Leading reports whether this process schedules the jobs (it holds
	// the scheduler lock). Default false.
	Leading func() bool
	// Reload returns whether the latest load of the rules succeeded, and
	// when the latest successful one happened. Default: success, at New.
	Reload func() (ok bool, at time.Time)
	// Build names this build.
	Build Build
	// TTL is how long the database's counts are reused between scrapes;
	// default 30 seconds. Timeout bounds one read of them; default 5
	// seconds.
	TTL, Timeout time.Duration
}

// Build is what baoxue_build_info says of the build.
type Build struct {
	Version, Revision, GoVersion string
}

func (o *Options) defaults() {
	if o.Printer == nil {
		o.Printer = i18n.Default()
	}
	if o.LogPrinter == nil {
		o.LogPrinter = o.Printer
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Reload == nil {
		start := o.Now()
		o.Reload = func() (bool, time.Time) { return true, start }
	}
	if o.TTL <= 0 {
		o.TTL = 30 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
}

// RunBuckets are the upper bounds, in seconds, of the buckets of a job
// run's duration: an evaluation takes about a second for a county and
// half a minute for a city of a million students (BENCHMARKS.md).
var RunBuckets = []float64{0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600}

// Metrics is the daemon's registry. Build it with New; serve Handler.
type Metrics struct {
	reg         *prometheus.Registry
	runs        *prometheus.CounterVec
	runDuration *prometheus.HistogramVec
	db          *dbCollector
	log         *slog.Logger
	logp        *i18n.Printer
}

// New builds the registry of opt's sources.
func New(opt Options) *Metrics {
	opt.defaults()
	p := opt.Printer
	m := &Metrics{reg: prometheus.NewRegistry(), log: opt.Logger.With("component", "metrics"), logp: opt.LogPrinter}
	m.runs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "baoxue_job_runs_total",
		Help: p.Sprintf("metrics.help.job_runs")}, []string{"job", "status"})
	m.runDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "baoxue_job_run_duration_seconds",
		Help: p.Sprintf("metrics.help.job_run_duration"), Buckets: RunBuckets}, []string{"job"})
	for _, j := range opt.Jobs {
		for _, s := range []string{store.JobDone, store.JobFailed} {
			m.runs.WithLabelValues(j, s)
		}
		m.runDuration.WithLabelValues(j)
	}
	leading := opt.Leading
	if leading == nil {
		leading = func() bool { return false }
	}
	m.db = newDBCollector(opt, m.log)
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "baoxue_build_info", Help: p.Sprintf("metrics.help.build_info"),
			ConstLabels: prometheus.Labels{"version": opt.Build.Version, "revision": opt.Build.Revision, "goversion": opt.Build.GoVersion}},
			func() float64 { return 1 }),
		m.runs, m.runDuration,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "baoxue_leader", Help: p.Sprintf("metrics.help.leader")},
			func() float64 { return flag(leading()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "baoxue_rules_last_reload_success", Help: p.Sprintf("metrics.help.reload_success")},
			func() float64 { ok, _ := opt.Reload(); return flag(ok) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "baoxue_rules_last_reload_success_timestamp_seconds", Help: p.Sprintf("metrics.help.reload_time")},
			func() float64 { _, at := opt.Reload(); return seconds(at) }),
		m.db,
	)
	if opt.Notifier != nil {
		m.reg.MustRegister(newNotifierCollector(p, opt.Notifier, opt.Channels))
	}
	return m
}

// ObserveRun counts a run of job that ended with status (store.JobDone,
// JobFailed, JobNotBuilt) after took; the duration of a job not built is
// not observed. It is scheduler.Options.Observe's.
func (m *Metrics) ObserveRun(job, status string, took time.Duration) {
	m.runs.WithLabelValues(job, status).Inc()
	if status != store.JobNotBuilt {
		m.runDuration.WithLabelValues(job).Observe(took.Seconds())
	}
}

// Refresh makes the next scrape read the database's counts again, however
// recent the last read: a run has just changed them.
func (m *Metrics) Refresh() { m.db.stale.Store(true) }

// Handler serves the registry in Prometheus's exposition formats. An
// error of one metric is logged and the others are served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      errorLog{m},
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.reg,
	})
}

// Registry is the registry, for tests that gather it directly.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// errorLog is promhttp's error log on slog, in the catalog's words.
type errorLog struct{ m *Metrics }

func (e errorLog) Println(v ...any) {
	e.m.log.Warn(e.m.logp.Sprintf("metrics.gather_failed", fmt.Sprint(v...)))
}

func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// seconds is t as Unix seconds; 0 for the zero time.
func seconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}
