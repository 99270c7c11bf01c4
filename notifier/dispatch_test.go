package notifier_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/config"
	"baoxue/engine"
	"baoxue/notifier"
	"baoxue/store"
	"baoxue/store/storetest"
)

// TestRetryThenDeliver: a receiver failing 3 times and then answering gets
// one delivery after 3 retries, each attempt with the same idempotency key
// and its own sent_at, the waits growing as the policy says.
func TestRetryThenDeliver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		teachers(t, st, teacher("T1"))
		queue(t, st, fixture(t), nil, "T1")
		rcv := newReceiver(t, func(n int) int { return map[bool]int{true: 503, false: 200}[n <= 3] })
		clock := newClock()
		d := dispatcher(t, st, config.Notifier{Default: "hook"},
			map[string]notifier.Channel{"hook": webhookChannel(t, rcv.URL, clock)}, clock, "a")
		sum, err := d.Flush(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Sent != 1 || sum.Retried != 3 || sum.Failed != 0 || sum.Pending != 0 {
			t.Errorf("summary %+v, want 1 sent after 3 retries", sum)
		}
		hits := rcv.got()
		if len(hits) != 4 {
			t.Fatalf("%d requests, want 4", len(hits))
		}
		// The jitter takes the longest wait: 30s, 60s, 120s.
		wantAt := []time.Duration{0, 30 * time.Second, 90 * time.Second, 210 * time.Second}
		for i, h := range hits {
			if h.key != hits[0].key || h.body.Key != h.key || !strings.HasPrefix(h.key, "bx-") {
				t.Errorf("attempt %d: key %q (body %q), want %q", i+1, h.key, h.body.Key, hits[0].key)
			}
			if want := t0.Add(wantAt[i]).Format(time.RFC3339Nano); h.body.SentAt != want {
				t.Errorf("attempt %d sent_at %s, want %s", i+1, h.body.SentAt, want)
			}
		}
		r := rows(t, st)[0]
		if r.Status != store.OutboxSent || r.Attempts != 4 || r.LastError != "" || r.Routed != "hook" {
			t.Errorf("row %+v", r)
		}
		m := d.Metrics().Snapshot()
		if m.Sent["hook"] != 1 || m.Retried["hook"] != 3 || m.Latency["hook"].Count != 1 || m.Duration["hook"].Count != 4 {
			t.Errorf("metrics %+v", m)
		}
		if got := m.Latency["hook"].Sum; got != 210 {
			t.Errorf("latency %vs, want 210s (queued to sent)", got)
		}
	})
}

// TestNeverDelivered: a receiver that never answers well makes the row
// failed after max_attempts, with the last reason; one that refuses (4xx)
// fails it at once.
func TestNeverDelivered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		teachers(t, st, teacher("T1"), teacher("T2"))
		queue(t, st, fixture(t), nil, "T1")
		clock := newClock()
		down := newReceiver(t, func(int) int { return 500 })
		d := dispatcher(t, st, config.Notifier{Default: "hook"},
			map[string]notifier.Channel{"hook": webhookChannel(t, down.URL, clock)}, clock, "a")
		sum, err := d.Flush(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Failed != 1 || sum.Retried != policy.MaxAttempts-1 || len(down.got()) != policy.MaxAttempts {
			t.Errorf("summary %+v after %d requests, want failed after %d", sum, len(down.got()), policy.MaxAttempts)
		}
		if len(sum.Ended) != 1 || !strings.Contains(sum.Ended[0].Reason, "HTTP 500") || sum.Ended[0].Center != "C1" {
			t.Errorf("ended %+v", sum.Ended)
		}
		if r := rows(t, st)[0]; r.Status != store.OutboxFailed || r.Attempts != policy.MaxAttempts || !strings.Contains(r.LastError, "HTTP 500") {
			t.Errorf("row %+v", r)
		}

		queue(t, st, fixture(t), nil, "T2")
		refuses := newReceiver(t, func(int) int { return 404 })
		d = dispatcher(t, st, config.Notifier{Default: "hook"},
			map[string]notifier.Channel{"hook": webhookChannel(t, refuses.URL, clock)}, clock, "b")
		sum, err = d.Flush(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Failed != 1 || sum.Retried != 0 || len(refuses.got()) != 1 {
			t.Errorf("404: summary %+v after %d requests, want failed at once", sum, len(refuses.got()))
		}
	})
}

