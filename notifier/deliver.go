package notifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"baoxue/engine"
	"baoxue/report"
	"baoxue/store"
)

// job is one claimed row on its way to its channel.
type job struct {
	row  *store.OutboxRow
	to   Recipient
	chN  string // the channel's name; "" when none could be chosen
	ch   Channel
	msg  *Message
	key  string // Pace key
	rate int    // messages a minute at key; 0 unlimited
	// timeout bounds one delivery call.
	timeout time.Duration
}

// prepare routes row, checks that its channel can address the recipient
// and renders it. When the row cannot be sent at all it returns the
// result to record at once (failed, undeliverable) besides the job.
func (d *Dispatcher) prepare(row *store.OutboxRow, teachers map[string]store.Teacher) (*job, *store.OutboxResult) {
	j := &job{row: row, to: Recipient{Teacher: row.Recipient}}
	t, known := teachers[row.Recipient]
	if known {
		j.to = Recipient{Teacher: t.ID, Name: t.Name, Role: t.Role, School: t.SchoolID, Center: t.Center, Phone: t.Phone,
			WeComUserID: t.WecomUserID, DingTalkUserID: t.DingtalkUserID, Email: t.Email}
	}
	fail := func(status, why string) (*job, *store.OutboxResult) {
		return j, &store.OutboxResult{Status: status, Channel: j.chN, Error: why}
	}
	if row.Kind != "digest" {
		return fail(store.OutboxFailed, fmt.Sprintf("unknown kind of notification %q", row.Kind))
	}
	var dg engine.Digest
	if err := json.Unmarshal([]byte(row.Payload), &dg); err != nil {
		return fail(store.OutboxFailed, fmt.Sprintf("unreadable digest: %v", err))
	}
	j.chN = row.Channel
	if j.chN == "" {
		j.chN = d.cfg.Route(j.to.School, j.to.Center, j.to.Role, report.WorstSeverity(&dg))
	}
	j.ch = d.chans[j.chN]
	if j.ch == nil {
		return fail(store.OutboxFailed, fmt.Sprintf("no channel named %q is configured", j.chN))
	}
	if !known {
		return fail(store.OutboxUndeliverable, fmt.Sprintf("recipient %s is not in the teachers directory", row.Recipient))
	}
	if why := j.ch.Address(j.to); why != "" {
		return fail(store.OutboxUndeliverable, why)
	}
	lim := j.ch.Limits()
	mode := report.DigestPersonal
	switch {
	case lim.Group:
		mode = report.DigestGroup
	case lim.Masked:
		mode = report.DigestMasked
	}
	r, err := report.RenderDigest(d.opt.Printer, &dg, report.DigestTo{Teacher: t.ID, Name: t.Name, Phone: t.Phone},
		report.DigestOptions{Mode: mode, MaxBytes: lim.MaxBytes, Link: report.TeacherLink(d.opt.PublicURL, t.ID)})
	if err != nil {
		return fail(store.OutboxFailed, err.Error())
	}
	j.msg = &Message{Key: IdempotencyKey(row), To: j.to, Title: r.Title, Text: r.Text, Markdown: r.Markdown,
		HTML: r.HTML, Mentions: r.Mentions, Payload: r.Payload}
	j.key, j.rate = j.ch.Pace()
	cc, _ := d.cfg.Channel(j.chN)
	if cc.PerMinute > 0 {
		j.rate = cc.PerMinute
	}
	j.timeout = time.Duration(cc.Timeout)
	if j.timeout <= 0 {
		j.timeout = 10 * time.Second
	}
	return j, nil
}

// deliverAll sends the jobs of one destination in order, each in its
// slot. It stops, leaving the rest to be released, when ctx is done.
func (d *Dispatcher) deliverAll(ctx context.Context, t *tally, jobs []*job) error {
	for _, j := range jobs {
		if ctx.Err() != nil {
			return nil
		}
		if err := d.deliver(ctx, t, j); err != nil {
			return err
		}
	}
	return nil
}

