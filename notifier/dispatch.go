package notifier

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"baoxue/config"
	"baoxue/i18n"
	"baoxue/store"
)

// Options tune a Dispatcher. Zero fields take the defaults given.
type Options struct {
	// Printer renders digests. Default i18n.Default() (Chinese).
	Printer *i18n.Printer
	// PublicURL is the configuration's http.public_url, for the link to
	// each teacher's page (report.TeacherLink). Default "": relative links.
	PublicURL string
	// Batch is how many rows one claim takes. Default 100.
	Batch int
	// Lease is how long a claim holds a row before another dispatcher may
	// take it; it is renewed just before each send, so it must outlast one
	// delivery call (a channel's timeout). Default 10 minutes.
	Lease time.Duration
	// Poll is how often Run looks for due rows when nothing woke it.
	// Default 15 seconds.
	Poll time.Duration
	// Concurrency is how many destinations (Pace keys) are sent to at
	// once; one destination's messages go one after another. Default 16.
	Concurrency int
	// Clock is the time the dispatcher reads and waits on. Default
	// SystemClock.
	Clock Clock
	// Rand returns a number in [0, n) for the backoff's jitter. Default
	// math/rand/v2's Int64N.
	Rand func(n int64) int64
	// Owner names this dispatcher in its claims. Default host:pid:random.
	Owner string
	// Logger is for what the dispatcher logs. Default slog.Default().
	Logger *slog.Logger
}

