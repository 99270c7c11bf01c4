package main

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/inputerr"
	"baoxue/rules"
	"baoxue/server"
	"baoxue/store"
)

// Reloading the rules (SPEC §8). The daemon reloads its rules on SIGHUP, on
// a change of a rule file and on POST /-/reload. A reload loads the rules
// from where serve loaded them, as `rules check` does; rules that do not
// compile are refused and the old ones keep running. Rules that would
// retire open alerts are refused too unless the reload consents (only
// POST /-/reload?retire=1 can), and the daemon's evaluations then retire
// the alerts of those rules only. A good reload swaps the rules at once: a
// run under way keeps the rules it started with.

// reloadDebounce is how long the rule files must stay unchanged before a
// change reloads them, so that an editor's burst of writes is one reload.
var reloadDebounce = time.Second

// reloadTimeout bounds the database work of one reload.
const reloadTimeout = time.Minute

// serveHangup subscribes to the signal that asks for a reload (SIGHUP);
// stop unsubscribes. Tests replace it.
var serveHangup = func() (c <-chan os.Signal, stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	return ch, func() { signal.Stop(ch) }
}

// serveAdmin returns what wraps the handlers only an admin may call
// (POST /-/reload): the teacher API's admin token check, which answers 401
// or 403 itself and names the caller for the audit. Tests replace it.
var serveAdmin = func(d *daemon) func(http.Handler) http.Handler { return d.api.RequireAdmin }

// callerKey is the request context's key of the caller withCaller names.
type callerKey struct{}

// withCaller returns r naming its caller who ("admin:ID") for the audit:
// what the admin check knows of the token.
func withCaller(r *http.Request, who string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), callerKey{}, who))
}

