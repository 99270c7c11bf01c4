package main

import (
	"context"
	"flag"
	"time"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/report"
	"baoxue/store"
)

func cmdAudit(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		return badInput{i18n.Errorf("audit.usage")}
	}
	if args[0] != "list" {
		return badInput{i18n.Errorf("audit.unknown", args[0])}
	}
	return auditList(ctx, a, args[1:])
}

// auditCommands are the subcommands of audit, for help and completion.
func auditCommands() []command {
	return []command{
		{name: "list", summary: "cmd.audit.list.summary", flags: new(auditListFlags).define},
	}
}

type auditListFlags struct {
	since string
	json  bool
}

func (f *auditListFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.since, "since", "", "audit.flag.since DATE")
	fs.BoolVar(&f.json, "json", false, "audit.flag.json")
}

// auditList streams the audit entries, oldest first: every one, or those
// made on or after the start of --since DATE in the configured time zone.
func auditList(ctx context.Context, a *app, args []string) error {
	var f auditListFlags
	fs := newFlags("audit list", a.stderr)
	f.define(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("audit list", pos); err != nil {
		return err
	}
	c, err := a.conf()
	if err != nil {
		return err
	}
	var since time.Time
	if f.since != "" {
		d, err := civil.ParseWritten(f.since)
		if err != nil {
			return badInput{i18n.Errorf("lists.err.date", "audit list", "--since", err)}
		}
		y, m, dd := d.Date()
		since = time.Date(y, time.Month(m), dd, 0, 0, 0, 0, c.Location)
	}
	st, err := a.store(ctx, readOnly)
	if err != nil {
		return err
	}
	out := report.NewAudit(a.stdout, a.p, f.json)
	if err := st.StreamAudit(ctx, since, func(e *store.Audit) error {
		row := report.AuditEntry{ID: e.ID, At: store.FormatTime(e.At), Actor: e.Actor, Action: e.Action,
			Object: e.Object, Detail: e.Detail, Local: e.At.In(c.Location).Format("2006-01-02 15:04:05")}
		return out.Write(&row)
	}); err != nil {
		return err
	}
	return out.Close()
}