func (o Options) filled() Options {
	if o.Printer == nil {
		o.Printer = i18n.Default()
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.Lease <= 0 {
		o.Lease = 10 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = 15 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	if o.Rand == nil {
		o.Rand = mrand.Int64N
	}
	if o.Owner == "" {
		host, _ := os.Hostname()
		var b [4]byte
		rand.Read(b[:])
		o.Owner = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Dispatcher delivers the outbox: it claims due rows, routes each to a
// channel, renders it, paces it, sends it and records what became of it.
// Several dispatchers may share one database: a row is claimed by one at a
// time (store.ClaimOutbox), and a dispatcher that dies holding a claim
// loses it when the lease lapses; the row is then sent again with the same
// idempotency key.
type Dispatcher struct {
	st      *store.Store
	cfg     config.Notifier
	chans   map[string]Channel
	opt     Options
	pace    *pacer
	metrics *Metrics
	wake    chan struct{}

	// crash, set by tests only, makes the dispatcher die between a send
	// and its record, as a killed process would: no record, no release.
	crash   func(id int64) bool
	crashed atomic.Bool
}

// errCrashed ends a dispatcher that crash killed.
var errCrashed = errors.New("dispatcher crashed (test)")

// NewDispatcher returns a dispatcher of st's outbox over chans, built from
// cfg by New. Every channel cfg names (default, routes) must be in chans.
func NewDispatcher(st *store.Store, cfg config.Notifier, chans map[string]Channel, opt Options) (*Dispatcher, error) {
	names := []string{cfg.Default}
	for _, r := range cfg.Routes {
		names = append(names, r.Channel)
	}
	for _, n := range names {
		if n != "" && chans[n] == nil {
			return nil, fmt.Errorf("notifier: no channel named %s was built", n)
		}
	}
	return &Dispatcher{st: st, cfg: cfg, chans: chans, opt: opt.filled(), pace: newPacer(), metrics: newMetrics(),
		wake: make(chan struct{}, 1)}, nil
}

// Metrics returns the dispatcher's counters.
func (d *Dispatcher) Metrics() *Metrics { return d.metrics }

// Wake makes Run look for due rows now (after a run queued some) rather
// than at its next poll. It never blocks.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Summary is what a Flush did.
type Summary struct {
	// Sent, Failed and Undeliverable count rows that ended so.
	Sent, Failed, Undeliverable int
	// Retried counts failed attempts scheduled again.
	Retried int
	// Pending counts rows this flush tried that were still to be retried
	// when it returned (its maxWait passed first).
	Pending int
	// Ended lists the rows that ended failed or undeliverable, by id.
	Ended []Ended
}

// Ended is a row that ended failed or undeliverable: who it was for and
// why, so that the center admins can fix an address.
type Ended struct {
	ID      int64
	Status  string
	Teacher string
	Name    string
	School  string
	Center  string
	Channel string
	Reason  string
}

// tally gathers what one Flush (or one round of Run) did; the deliveries
// of several destinations record into it at once.
type tally struct {
	mu  sync.Mutex
	sum Summary
	// waiting are the rows tried and scheduled again, with when they are
	// next due; nil when no one waits for them (Run).
	waiting map[int64]time.Time
}

// Flush delivers every row due now and retries, within the retry policy,
// those whose attempts fail, waiting out the backoff, until each has been
// sent, has failed for good or is undeliverable; then it returns what it
// did. With maxWait > 0 it stops waiting for retries due later than
// maxWait after it began, and counts those rows as Pending. Rows another
// dispatcher scheduled for later are not waited for. An interrupted Flush
// (ctx done) releases the rows it holds and returns ctx's error.
func (d *Dispatcher) Flush(ctx context.Context, maxWait time.Duration) (*Summary, error) {
	t := &tally{waiting: map[int64]time.Time{}}
	defer d.release(ctx)
	start := d.opt.Clock.Now()
	for {
		n, err := d.round(ctx, t)
		if err != nil {
			return &t.sum, err
		}
		if err := ctx.Err(); err != nil {
			return &t.sum, err
		}
		if n > 0 {
			continue
		}
		now := d.opt.Clock.Now()
		next, ok := t.next(now)
		if !ok || maxWait > 0 && next.Sub(start) > maxWait {
			break
		}
		if err := d.opt.Clock.Sleep(ctx, next.Sub(now)); err != nil {
			return &t.sum, err
		}
	}
	t.sum.Pending = len(t.waiting)
	sort.Slice(t.sum.Ended, func(i, j int) bool { return t.sum.Ended[i].ID < t.sum.Ended[j].ID })
	return &t.sum, nil
}

// next returns when the earliest row still waited for is due, forgetting
// those due by now that the last claim did not find (another dispatcher
// took them, or an operator changed them).
func (t *tally) next(now time.Time) (time.Time, bool) {
	var next time.Time
	for id, at := range t.waiting {
		if !at.After(now) {
			delete(t.waiting, id)
			continue
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return next, !next.IsZero()
}

// Run delivers the outbox until ctx is done: whatever is due, then, when
// nothing is, it waits for the next row due, a Wake, or Poll, whichever
// comes first. A failure to reach the database is logged and tried again
// at the next poll. It returns nil when ctx is done.
func (d *Dispatcher) Run(ctx context.Context) error {
	defer d.release(ctx)
	failed := 0 // rounds failed in a row
	for {
		n, err := d.round(ctx, &tally{})
		if errors.Is(err, errCrashed) {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			d.opt.Logger.Error("notifier: deliver the outbox", "err", err)
			// What the failed round still holds is due again at once,
			// not when the lease lapses.
			d.release(ctx)
			failed++
		} else {
			failed = 0
		}
		if n > 0 && err == nil {
			continue
		}
		wait := d.opt.Poll
		now := d.opt.Clock.Now()
		if failed > 0 {
			// The database failed us: what was released is due at once, so
			// waiting for the next due row would resend it in a tight loop.
			// Back off, doubling up to five minutes.
			wait = min(d.opt.Poll<<min(failed-1, 5), 5*time.Minute)
		} else if next, ok, err := d.st.NextOutboxAttempt(ctx); err == nil && ok && next.Sub(now) < wait {
			wait = max(next.Sub(now), 0)
		}
		d.sleepOrWake(ctx, wait)
		if ctx.Err() != nil {
			return nil
		}
	}
}

func (d *Dispatcher) sleepOrWake(ctx context.Context, wait time.Duration) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-d.wake:
			cancel()
		case <-sctx.Done():
		}
	}()
	d.opt.Clock.Sleep(sctx, wait)
}

// release gives back the claims this dispatcher still holds (an
// interrupted round), so that they are due again at once.
func (d *Dispatcher) release(ctx context.Context) {
	if d.crashed.Load() {
		return
	}
	if _, err := d.st.ReleaseOutbox(context.WithoutCancel(ctx), d.opt.Owner); err != nil {
		d.opt.Logger.Warn("notifier: release outbox claims", "err", err)
	}
}

// round claims one batch of due rows and delivers it: the rows of each
// destination one after another, paced; several destinations at once. It
// returns how many rows it claimed.
func (d *Dispatcher) round(ctx context.Context, t *tally) (int, error) {
	now := d.opt.Clock.Now()
	rows, err := d.st.ClaimOutbox(ctx, d.opt.Owner, now, now.Add(d.opt.Lease), d.opt.Batch)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].Recipient
	}
	teachers, err := d.st.TeachersByID(ctx, ids)
	if err != nil {
		return len(rows), err
	}
	byKey := map[string][]*job{}
	for i := range rows {
		j, early := d.prepare(&rows[i], teachers)
		if early != nil {
			if err := d.finish(ctx, t, j, *early); err != nil {
				return len(rows), err
			}
			continue
		}
		byKey[j.key] = append(byKey[j.key], j)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Destinations are independent: a failure to record one row must not
	// cancel the sends in flight to others (they would be released unrecorded
	// and sent again), so the group shares no cancelling context.
	var g errgroup.Group
	g.SetLimit(d.opt.Concurrency)
	for _, k := range keys {
		g.Go(func() error { return d.deliverAll(ctx, t, byKey[k]) })
	}
	return len(rows), g.Wait()
}

// IdempotencyKey is the key every attempt to deliver row carries (Message.Key):
// derived from the row's dedup key and the instant it was queued, so it is
// the same on every retry, by any dispatcher, and differs between two
// databases that reuse a run number. It reveals neither.
func IdempotencyKey(row *store.OutboxRow) string {
	h := sha256.Sum256([]byte(row.DedupKey + "\x00" + row.CreatedAt))
	return "bx-" + hex.EncodeToString(h[:16])
}
