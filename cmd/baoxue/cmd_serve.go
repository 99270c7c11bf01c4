package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"baoxue/civil"
	"baoxue/config"
	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/metrics"
	"baoxue/notifier"
	"baoxue/rules"
	"baoxue/scheduler"
	"baoxue/server"
	"baoxue/store"
)

// serveGrace bounds how long a stopping daemon waits for the job under way
// and the deliveries in flight, and for the HTTP requests being answered.
const serveGrace = 30 * time.Second

type serveFlags struct{ migrate, retire bool }

func (f *serveFlags) define(fs *flag.FlagSet) {
	fs.BoolVar(&f.migrate, "migrate", false, "serve.flag.migrate")
	fs.BoolVar(&f.retire, "retire", false, "serve.flag.retire")
}

// serveListening, set by tests, learns the address the HTTP server listens
// on (http.listen may ask for port 0).
var serveListening func(addr string)

// serveClock, set by tests, is the clock of the schedules and of /metrics'
// today; nil is the system's.
var serveClock scheduler.Clock

// serveEvaluating, set by tests, is called when an evaluation job has
// begun, before the engine runs: a test holds it there to stop the daemon
// with a run in progress.
var serveEvaluating func()

// cmdServe is the daemon (SPEC §8): the schedules, the dispatcher and the
// HTTP server's health checks, until ctx ends (SIGTERM, SIGINT).
func cmdServe(ctx context.Context, a *app, args []string) error {
	var f serveFlags
	fs := newFlags("serve", a.stderr)
	f.define(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return bad("serve.unexpected_arg", pos[0])
	}
	c, err := a.conf()
	if err != nil {
		return err
	}
	set, err := a.ruleSet()
	if err != nil {
		return err
	}
	use := readWrite
	if f.migrate {
		use = upgrade
	}
	st, err := a.store(ctx, use)
	if err != nil {
		return err
	}
	logger := serveLogger(a.stderr, a.terminal() != nil)
	host, _ := os.Hostname()
	name := host + " " + strconv.Itoa(os.Getpid())
	// On SQLite a second daemon is refused before it listens, so that it
	// says so rather than that the port is taken.
	if st.Dialect == store.SQLite {
		l, err := st.TakeLeader(ctx, name)
		if err != nil {
			return err
		}
		if l != nil {
			l.Release()
		}
	}
	retire, err := retireAtStart(ctx, st, set, f.retire)
	if err != nil {
		return err
	}
	d, err := newDaemon(ctx, a, c, st, set, logger)
	if err != nil {
		return err
	}
	if len(retire) > 0 {
		d.reload.consent(retire)
		list, total := engine.RetireList(retire, set)
		logger.Warn(a.p.Sprintf("serve.retire_consented", total, list))
	}
	stopReloads := d.startReloads(ctx)
	defer stopReloads()
	sched, err := scheduler.New(st, c, d.jobs(), scheduler.Options{Logger: logger, Printer: a.p, Name: name,
		Clock: serveClock, Observe: d.observeRun})
	if err != nil {
		return badInput{err}
	}
	d.newMetrics(sched)
	d.leading = sched.Leading
	srv, err := d.listen(c.HTTP)
	if err != nil {
		return err
	}
	logger.Info(a.p.Sprintf("serve.started", st.Location()))
	err = sched.Run(ctx)
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), serveGrace)
		srv.Shutdown(sctx)
		cancel()
	}
	if err != nil {
		return err
	}
	logger.Info(a.p.Sprintf("serve.stopped"))
	return nil
}

// serveLogger logs to w: JSON lines for a log collector, text when w is a
// terminal. BAOXUE_LOG=debug adds the debug lines.
func serveLogger(w io.Writer, terminal bool) *slog.Logger {
	opt := &slog.HandlerOptions{Level: slog.LevelInfo}
	if os.Getenv("BAOXUE_LOG") == "debug" {
		opt.Level = slog.LevelDebug
	}
	if terminal {
		return slog.New(slog.NewTextHandler(w, opt))
	}
	return slog.New(slog.NewJSONHandler(w, opt))
}

