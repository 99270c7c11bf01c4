package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"baoxue/config"
	"baoxue/i18n"
	"baoxue/notifier"
	"baoxue/notifier/dingtalk"
	"baoxue/notifier/email"
	"baoxue/notifier/webhook"
	"baoxue/notifier/wecom"
	"baoxue/report"
	"baoxue/store"
)

func cmdOutbox(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		return badInput{i18n.Errorf("outbox.usage")}
	}
	switch args[0] {
	case "list":
		return outboxList(ctx, a, args[1:])
	case "flush":
		return outboxFlush(ctx, a, args[1:])
	case "retry":
		return outboxRetry(ctx, a, args[1:])
	}
	return badInput{i18n.Errorf("outbox.unknown", args[0])}
}

// outboxCommands are the subcommands of outbox, for help and completion.
func outboxCommands() []command {
	return []command{
		{name: "list", summary: "cmd.outbox.list.summary", flags: new(outboxListFlags).define},
		{name: "flush", summary: "cmd.outbox.flush.summary", flags: new(outboxFlushFlags).define},
		{name: "retry", summary: "cmd.outbox.retry.summary", args: "[ID...]", flags: new(outboxRetryFlags).define},
	}
}

// channelTypes are the channel types this build sends on, besides log.
func channelTypes() map[string]notifier.Constructor {
	return map[string]notifier.Constructor{
		config.TypeWebhook: webhook.New,
		config.TypeWeCom: func(c config.Channel, _ notifier.Deps) (notifier.Channel, error) {
			return wecom.New(c)
		},
		config.TypeDingTalk: func(c config.Channel, _ notifier.Deps) (notifier.Channel, error) {
			return dingtalk.New(c)
		},
		config.TypeEmail: func(c config.Channel, _ notifier.Deps) (notifier.Channel, error) {
			return email.New(c)
		},
	}
}

type outboxListFlags struct {
	statuses []string
	json     bool
}

func (f *outboxListFlags) define(fs *flag.FlagSet) {
	for _, s := range store.OutboxStatuses() {
		fs.BoolFunc(s, "outbox.flag."+s, func(string) error {
			f.statuses = append(f.statuses, s)
			return nil
		})
	}
	fs.BoolVar(&f.json, "json", false, "outbox.flag.json")
}

// outboxList streams the rows the flags select, without their payload.
func outboxList(ctx context.Context, a *app, args []string) error {
	var f outboxListFlags
	fs := newFlags("outbox list", a.stderr)
	f.define(fs)
	asJSON := &f.json
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput{i18n.Errorf("outbox.args", "list", pos[0])}
	}
	c, err := a.conf()
	if err != nil {
		return err
	}
	st, err := a.store(ctx, readOnly)
	if err != nil {
		return err
	}
	out := report.NewOutbox(a.stdout, a.p, *asJSON)
	if err := st.ListOutbox(ctx, store.OutboxFilter{Statuses: f.statuses}, func(r store.OutboxRow) error {
		o := listedOutbox(r, c.Location)
		return out.Write(&o)
	}); err != nil {
		return err
	}
	return out.Close()
}

// listedOutbox is the store's row as the listing shows it.
func listedOutbox(r store.OutboxRow, loc *time.Location) report.Outbox {
	o := report.Outbox{ID: r.ID, Status: r.Status, Recipient: r.Recipient, School: r.School, Center: r.Center,
		Channel: r.Channel, Kind: r.Kind, Run: r.RunID, Attempts: r.Attempts, CreatedAt: r.CreatedAt, SentAt: r.SentAt,
		Error: r.LastError}
	if r.Routed != "" {
		o.Channel = r.Routed
	}
	if r.Status == store.OutboxPending {
		o.NextAttemptAt = r.NextAttemptAt
	}
	o.Queued, o.Next = localTime(o.CreatedAt, loc), localTime(o.NextAttemptAt, loc)
	if o.NextAttemptAt == "" {
		o.Next = localTime(o.SentAt, loc)
	}
	return o
}