// TestCrashBetweenSendAndRecord: a dispatcher that dies after sending and
// before recording keeps its claim until the lease lapses; then another
// sends the row again, with the same idempotency key.
func TestCrashBetweenSendAndRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		teachers(t, st, teacher("T1"))
		queue(t, st, fixture(t), nil, "T1")
		rcv := newReceiver(t, func(int) int { return 200 })
		clock := newClock()
		chans := map[string]notifier.Channel{"hook": webhookChannel(t, rcv.URL, clock)}
		a := dispatcher(t, st, config.Notifier{Default: "hook"}, chans, clock, "a")
		notifier.SetCrash(a, func(int64) bool { return true })
		if _, err := a.Flush(context.Background(), 0); !errors.Is(err, notifier.ErrCrashed) {
			t.Fatalf("Flush = %v, want the crash", err)
		}
		b := dispatcher(t, st, config.Notifier{Default: "hook"}, chans, clock, "b")
		clock.advance(10*time.Minute - time.Second) // the default lease, less a second
		if sum, err := b.Flush(context.Background(), 0); err != nil || sum.Sent != 0 || len(rcv.got()) != 1 {
			t.Fatalf("within a's lease: %+v, %v, %d requests; want nothing sent", sum, err, len(rcv.got()))
		}
		clock.advance(time.Second)
		if sum, err := b.Flush(context.Background(), 0); err != nil || sum.Sent != 1 {
			t.Fatalf("after a's lease: %+v, %v", sum, err)
		}
		hits := rcv.got()
		if len(hits) != 2 || hits[0].key != hits[1].key || hits[0].body.SentAt == hits[1].body.SentAt {
			t.Errorf("requests %+v: want two with one key and two sent_at", hits)
		}
		if r := rows(t, st)[0]; r.Status != store.OutboxSent || r.Attempts != 1 {
			t.Errorf("row %+v", r)
		}
	})
}

// TestTwoDispatchersDeliverEachOnce: two dispatchers flushing one outbox
// at once deliver every row exactly once.
func TestTwoDispatchersDeliverEachOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n = 120
		var ids []string
		var ts []store.Teacher
		for i := range n {
			id := fmt.Sprintf("T%03d", i)
			ids = append(ids, id)
			ts = append(ts, teacher(id))
		}
		teachers(t, st, ts...)
		queue(t, st, fixture(t), nil, ids...)
		rcv := newReceiver(t, func(int) int { time.Sleep(time.Millisecond); return 200 })
		clock := notifier.SystemClock{}
		var wg sync.WaitGroup
		sums := make([]*notifier.Summary, 2)
		errs := make([]error, 2)
		for i, owner := range []string{"a", "b"} {
			d, err := notifier.NewDispatcher(st, config.Notifier{Default: "hook", Retry: policy,
				Channels: []config.Channel{{Name: "hook", Type: config.TypeWebhook, URL: rcv.URL}}},
				map[string]notifier.Channel{"hook": webhookChannel(t, rcv.URL, clock)},
				notifier.Options{Owner: owner, Batch: 7, Concurrency: 3, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				sums[i], errs[i] = d.Flush(context.Background(), 0)
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatal(errs)
		}
		seen := map[string]int{}
		for _, h := range rcv.got() {
			seen[h.key]++
		}
		for k, c := range seen {
			if c != 1 {
				t.Errorf("key %s delivered %d times", k, c)
			}
		}
		if len(seen) != n || sums[0].Sent+sums[1].Sent != n {
			t.Errorf("%d keys delivered, summaries %d + %d sent; want %d", len(seen), sums[0].Sent, sums[1].Sent, n)
		}
		t.Logf("a sent %d, b sent %d", sums[0].Sent, sums[1].Sent)
	})
}