// daemon is what the jobs and the HTTP server of serve share.
type daemon struct {
	a     *app
	c     *config.Config
	st    *store.Store
	rules atomic.Pointer[rules.Set]
	disp  *notifier.Dispatcher
	log   *slog.Logger
	// metrics is /metrics; nil until newMetrics.
	metrics *metrics.Metrics
	// stop is the daemon's context: it ends when the daemon is asked to
	// stop; expired is closed serveGrace after.
	stop    context.Context
	expired chan struct{}
	drain   *drain

	// reload reloads the rules, and keeps with them the rules whose open
	// alerts the evaluations may retire (serve_reload.go).
	reload *reloader
	// api is the teacher API; its admin token check guards /-/reload.
	api *server.API
	// leading reports whether this daemon schedules (nil before the
	// scheduler exists).
	leading func() bool
}

// newDaemon builds the dispatcher as outbox flush does, its channels
// writing the log channel's lines to a.stdout, its digests in the
// installation's language.
func newDaemon(stop context.Context, a *app, c *config.Config, st *store.Store, set *rules.Set, logger *slog.Logger) (*daemon, error) {
	d := &daemon{a: a, c: c, st: st, log: logger, stop: stop, expired: make(chan struct{}), drain: newDrain()}
	d.rules.Store(set)
	object := "rules:" + c.Rules
	if c.Rules == "" {
		object = "rules:builtin"
	}
	d.reload = newReloader(d, func() (*rules.Set, error) { return loadRules(c) }, object)
	context.AfterFunc(stop, func() { time.AfterFunc(serveGrace, func() { close(d.expired) }) })
	chans, err := notifier.New(c.Notifier, notifier.Deps{Types: channelTypes(), Out: a.stdout, Logger: logger})
	if err != nil {
		return nil, err
	}
	for name, ch := range chans {
		chans[name] = drainChannel{Channel: ch, d: d.drain}
	}
	d.disp, err = notifier.NewDispatcher(st, c.Notifier, chans, notifier.Options{Printer: newPrinter(c.Lang),
		PublicURL: c.HTTP.PublicURL, Logger: logger})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// jobs are the scheduler's jobs. Home teaching and the campaigns have no
// work of their own yet; the scheduler records and logs their runs as not
// built.
func (d *daemon) jobs() map[scheduler.JobName]scheduler.Job {
	return map[scheduler.JobName]scheduler.Job{
		scheduler.Evaluate: d.evaluate,
		scheduler.Escalate: d.escalate,
		scheduler.Dispatch: d.dispatch,
	}
}

// escalate escalates the tasks overdue as of at without evaluating the
// rules (engine.Escalate; every evaluation escalates too, and no level is
// escalated twice); the digests it queues go out at once.
func (d *daemon) escalate(ctx context.Context, at civil.Day) error {
	ctx, cancel := d.graceful(ctx)
	defer cancel()
	res, err := engine.Escalate(ctx, d.st, engine.Options{At: at})
	if err != nil {
		return err
	}
	d.log.Info(d.a.p.Sprintf("serve.escalated", len(res.Escalations), res.Notified, len(res.Gaps)),
		"job", string(scheduler.Escalate), "run", res.RunID, "escalated", len(res.Escalations), "notified", res.Notified)
	if res.Notified > 0 {
		d.disp.Wake()
	}
	return nil
}

// evaluate is a writing evaluation as of at, as eval runs it; the digests
// it queues go out at once. It runs on the rules loaded when it starts,
// and retires the open alerts of the rules a reload (or serve --retire)
// was allowed to retire, no others.
func (d *daemon) evaluate(ctx context.Context, at civil.Day) error {
	ctx, cancel := d.graceful(ctx)
	defer cancel()
	if serveEvaluating != nil {
		serveEvaluating()
	}
	set, retire := d.ruleState()
	res, err := engine.Evaluate(ctx, d.st, set, engine.Options{
		At: at, PairingCap: d.c.Pairing.MaxPerTeacher, Norms: d.c.Norms(), RetireRules: retire, Zone: d.c.Location,
	})
	if errors.Is(err, engine.ErrRetire) {
		return i18n.Errorf("serve.evaluate_retire", err)
	}
	if errors.Is(err, engine.ErrNotReported) {
		// Attendance is imported later some evenings: the run waits for it
		// rather than failing the day.
		return scheduler.Wait(err)
	}
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		d.log.Warn(d.a.p.Text(w), "job", string(scheduler.Evaluate))
	}
	d.log.Info(d.a.p.Sprintf("serve.evaluated", strconv.FormatInt(res.RunID, 10), res.New, res.Notified),
		"job", string(scheduler.Evaluate), "run", res.RunID, "new", res.New, "notified", res.Notified)
	if d.metrics != nil {
		d.metrics.Refresh()
	}
	d.disp.Wake()
	return nil
}