// callerOf names r's caller for the audit: as withCaller named it, else by
// the address it came from.
func callerOf(r *http.Request) string {
	if who, ok := server.ActorOf(r.Context()); ok {
		return who
	}
	if who, ok := r.Context().Value(callerKey{}).(string); ok && who != "" {
		return who
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "http:" + host
}

// reloadTrigger says what asked for a reload.
type reloadTrigger string

const (
	bySignal reloadTrigger = "signal"
	byFile   reloadTrigger = "file"
	byHTTP   reloadTrigger = "http"
)

// said is the trigger as a person reads it in a log line.
func (t reloadTrigger) said() i18n.Message { return i18n.M("serve.reload.by." + string(t)) }

// reloadRequest is one reload asked for: by what and by whom (the audit's
// actor), and whether it consents to retiring open alerts.
type reloadRequest struct {
	trigger reloadTrigger
	actor   string
	retire  bool
}

// The outcomes of a reload, the status of POST /-/reload's answer.
const (
	reloadLoaded  = "loaded"         // the new rules run
	reloadInvalid = "invalid"        // they do not compile
	reloadRefused = "retire_refused" // they would retire open alerts, unasked
	reloadFailed  = "failed"         // the database did not answer
)

// reloadResult is what one reload did.
type reloadResult struct {
	status string
	set    *rules.Set
	// changed: the new rules' checksum differs from the old one's.
	changed bool
	// retire counts by rule the open alerts the new rules retire: those
	// the evaluations will retire (loaded), or those that needed a consent
	// the reload did not give (retire_refused).
	retire map[string]int
	err    error
}

// reloadStatus is the outcome of the reloads, for /metrics
// (baoxue_rules_last_reload_success and its time): d.reloadStatus() reads
// it.
type reloadStatus struct {
	// Success: the last reload took effect, or none was tried since the
	// daemon started.
	Success bool
	// LoadedAt is when the rules running were loaded: at start, or by the
	// last reload that took effect.
	LoadedAt time.Time
	// Checksum is the sha256 of the rules running (runs record it), and
	// Rules their count.
	Checksum string
	Rules    int
}

// reloader reloads a daemon's rules, one reload at a time.
type reloader struct {
	d *daemon
	// load loads the rules from where serve loaded them.
	load func() (*rules.Set, error)
	// object names the rules in the audit: "rules:" and the configured
	// path, or "rules:builtin".
	object string
	// one lets one reload check and swap at a time.
	one sync.Mutex
	// mu guards retire, swapped together with d.rules so that an
	// evaluation takes the rules and the consent that goes with them as
	// one, and status.
	mu sync.RWMutex
	// retire are the rules whose open alerts the evaluations may retire:
	// those the running rules retire, all consented to.
	retire map[string]bool
	status reloadStatus
	// auditing counts the audit entries being written; lastAudit is
	// closed once the latest is (guarded by one).
	auditing  sync.WaitGroup
	lastAudit chan struct{}
}

func newReloader(d *daemon, load func() (*rules.Set, error), object string) *reloader {
	set := d.rules.Load()
	return &reloader{d: d, load: load, object: object,
		status: reloadStatus{Success: true, LoadedAt: time.Now(), Checksum: set.Checksum, Rules: len(set.Rules)}}
}

// ruleState returns the rules an evaluation runs and the rules whose open
// alerts it may retire, as one.
func (d *daemon) ruleState() (*rules.Set, map[string]bool) {
	d.reload.mu.RLock()
	defer d.reload.mu.RUnlock()
	return d.rules.Load(), d.reload.retire
}

// reloadStatus returns the outcome of the reloads so far.
func (d *daemon) reloadStatus() reloadStatus {
	d.reload.mu.RLock()
	defer d.reload.mu.RUnlock()
	return d.reload.status
}

// consent lets the evaluations retire the open alerts of the rules of by
// (serve --retire).
func (r *reloader) consent(by map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retire = ruleIDs(by)
}

// ruleIDs returns the rules of by as a set; nil when by is empty.
func ruleIDs(by map[string]int) map[string]bool {
	if len(by) == 0 {
		return nil
	}
	ids := make(map[string]bool, len(by))
	for id := range by {
		ids[id] = true
	}
	return ids
}

// retireAtStart checks the rules serve starts with as a reload checks new
// ones: rules that would retire open alerts are refused (bad input, naming
// the rules and counts), as eval refuses them, unless consent (serve
// --retire). It returns what the rules retire.
func retireAtStart(ctx context.Context, st *store.Store, set *rules.Set, consent bool) (map[string]int, error) {
	by, err := engine.Retirements(ctx, st, set)
	if err != nil {
		return nil, err
	}
	if len(by) > 0 && !consent {
		list, total := engine.RetireList(by, set)
		return nil, badInput{i18n.Errorf("serve.refuse.retire", engine.ErrRetire, list, total)}
	}
	return by, nil
}

// reload loads the rules anew and, when they compile and retire no open
// alert without consent, swaps them in; otherwise the old rules keep
// running. Either way it logs one line and writes one audit entry.
func (r *reloader) reload(ctx context.Context, req reloadRequest) reloadResult {
	r.one.Lock()
	defer r.one.Unlock()
	// A reload begun is finished, even if its caller goes away.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reloadTimeout)
	defer cancel()
	res := r.try(ctx, req)
	if res.status != reloadLoaded {
		r.mu.Lock()
		r.status.Success = false
		r.mu.Unlock()
	}
	r.log(req, res)
	// On SQLite the audit entry waits for the write lock, which an
	// evaluation under way holds until it commits: the reload does not.
	// The entries are written in the order of the reloads.
	entry, prev, done := r.auditEntry(req, res), r.lastAudit, make(chan struct{})
	r.lastAudit = done
	r.auditing.Add(1)
	go func() {
		defer r.auditing.Done()
		defer close(done)
		if prev != nil {
			<-prev
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reloadTimeout)
		defer cancel()
		if err := r.d.st.AppendAudit(ctx, entry); err != nil {
			r.d.log.Warn(r.d.a.p.Sprintf("serve.reload.audit_failed", render(r.d.a.p, err)))
		}
	}()
	return res
}

// try is the reload but its log line and audit entry. (A run under way
// on the old rules may still open alerts of a rule the new rules remove,
// after the check: the next run then refuses to retire them, as eval
// does, and says how to consent. Nothing is retired unasked.)
func (r *reloader) try(ctx context.Context, req reloadRequest) reloadResult {
	set, err := r.load()
	if err != nil {
		return reloadResult{status: reloadInvalid, err: err}
	}
	by, err := engine.Retirements(ctx, r.d.st, set)
	if err != nil {
		return reloadResult{status: reloadFailed, set: set, err: err}
	}
	_, consented := r.d.ruleState()
	var unasked map[string]int
	for id, n := range by {
		if !req.retire && !consented[id] {
			if unasked == nil {
				unasked = map[string]int{}
			}
			unasked[id] = n
		}
	}
	if len(unasked) > 0 {
		return reloadResult{status: reloadRefused, set: set, retire: unasked}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.d.rules.Swap(set)
	r.retire = ruleIDs(by)
	r.status = reloadStatus{Success: true, LoadedAt: time.Now(), Checksum: set.Checksum, Rules: len(set.Rules)}
	return reloadResult{status: reloadLoaded, set: set, changed: old == nil || old.Checksum != set.Checksum, retire: by}
}

// log writes the reload's log line.
func (r *reloader) log(req reloadRequest, res reloadResult) {
	p, l := r.d.a.p, r.d.log.With("trigger", string(req.trigger), "actor", req.actor, "status", res.status)
	switch res.status {
	case reloadLoaded:
		l = l.With("checksum", res.set.Checksum, "rules", len(res.set.Rules))
		switch {
		case len(res.retire) > 0:
			list, total := engine.RetireList(res.retire, res.set)
			l.Warn(p.Sprintf("serve.reload.loaded_retiring", req.trigger.said(), i18n.M("rules.count", len(res.set.Rules)),
				enabled(res.set), short(res.set.Checksum), total, list))
		case res.changed:
			l.Info(p.Sprintf("serve.reload.loaded", req.trigger.said(), i18n.M("rules.count", len(res.set.Rules)),
				enabled(res.set), short(res.set.Checksum)))
		default:
			l.Info(p.Sprintf("serve.reload.unchanged", req.trigger.said(), short(res.set.Checksum)))
		}
	case reloadInvalid:
		l.Error(p.Sprintf("serve.reload.invalid", req.trigger.said(), render(p, res.err)))
	case reloadRefused:
		l.Warn(p.Sprintf("serve.reload.kept", req.trigger.said(), res.refusal()))
	default:
		l.Error(p.Sprintf("serve.reload.kept", req.trigger.said(), render(p, res.err)))
	}
}

// refusal is the sentence of a reload refused for retiring open alerts.
func (res reloadResult) refusal() error {
	list, total := engine.RetireList(res.retire, res.set)
	return i18n.Errorf("serve.reload.retire", engine.ErrRetire, list, total)
}

// auditEntry is the reload's audit entry: action reload, the actor, the
// rules (object rules:PATH, or rules:builtin), and as detail a JSON object
// of the outcome.
func (r *reloader) auditEntry(req reloadRequest, res reloadResult) store.Audit {
	detail := map[string]any{"trigger": req.trigger, "status": res.status, "retire_asked": req.retire}
	if res.set != nil {
		detail["checksum"] = res.set.Checksum
		detail["rules"] = len(res.set.Rules)
	}
	if len(res.retire) > 0 {
		detail["retire"] = res.retire
	}
	if res.err != nil {
		detail["error"] = render(r.d.a.p, res.err)
	}
	b, _ := json.Marshal(detail)
	return store.Audit{At: time.Now(), Actor: req.actor, Action: "reload", Object: r.object, Detail: string(b)}
}

// enabled counts the enabled rules of set.
func enabled(set *rules.Set) int {
	n := 0
	for _, r := range set.Rules {
		if r.Enabled {
			n++
		}
	}
	return n
}

// short is the first 12 digits of a checksum, as `runs` shows it.
func short(sum string) string { return sum[:min(12, len(sum))] }

// reloadHTTP is POST /-/reload[?retire=1] (SPEC §8), behind serveAdmin.
// It answers 200 with the rules loaded, 422 with the errors of rules that
// do not compile, 409 with the rules and counts of open alerts the new
// rules would retire without retire=1, 500 when the database fails, 400
// for a retire that is not a boolean.
func (d *daemon) reloadHTTP(w http.ResponseWriter, r *http.Request) {
	retire := false
	if v := r.URL.Query().Get("retire"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"status": "bad_request", "error": d.a.p.Sprintf("serve.reload.bad_retire", v)})
			return
		}
		retire = b
	}
	res := d.reload.reload(r.Context(), reloadRequest{trigger: byHTTP, actor: callerOf(r), retire: retire})
	p := d.a.p
	switch res.status {
	case reloadLoaded:
		writeJSON(w, http.StatusOK, reloadLoadedBody{Status: res.status, Rules: len(res.set.Rules), Enabled: enabled(res.set),
			Checksum: res.set.Checksum, Changed: res.changed, Retire: retireCounts(res.retire, res.set)})
	case reloadInvalid:
		writeJSON(w, http.StatusUnprocessableEntity, reloadErrorBody{Status: res.status, Error: p.Sprintf("serve.reload.invalid_answer", render(p, res.err)),
			Errors: problems(p, res.err)})
	case reloadRefused:
		writeJSON(w, http.StatusConflict, reloadErrorBody{Status: res.status, Error: render(p, res.refusal()), Retire: retireCounts(res.retire, res.set)})
	default:
		writeJSON(w, http.StatusInternalServerError, reloadErrorBody{Status: res.status, Error: render(p, res.err)})
	}
}