// localTime shows a stored instant in loc to the minute; "" stays "".
func localTime(s string, loc *time.Location) string {
	t, err := store.ParseTime(s)
	if err != nil {
		return s
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

type outboxFlushFlags struct{ maxWait string }

func (f *outboxFlushFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.maxWait, "max-wait", "0", "outbox.flag.max_wait DURATION")
}

// outboxFlush delivers what is due, retrying within the policy, then says
// what became of it on standard error (standard output carries the log
// channel's lines). Exit status 1 when a notification ended failed.
func outboxFlush(ctx context.Context, a *app, args []string) error {
	var f outboxFlushFlags
	fs := newFlags("outbox flush", a.stderr)
	f.define(fs)
	maxWait := &f.maxWait
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput{i18n.Errorf("outbox.args", "flush", pos[0])}
	}
	wait, err := config.ParseDuration(*maxWait)
	if err != nil || wait < 0 {
		return badInput{i18n.Errorf("outbox.max_wait", *maxWait)}
	}
	c, err := a.conf()
	if err != nil {
		return err
	}
	st, err := a.store(ctx, readWrite)
	if err != nil {
		return err
	}
	// The summary lists every failure; the log says more only when asked
	// (BAOXUE_LOG=debug) or when something is wrong beyond a delivery.
	logger := slog.Default()
	if os.Getenv("BAOXUE_LOG") != "debug" {
		logger = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	chans, err := notifier.New(c.Notifier, notifier.Deps{Types: channelTypes(), Out: a.stdout, Logger: logger})
	if err != nil {
		return err
	}
	// What teachers receive is in the installation's language (lang: in
	// baoxue.yaml, Chinese by default), never in that of whoever runs the
	// flush (--lang, BAOXUE_LANG).
	d, err := notifier.NewDispatcher(st, c.Notifier, chans, notifier.Options{Printer: newPrinter(c.Lang), PublicURL: c.HTTP.PublicURL, Logger: logger})
	if err != nil {
		return err
	}
	sum, err := d.Flush(ctx, wait)
	if sum != nil {
		writeFlushSummary(a.stderr, a.p, sum)
	}
	if err != nil {
		return err
	}
	if sum.Failed > 0 {
		return errShown{exitBad}
	}
	return nil
}

func writeFlushSummary(w io.Writer, p *i18n.Printer, s *notifier.Summary) {
	p.Fprintln(w, "outbox.flush.summary", s.Sent, s.Failed, s.Undeliverable, s.Retried, s.Pending)
	for _, status := range []string{store.OutboxFailed, store.OutboxUndeliverable} {
		head := false
		for _, e := range s.Ended {
			if e.Status != status {
				continue
			}
			if !head {
				p.Fprintln(w, "outbox.flush."+status)
				head = true
			}
			p.Fprintln(w, "outbox.flush.row", strconv.FormatInt(e.ID, 10), e.Teacher, e.Name, e.School, e.Center, e.Channel,
				report.OutboxReason(p, e.Reason))
		}
	}
}

type outboxRetryFlags struct{ failed bool }

func (f *outboxRetryFlags) define(fs *flag.FlagSet) {
	fs.BoolVar(&f.failed, "failed", false, "outbox.flag.retry_failed")
	fs.BoolVar(&f.failed, "all-failed", false, "outbox.flag.all_failed")
}

// outboxRetry requeues the failed or undeliverable rows named, or with
// --failed (or its old name --all-failed) every failed row.
func outboxRetry(ctx context.Context, a *app, args []string) error {
	var f outboxRetryFlags
	fs := newFlags("outbox retry", a.stderr)
	f.define(fs)
	failed := &f.failed
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 && !*failed {
		return badInput{i18n.Errorf("outbox.retry.usage")}
	}
	var ids []int64
	for _, s := range pos {
		id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
		if err != nil || id <= 0 {
			return badInput{i18n.Errorf("outbox.retry.bad_id", s)}
		}
		ids = append(ids, id)
	}
	st, err := a.store(ctx, readWrite)
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		status := map[int64]string{}
		if err := st.ListOutbox(ctx, store.OutboxFilter{IDs: ids}, func(r store.OutboxRow) error {
			status[r.ID] = r.Status
			return nil
		}); err != nil {
			return err
		}
		for _, id := range ids {
			s := strconv.FormatInt(id, 10)
			switch status[id] {
			case "":
				return badInput{i18n.Errorf("outbox.retry.missing", s)}
			case store.OutboxSent:
				a.p.Fprintln(a.stderr, "outbox.retry.sent", s)
			case store.OutboxPending:
				a.p.Fprintln(a.stderr, "outbox.retry.pending", s)
			}
		}
	}
	done, err := st.RequeueOutbox(ctx, time.Now(), ids, *failed)
	if err != nil {
		return err
	}
	a.p.Fprintln(a.stdout, "outbox.retry.done", len(done))
	return nil
}