// TestPacing: 100 digests to one group robot taking 20 a minute go out
// evenly, no minute holding more than 20, and no slower than that; a
// per_minute in the configuration lowers the rate.
func TestPacing(t *testing.T) {
	for _, tc := range []struct {
		name      string
		perMinute int // configured; 0 is the robot's own 20
		want      int
	}{{"robot's limit", 0, 20}, {"configured", 12, 12}} {
		t.Run(tc.name, func(t *testing.T) {
			st := storetest.SQLite(t)
			var ids []string
			var ts []store.Teacher
			for i := range 100 {
				id := fmt.Sprintf("T%03d", i)
				ids = append(ids, id)
				ts = append(ts, teacher(id))
			}
			teachers(t, st, ts...)
			queue(t, st, fixture(t), nil, ids...)
			clock := newClock()
			bot := &robot{name: "groups", limits: notifier.Limits{Group: true, MaxBytes: 2048}, perMin: 20, clock: clock}
			cfg := config.Notifier{Default: "groups", Channels: []config.Channel{{Name: "groups", Type: config.TypeWeCom, PerMinute: tc.perMinute}}}
			d := dispatcher(t, st, cfg, map[string]notifier.Channel{"groups": bot}, clock, "a")
			sum, err := d.Flush(context.Background(), 0)
			if err != nil || sum.Sent != 100 {
				t.Fatalf("Flush = %+v, %v", sum, err)
			}
			calls := bot.calls()
			for i := 0; i+tc.want < len(calls); i++ {
				if gap := calls[i+tc.want].at.Sub(calls[i].at); gap < time.Minute {
					t.Fatalf("messages %d to %d within %v: more than %d a minute", i, i+tc.want, gap, tc.want)
				}
			}
			span := calls[len(calls)-1].at.Sub(calls[0].at)
			if limit := time.Duration(len(calls)) * time.Minute / time.Duration(tc.want); span > limit {
				t.Errorf("100 messages took %v, more than the %v the rate needs", span, limit)
			}
			for _, c := range calls {
				if strings.Contains(c.msg.Text, "张三丰") || strings.Contains(c.msg.Text, "留守") || len(c.msg.Text) > 2048 {
					t.Fatalf("group message shows a student or a rule, or is too long:\n%s", c.msg.Text)
				}
			}
		})
	}
}

// TestRateLimitReplyBacksOff: a robot answering "too many" (WeCom 45009,
// DingTalk 130101) with a wait is left alone for that wait: the row is
// retried after it, and the messages queued behind it wait too, without
// an attempt counted.
func TestRateLimitReplyBacksOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var ids []string
		var ts []store.Teacher
		for i := range 10 {
			id := fmt.Sprintf("T%02d", i)
			ids = append(ids, id)
			ts = append(ts, teacher(id))
		}
		teachers(t, st, ts...)
		queue(t, st, fixture(t), nil, ids...)
		clock := newClock()
		const ban = 10 * time.Minute
		bot := &robot{name: "groups", limits: notifier.Limits{Group: true}, perMin: 20, clock: clock,
			answer: func(n int) error {
				if n == 5 {
					return notifier.Retry(errors.New("errcode 130101: send too fast"), ban)
				}
				return nil
			}}
		d := dispatcher(t, st, config.Notifier{Default: "groups"}, map[string]notifier.Channel{"groups": bot}, clock, "a")
		sum, err := d.Flush(context.Background(), 0)
		if err != nil || sum.Sent != 10 || sum.Retried != 1 {
			t.Fatalf("Flush = %+v, %v; want 10 sent, 1 retried", sum, err)
		}
		calls := bot.calls()
		refused := calls[4].at
		for i, c := range calls[5:] {
			if c.at.Before(refused.Add(ban)) {
				t.Errorf("message %d sent %v after the refusal, within the %v asked for", i+6, c.at.Sub(refused), ban)
			}
		}
		if calls[5].msg.Key != calls[4].msg.Key {
			t.Errorf("the refused message was not the first retried: %s then %s", calls[4].msg.Key, calls[5].msg.Key)
		}
		for _, r := range rows(t, st) {
			want := 1
			if r.Recipient == "T04" {
				want = 2
			}
			if r.Status != store.OutboxSent || r.Attempts != want {
				t.Errorf("row %s: %s after %d attempts, want sent after %d", r.Recipient, r.Status, r.Attempts, want)
			}
		}
	})
}