func (d *Dispatcher) deliver(ctx context.Context, t *tally, j *job) error {
	clock := d.opt.Clock
	if until := d.pace.held(j.key, clock.Now()); !until.IsZero() {
		// The destination asked to be left alone: the row waits, and the
		// wait is no attempt of its.
		return d.finish(ctx, t, j, store.OutboxResult{Status: store.OutboxPending, Channel: j.chN,
			Error: j.row.LastError, NextAttempt: until})
	}
	if wait := d.pace.reserve(j.key, j.rate, clock.Now()); wait > 0 {
		if clock.Sleep(ctx, wait) != nil {
			return nil
		}
	}
	now := clock.Now()
	// The claim may have lapsed while the row waited its turn; whoever
	// holds it now sends it.
	mine, err := d.st.RenewOutboxClaim(ctx, j.row.ID, d.opt.Owner, now.Add(d.opt.Lease))
	if err != nil || !mine {
		if !mine && err == nil {
			d.opt.Logger.Warn("notifier: lost the claim on an outbox row before sending it", "id", j.row.ID)
		}
		return err
	}
	j.msg.SentAt = now
	cctx, cancel := context.WithTimeout(ctx, j.timeout)
	start := time.Now()
	sendErr := j.ch.Notify(cctx, j.msg)
	call := time.Since(start)
	cancel()
	if sendErr != nil && ctx.Err() != nil {
		// Interrupted: neither sent nor failed. The release gives the row
		// back; its retry carries the same key, in case it arrived.
		return nil
	}
	if d.crash != nil && d.crash(j.row.ID) {
		d.crashed.Store(true)
		return errCrashed
	}
	r := d.outcome(j, sendErr, now)
	var latency time.Duration
	if created, err := store.ParseTime(j.row.CreatedAt); err == nil {
		latency = now.Sub(created)
	}
	d.metrics.observe(j.chN, latency, call, sendErr == nil)
	return d.finish(ctx, t, j, r)
}

// outcome is what an attempt made at now that ended with err means for
// the row: sent; failed (a failure not worth retrying, or the last
// attempt); or pending again after the backoff, or after the wait the
// destination asked for when that is longer, which also holds every other
// message to that destination.
func (d *Dispatcher) outcome(j *job, err error, now time.Time) store.OutboxResult {
	if err == nil {
		return store.OutboxResult{Status: store.OutboxSent, Channel: j.chN, Attempted: true, SentAt: now}
	}
	retry, after := Retryable(err)
	if errors.Is(err, context.DeadlineExceeded) {
		retry = true // the channel's timeout: the receiver may answer next time
	}
	if after > 0 {
		d.pace.holdUntil(j.key, now.Add(after))
	}
	reason := truncate(storable(err.Error()), 500)
	attempts := j.row.Attempts + 1
	if !retry || attempts >= d.cfg.Retry.MaxAttempts {
		return store.OutboxResult{Status: store.OutboxFailed, Channel: j.chN, Attempted: true, Error: reason}
	}
	wait := max(d.backoff(attempts), after)
	return store.OutboxResult{Status: store.OutboxPending, Channel: j.chN, Attempted: true, Error: reason,
		NextAttempt: now.Add(wait)}
}

// backoff is the wait after the given failed attempt (1 for the first):
// exponential with full jitter, uniform between 0 and the policy's
// Initial doubled attempt-1 times, capped at Max.
func (d *Dispatcher) backoff(attempt int) time.Duration {
	ceiling := d.cfg.Retry.Backoff(attempt)
	if ceiling <= 0 {
		return 0
	}
	return time.Duration(d.opt.Rand(int64(ceiling) + 1))
}

// finish records r for j's row, and counts it in t and the metrics. A row
// whose claim was lost (another dispatcher took it after the lease lapsed)
// is that one's to record.
func (d *Dispatcher) finish(ctx context.Context, t *tally, j *job, r store.OutboxResult) error {
	// A send that happened is recorded even when the dispatcher is asked
	// to stop.
	ok, err := d.st.FinishOutbox(context.WithoutCancel(ctx), j.row.ID, d.opt.Owner, r)
	if err != nil {
		return err
	}
	if !ok {
		d.opt.Logger.Warn("notifier: lost the claim on an outbox row before recording it", "id", j.row.ID, "status", r.Status)
		return nil
	}
	retried := r.Status == store.OutboxPending && r.Attempted
	d.metrics.count(r.Status, j.chN, retried)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.waiting != nil {
		delete(t.waiting, j.row.ID)
		if r.Status == store.OutboxPending {
			t.waiting[j.row.ID] = r.NextAttempt
		}
	}
	switch {
	case retried:
		t.sum.Retried++
	case r.Status == store.OutboxSent:
		t.sum.Sent++
	case r.Status == store.OutboxFailed, r.Status == store.OutboxUndeliverable:
		if r.Status == store.OutboxFailed {
			t.sum.Failed++
		} else {
			t.sum.Undeliverable++
		}
		t.sum.Ended = append(t.sum.Ended, Ended{ID: j.row.ID, Status: r.Status, Teacher: j.row.Recipient, Name: j.to.Name,
			School: j.to.School, Center: j.to.Center, Channel: j.chN, Reason: r.Error})
	}
	if r.Status == store.OutboxFailed {
		d.opt.Logger.Warn("notifier: delivery failed", "id", j.row.ID, "channel", j.chN, "reason", r.Error)
	}
	return nil
}

// truncate cuts s to at most n bytes at a character boundary.
// storable makes a reason safe to store and show: a receiver's reply may
// hold NUL, which a PostgreSQL text column refuses (the row could then never
// be recorded), control characters or invalid UTF-8.
func storable(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F {
			return ' '
		}
		return r
	}, s)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
