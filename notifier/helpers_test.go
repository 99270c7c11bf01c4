package notifier_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"baoxue/config"
	"baoxue/engine"
	"baoxue/notifier"
	"baoxue/notifier/webhook"
	"baoxue/store"
)

var t0 = time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC)

// fakeClock moves only when slept on.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.advance(d)
	return nil
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
}

// fixture reads the digest every test sends (the report package's).
func fixture(t *testing.T) engine.Digest {
	t.Helper()
	b, err := os.ReadFile("../report/testdata/digest.json")
	if err != nil {
		t.Fatal(err)
	}
	var d engine.Digest
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// teachers writes the directory.
func teachers(t *testing.T, st *store.Store, ts ...store.Teacher) {
	t.Helper()
	ctx := context.Background()
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.UpsertTeachers(ctx, ts, nil, t0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// teacher is a homeroom teacher of SCH01 in center C1.
func teacher(id string) store.Teacher {
	return store.Teacher{ID: id, Name: "王老师" + id, SchoolID: "SCH01", Center: "C1", Role: "teacher",
		Phone: "1380000" + fmt.Sprintf("%04d", len(id)), WecomUserID: "wx-" + id}
}

// queue writes one digest per teacher id, as run 7 would, at t0; edit
// changes each digest first (nil: the fixture as it is).
func queue(t *testing.T, st *store.Store, d engine.Digest, edit func(*engine.Digest), ids ...string) {
	t.Helper()
	var ms []store.OutboxMessage
	for _, id := range ids {
		dg := d
		dg.Teacher = id
		if edit != nil {
			edit(&dg)
		}
		b, err := json.Marshal(dg)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, store.OutboxMessage{DedupKey: "run:7:teacher:" + id, RunID: 7, Recipient: id, Kind: "digest", Payload: string(b)})
	}
	ctx := context.Background()
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.Enqueue(ctx, store.FormatTime(t0), ms) }); err != nil {
		t.Fatal(err)
	}
}

// rows returns the outbox, by id.
func rows(t *testing.T, st *store.Store) []store.OutboxRow {
	t.Helper()
	var out []store.OutboxRow
	if err := st.ListOutbox(context.Background(), store.OutboxFilter{}, func(r store.OutboxRow) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// hit is one request a receiver got.
type hit struct {
	key  string
	body webhook.Body
}

// receiver is a webhook receiver on loopback answering the n-th request
// (from 1) with answer(n).
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	hits []hit
}

func newReceiver(t *testing.T, answer func(n int) int) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		var body webhook.Body
		json.Unmarshal(b, &body)
		r.mu.Lock()
		r.hits = append(r.hits, hit{key: req.Header.Get("Idempotency-Key"), body: body})
		n := len(r.hits)
		r.mu.Unlock()
		w.WriteHeader(answer(n))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) got() []hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hit(nil), r.hits...)
}

// robot is a channel of the test's making: it records each message and
// when it came, and answers the n-th call (from 1) with answer(n).
type robot struct {
	name    string
	limits  notifier.Limits
	perMin  int
	clock   notifier.Clock
	address func(notifier.Recipient) string
	answer  func(n int) error

	mu   sync.Mutex
	sent []robotHit
}

type robotHit struct {
	at  time.Time
	msg notifier.Message
}

func (r *robot) Name() string            { return r.name }
func (r *robot) Limits() notifier.Limits { return r.limits }
func (r *robot) Pace() (string, int)     { return "robot:" + r.name, r.perMin }
func (r *robot) calls() []robotHit {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]robotHit(nil), r.sent...)
}
func (r *robot) Address(to notifier.Recipient) string {
	if r.address == nil {
		return ""
	}
	return r.address(to)
}

func (r *robot) Notify(_ context.Context, m *notifier.Message) error {
	r.mu.Lock()
	r.sent = append(r.sent, robotHit{at: r.clock.Now(), msg: *m})
	n := len(r.sent)
	r.mu.Unlock()
	if r.answer != nil {
		return r.answer(n)
	}
	return nil
}

// policy is the retry policy of the tests: 4 attempts, 30s doubling to 1h.
var policy = config.Retry{MaxAttempts: 4, Initial: config.Duration(30 * time.Second), Max: config.Duration(time.Hour)}

// dispatcher builds a dispatcher over chans with cfg's routes; the jitter
// always takes the longest wait, so that waits are known.
func dispatcher(t *testing.T, st *store.Store, cfg config.Notifier, chans map[string]notifier.Channel, clock notifier.Clock, owner string) *notifier.Dispatcher {
	t.Helper()
	if cfg.Retry.MaxAttempts == 0 {
		cfg.Retry = policy
	}
	for name := range chans {
		if _, ok := cfg.Channel(name); !ok {
			cfg.Channels = append(cfg.Channels, config.Channel{Name: name, Type: "test", Timeout: config.Duration(5 * time.Second)})
		}
	}
	d, err := notifier.NewDispatcher(st, cfg, chans, notifier.Options{Clock: clock, Owner: owner, PublicURL: "https://baoxue.example",
		Rand: func(n int64) int64 { return n - 1 }, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// quiet is the logger of the tests' dispatchers: failures are what they test.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// webhookChannel is a webhook channel posting to url.
func webhookChannel(t *testing.T, url string, clock notifier.Clock) notifier.Channel {
	t.Helper()
	ch, err := webhook.New(config.Channel{Name: "hook", Type: config.TypeWebhook, URL: url, Secret: "s",
		Timeout: config.Duration(5 * time.Second)}, notifier.Deps{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}