// newMetrics builds /metrics over the daemon's database, dispatcher and
// sched, its HELP texts in the installation's language (lang:); the
// rules' last reload is the reloader's.
func (d *daemon) newMetrics(sched *scheduler.Scheduler) {
	var jobs, channels []string
	for _, j := range sched.Jobs() {
		jobs = append(jobs, string(j))
	}
	for _, ch := range d.c.Notifier.Channels {
		channels = append(channels, ch.Name)
	}
	now := time.Now
	if serveClock != nil {
		now = serveClock.Now
	}
	bi, _ := debug.ReadBuildInfo()
	f := readBuild(bi)
	if f.modified {
		f.revision += "-dirty"
	}
	d.metrics = metrics.New(metrics.Options{Store: d.st, Printer: newPrinter(d.c.Lang), LogPrinter: d.a.p, Logger: d.log,
		Location: d.c.Location, Now: now, Jobs: jobs, Channels: channels,
		Notifier: d.disp.Metrics().Snapshot, Leading: sched.Leading,
		Reload: func() (bool, time.Time) {
			rs := d.reloadStatus()
			return rs.Success, rs.LoadedAt
		},
		Build: metrics.Build{Version: f.version, Revision: f.revision, GoVersion: f.goVersion}})
}

// observeRun counts a run the scheduler ran (scheduler.Options.Observe).
func (d *daemon) observeRun(job scheduler.JobName, status string, took time.Duration) {
	if d.metrics != nil {
		d.metrics.ObserveRun(string(job), status, took)
	}
}

// dispatch runs the dispatcher. When the daemon stops, the deliveries in
// flight finish (within serveGrace) and no other starts.
func (d *daemon) dispatch(ctx context.Context, _ civil.Day) error {
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	go func() {
		select {
		case <-dctx.Done():
			return
		case <-ctx.Done():
		}
		d.drain.stop()
		select {
		case <-d.drain.idle:
		case <-d.expired:
		}
		cancel()
	}()
	return d.disp.Run(dctx)
}

// graceful returns the context a job runs in: it ends with ctx when the
// scheduler stops the job for another reason than the daemon stopping (the
// lock lost), and serveGrace after the daemon is asked to stop.
func (d *daemon) graceful(ctx context.Context) (context.Context, context.CancelFunc) {
	jctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		select {
		case <-jctx.Done():
			return
		case <-ctx.Done():
		}
		if d.stop.Err() != nil {
			select {
			case <-jctx.Done():
			case <-d.expired:
			}
		}
		cancel()
	}()
	return jctx, cancel
}