// TestRoutingAndUndeliverable: routes choose the channel by school and
// severity, the default takes the rest; a recipient the chosen channel
// cannot address, or who is not in the directory, is undeliverable with
// the reason, counted and listed with the center, never dropped.
func TestRoutingAndUndeliverable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		noWeCom := teacher("T2")
		noWeCom.WecomUserID = ""
		other := teacher("T3")
		other.SchoolID = "SCH02"
		teachers(t, st, teacher("T1"), noWeCom, other, teacher("T4"))
		d0 := fixture(t)
		queue(t, st, d0, nil, "T1", "T2", "T3", "T9")
		queue(t, st, d0, func(d *engine.Digest) { d.Alerts[1].Severity = "critical" }, "T4")
		clock := newClock()
		app := &robot{name: "teachers", clock: clock, address: func(r notifier.Recipient) string {
			if r.WeComUserID == "" {
				return "no wecom_userid"
			}
			return ""
		}}
		groups := &robot{name: "groups", limits: notifier.Limits{Group: true}, clock: clock}
		rcv := newReceiver(t, func(int) int { return 200 })
		cfg := config.Notifier{Default: "teachers", Routes: []config.Route{
			{Match: config.Match{School: config.StringList{"SCH02"}}, Channel: "groups"},
			{Match: config.Match{Severity: config.StringList{"critical"}}, Channel: "hook"},
		}}
		d := dispatcher(t, st, cfg, map[string]notifier.Channel{"teachers": app, "groups": groups,
			"hook": webhookChannel(t, rcv.URL, clock)}, clock, "a")
		sum, err := d.Flush(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Sent != 3 || sum.Undeliverable != 2 {
			t.Errorf("summary %+v, want 3 sent, 2 undeliverable", sum)
		}
		var got []string
		for _, r := range rows(t, st) {
			got = append(got, fmt.Sprintf("%s %s %s %q", r.Recipient, r.Status, r.Routed, r.LastError))
		}
		want := []string{
			`T1 sent teachers ""`,
			`T2 undeliverable teachers "no wecom_userid"`,
			`T3 sent groups ""`,
			`T9 undeliverable teachers "recipient T9 is not in the teachers directory"`,
			`T4 sent hook ""`,
		}
		if !slices.Equal(got, want) {
			t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if len(sum.Ended) != 2 || sum.Ended[0].Teacher != "T2" || sum.Ended[0].Center != "C1" || sum.Ended[0].Name != "王老师T2" {
			t.Errorf("ended %+v", sum.Ended)
		}
		if m := d.Metrics().Snapshot(); m.Undeliverable["teachers"] != 2 || m.Sent["groups"] != 1 {
			t.Errorf("metrics %+v", m)
		}
		if c := groups.calls(); len(c) != 1 || strings.Contains(c[0].msg.Text, "李小红") || !strings.Contains(c[0].msg.Text, "@王老师T3") {
			t.Errorf("group message %+v", c)
		}
		if c := app.calls(); len(c) != 1 || !strings.Contains(c[0].msg.Text, "李小红") {
			t.Errorf("personal message %+v", c)
		}
	})
}