// reloadLoadedBody is the answer of a reload that took effect. Retire
// lists the rules whose open alerts the evaluations will retire.
type reloadLoadedBody struct {
	Status   string        `json:"status"`
	Rules    int           `json:"rules"`
	Enabled  int           `json:"enabled"`
	Checksum string        `json:"checksum"`
	Changed  bool          `json:"changed"`
	Retire   []retireCount `json:"retire"`
}

// reloadErrorBody is the answer of a reload that did not take effect:
// Error says why in a sentence; Errors are the problems of rules that do
// not compile, Retire the rules that would retire open alerts unasked.
type reloadErrorBody struct {
	Status string        `json:"status"`
	Error  string        `json:"error"`
	Errors []ruleProblem `json:"errors,omitempty"`
	Retire []retireCount `json:"retire,omitempty"`
}

// retireCount is a rule whose open alerts new rules retire: removed from
// the rule files, or disabled.
type retireCount struct {
	Rule       string `json:"rule"`
	OpenAlerts int    `json:"open_alerts"`
	State      string `json:"state"`
}

// retireCounts lists by, sorted by rule, as set leaves each rule.
func retireCounts(by map[string]int, set *rules.Set) []retireCount {
	out := []retireCount{}
	for _, id := range slices.Sorted(maps.Keys(by)) {
		state := "removed"
		if set.Rule(id) != nil {
			state = "disabled"
		}
		out = append(out, retireCount{Rule: id, OpenAlerts: by[id], State: state})
	}
	return out
}