// listen starts the HTTP server on h.Listen: /healthz, /readyz,
// /metrics, /-/reload and the teacher API under /api/v1/; HTTPS with
// http.tls_cert and http.tls_key, whose key pair is read before it
// listens. It warns when plain HTTP is reachable beyond this machine.
func (d *daemon) listen(h config.HTTP) (*http.Server, error) {
	if h.Listen == "" {
		return nil, nil
	}
	var cert *certificate
	if h.TLSCert != "" {
		var err error
		if cert, err = loadCertificate(d.c, d.log, d.a.p); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", h.Listen)
	if err != nil {
		return nil, i18n.Errorf("serve.listen", h.Listen, err)
	}
	if exposed(h) {
		d.log.Warn(d.a.p.Sprintf("serve.not_loopback", h.Listen))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", d.readyz)
	d.api = d.newAPI()
	mux.Handle(server.Prefix, d.api)
	mux.Handle("POST /-/reload", serveAdmin(d)(http.HandlerFunc(d.reloadHTTP)))
	if d.metrics != nil {
		mux.Handle("GET /metrics", d.metrics.Handler())
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(d.log.Handler(), slog.LevelWarn)}
	listening := "serve.listening"
	if cert != nil {
		srv.TLSConfig = cert.tlsConfig()
		listening = "serve.listening_tls"
	}
	go func() {
		var err error
		if cert != nil {
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error(d.a.p.Sprintf("serve.http_failed", err))
		}
	}()
	d.log.Info(d.a.p.Sprintf(listening, ln.Addr().String()))
	if serveListening != nil {
		serveListening(ln.Addr().String())
	}
	return srv, nil
}

// readyz answers 200 when the database answers and rules are loaded, 503
// with the reason otherwise.
func (d *daemon) readyz(w http.ResponseWriter, r *http.Request) {
	reason := ""
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if d.rules.Load() == nil {
		reason = d.a.p.Sprintf("serve.not_ready.rules")
	} else if _, err := d.st.SchemaVersion(ctx); err != nil {
		reason = d.a.p.Sprintf("serve.not_ready.database", render(d.a.p, err))
	} else if known, err := d.leaderKnown(ctx); err != nil {
		reason = d.a.p.Sprintf("serve.not_ready.database", render(d.a.p, err))
	} else if !known {
		reason = d.a.p.Sprintf("serve.not_ready.leader")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if reason != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]any{"ready": false, "reason": reason})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"ready": true})
}

// leaderKnown reports whether some daemon schedules: this one, or, on
// PostgreSQL, another holding the scheduler's lock. A replica that has
// just started, or that lost the lock while no other took it, is not
// ready: nobody would run the evening's evaluation.
func (d *daemon) leaderKnown(ctx context.Context) (bool, error) {
	if d.leading != nil && d.leading() {
		return true, nil
	}
	return d.st.LeaderHeld(ctx)
}

// loopback reports whether the host of addr is a loopback address or
// localhost (an empty host listens everywhere).
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// drain lets the deliveries in flight finish when the daemon stops, and
// holds back those that would start after: they wait for the dispatcher's
// context to end, and the dispatcher gives their rows back.
type drain struct {
	mu       sync.Mutex
	stopping bool
	inflight int
	once     sync.Once
	// idle is closed once stopping and nothing is in flight.
	idle chan struct{}
}

func newDrain() *drain { return &drain{idle: make(chan struct{})} }

func (d *drain) enter() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopping {
		return false
	}
	d.inflight++
	return true
}

func (d *drain) leave() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inflight--
	if d.stopping && d.inflight == 0 {
		d.once.Do(func() { close(d.idle) })
	}
}

func (d *drain) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopping = true
	if d.inflight == 0 {
		d.once.Do(func() { close(d.idle) })
	}
}

// drainChannel is a channel whose sends drain counts.
type drainChannel struct {
	notifier.Channel
	d *drain
}

func (c drainChannel) Notify(ctx context.Context, m *notifier.Message) error {
	if !c.d.enter() {
		<-ctx.Done()
		return ctx.Err()
	}
	defer c.d.leave()
	return c.Channel.Notify(ctx, m)
}