// TestFlushMaxWait: a flush told to wait at most a minute leaves a row
// whose retry is due later pending, and says so.
func TestFlushMaxWait(t *testing.T) {
	st := storetest.SQLite(t)
	teachers(t, st, teacher("T1"))
	queue(t, st, fixture(t), nil, "T1")
	clock := newClock()
	down := newReceiver(t, func(int) int { return 503 })
	d := dispatcher(t, st, config.Notifier{Default: "hook"},
		map[string]notifier.Channel{"hook": webhookChannel(t, down.URL, clock)}, clock, "a")
	sum, err := d.Flush(context.Background(), time.Minute)
	if err != nil || sum.Pending != 1 || sum.Retried != 2 || sum.Failed != 0 {
		t.Errorf("Flush = %+v, %v; want 2 retries within the minute, then 1 pending", sum, err)
	}
	if r := rows(t, st)[0]; r.Status != store.OutboxPending || r.Attempts != 2 {
		t.Errorf("row %+v", r)
	}
}

// TestRunDelivers: the daemon's loop sends what is queued while it runs,
// woken at once, and returns when its context ends.
func TestRunDelivers(t *testing.T) {
	st := storetest.SQLite(t)
	teachers(t, st, teacher("T1"))
	rcv := newReceiver(t, func(int) int { return 200 })
	clock := notifier.SystemClock{}
	d, err := notifier.NewDispatcher(st, config.Notifier{Default: "hook", Retry: policy},
		map[string]notifier.Channel{"hook": webhookChannel(t, rcv.URL, clock)}, notifier.Options{Poll: time.Hour, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	queue(t, st, fixture(t), nil, "T1")
	d.Wake()
	deadline := time.Now().Add(10 * time.Second)
	for rows(t, st)[0].Status != store.OutboxSent && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	if len(rcv.got()) != 1 || rows(t, st)[0].Status != store.OutboxSent {
		t.Errorf("Run sent %d, row %+v", len(rcv.got()), rows(t, st)[0])
	}
}

func TestNewChannels(t *testing.T) {
	cfg := config.Notifier{Channels: []config.Channel{{Name: "log", Type: config.TypeLog}, {Name: "hook", Type: config.TypeWebhook, URL: "http://127.0.0.1:1/"}}}
	if _, err := notifier.New(cfg, notifier.Deps{}); err == nil || !strings.Contains(err.Error(), "hook") {
		t.Errorf("New without a webhook constructor = %v, want an error naming the channel", err)
	}
	chans, err := notifier.New(cfg, notifier.Deps{Types: map[string]notifier.Constructor{config.TypeWebhook: func(ch config.Channel, _ notifier.Deps) (notifier.Channel, error) {
		return &robot{name: ch.Name}, nil
	}}})
	if err != nil || chans["log"].Name() != "log" || chans["hook"].Name() != "hook" {
		t.Errorf("New = %v, %v", chans, err)
	}
	if _, err := notifier.NewDispatcher(nil, config.Notifier{Default: "mail"}, chans, notifier.Options{}); err == nil {
		t.Error("NewDispatcher accepted a default channel that was not built")
	}
}

// TestReasonsAreStorable: a receiver's reply copied into a reason may hold
// NUL (which a PostgreSQL text column refuses: the row could never be
// recorded), control characters or invalid UTF-8.
func TestReasonsAreStorable(t *testing.T) {
	for in, want := range map[string]string{
		"HTTP 502: \x00\x1f\x8b\x08 gzip": "HTTP 502:   \uFFFD  gzip",
		"line\nbreak\ttab":                "line break tab",
		"正常的原因":                           "正常的原因",
	} {
		if got := notifier.Storable(in); got != want {
			t.Errorf("storable(%q) = %q, want %q", in, got, want)
		}
	}
}