// ruleProblem is one problem of rules that do not compile, as `rules
// check` places it (line and col 0 when unknown).
type ruleProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

// problems lists the problems of err, in p's language.
func problems(p *i18n.Printer, err error) []ruleProblem {
	var l inputerr.List
	if !errors.As(err, &l) {
		return []ruleProblem{{Message: render(p, err)}}
	}
	out := make([]ruleProblem, len(l))
	for i, e := range l {
		msg := *e
		msg.File, msg.Line, msg.Col = "", 0, 0
		out[i] = ruleProblem{File: e.File, Line: e.Line, Col: e.Col, Message: msg.Localize(p)}
	}
	return out
}

// writeJSON answers code with v as JSON.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// startReloads starts what asks for reloads besides POST /-/reload:
// SIGHUP and, unless the rules are the built-in ones, changes of the rule
// files. Both listen when it returns; stop ends them and waits for the
// reloads' audit entries.
func (d *daemon) startReloads(ctx context.Context) (stop func()) {
	hup, unsubscribe := serveHangup()
	var rw *ruleWatch
	if path := d.c.Rules; path != "" {
		var err error
		if rw, err = newRuleWatch(path); err != nil {
			d.log.Warn(d.a.p.Sprintf("serve.reload.watch_failed", path, err))
		} else {
			d.log.Info(d.a.p.Sprintf("serve.reload.watching", path))
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.reloadLoop(ctx, hup, rw)
	}()
	return func() {
		cancel()
		<-done
		unsubscribe()
		if rw != nil {
			rw.w.Close()
		}
		d.reload.auditing.Wait()
	}
}

// reloadLoop reloads on every signal of hup, and reloadDebounce after the
// last of a burst of changes rw sees, until ctx ends.
func (d *daemon) reloadLoop(ctx context.Context, hup <-chan os.Signal, rw *ruleWatch) {
	var (
		events <-chan fsnotify.Event
		errs   <-chan error
		timer  *time.Timer
		fire   <-chan time.Time
	)
	if rw != nil {
		events, errs = rw.w.Events, rw.w.Errors
	}
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if rw != nil && rw.lost {
				d.rewatch(rw)
			}
			d.reload.reload(ctx, reloadRequest{trigger: bySignal, actor: string(bySignal)})
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if rw.gone(ev) {
				rw.lost = true
				d.log.Warn(d.a.p.Sprintf("serve.reload.watch_lost", rw.dir))
				continue
			}
			if !rw.concerns(ev) {
				continue
			}
			if timer == nil {
				timer = time.NewTimer(reloadDebounce)
			} else {
				timer.Reset(reloadDebounce)
			}
			fire = timer.C
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			d.log.Warn(d.a.p.Sprintf("serve.reload.watch_error", err))
		case <-fire:
			fire = nil
			d.reload.reload(ctx, reloadRequest{trigger: byFile, actor: string(byFile)})
		}
	}
}

// rewatch watches rw's directory again after it was removed (and, one
// hopes, put back).
func (d *daemon) rewatch(rw *ruleWatch) {
	if err := rw.w.Add(rw.dir); err != nil {
		d.log.Warn(d.a.p.Sprintf("serve.reload.watch_failed", rw.dir, err))
		return
	}
	rw.lost = false
	d.log.Info(d.a.p.Sprintf("serve.reload.watching", rw.dir))
}

// ruleWatch watches the rule files for changes. It watches the directory
// (the rules directory, or the one holding the rules file), since editors
// and deployments replace a file by renaming another over it, which a
// watch on the file itself would not survive.
type ruleWatch struct {
	w   *fsnotify.Watcher
	dir string
	// file is the rules file when rules: names one, else "".
	file string
	// lost: the directory was removed or renamed, and its watch with it.
	lost bool
}

// newRuleWatch watches the rules at path, a directory or a file.
func newRuleWatch(path string) (*ruleWatch, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	rw := &ruleWatch{dir: filepath.Clean(path)}
	if !info.IsDir() {
		rw.file = rw.dir
		rw.dir = filepath.Dir(rw.file)
	}
	if rw.w, err = fsnotify.NewWatcher(); err != nil {
		return nil, err
	}
	if err := rw.w.Add(rw.dir); err != nil {
		rw.w.Close()
		return nil, err
	}
	return rw, nil
}

// concerns reports whether ev changes the rules: the rules file, or a rule
// file of the directory as the loader takes them (YAML, no rule tests). A
// change of the permissions alone does not.
func (rw *ruleWatch) concerns(ev fsnotify.Event) bool {
	if ev.Op&^fsnotify.Chmod == 0 {
		return false
	}
	name := filepath.Clean(ev.Name)
	if rw.file != "" {
		return name == rw.file
	}
	return filepath.Dir(name) == rw.dir && rules.IsRuleFile(filepath.Base(name))
}

// gone reports whether ev is the watched directory removed or renamed.
func (rw *ruleWatch) gone(ev fsnotify.Event) bool {
	return filepath.Clean(ev.Name) == rw.dir && ev.Op&(fsnotify.Remove|fsnotify.Rename) != 0
}
