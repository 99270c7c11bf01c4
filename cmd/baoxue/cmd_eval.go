package main

import (
	"context"
	"flag"
	"os"
	"runtime/debug"
	"time"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/report"
	"baoxue/rules"
	"baoxue/store"
)

// evalFlags are the flags of eval.
type evalFlags struct {
	at, campaign             string
	dry, json, force, retire bool
}

func (f *evalFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.at, "at", "", "eval.flag.at DATE")
	fs.BoolVar(&f.dry, "dry-run", false, "eval.flag.dry_run")
	fs.BoolVar(&f.json, "json", false, "eval.flag.json")
	fs.StringVar(&f.campaign, "campaign", "", "eval.flag.campaign march|may|september")
	fs.BoolVar(&f.force, "force", false, "eval.flag.force")
	fs.BoolVar(&f.retire, "retire", false, "eval.flag.retire")
}

func cmdEval(ctx context.Context, a *app, args []string) error {
	var f evalFlags
	fs := newFlags("eval", a.stderr)
	f.define(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput{i18n.Errorf("eval.unexpected_arg", pos[0])}
	}
	if f.campaign != "" && !rules.IsCampaign(f.campaign) {
		return badInput{i18n.Errorf("eval.bad_campaign", f.campaign)}
	}
	c, err := a.conf()
	if err != nil {
		return err
	}
	today := civil.DayOf(time.Now().In(c.Location))
	t := today
	if f.at != "" {
		if t, err = civil.ParseWritten(f.at); err != nil {
			return badInput{i18n.Errorf("eval.bad_at", f.at)}
		}
	}
	// A writing run after today would resolve what has not happened yet
	// and refuse every real run before it: a typo, unless forced.
	if t > today && !f.dry && !f.force {
		return badInput{i18n.Errorf("eval.future", t.String(), today.String())}
	}
	set, err := a.ruleSet()
	if err != nil {
		return err
	}
	use := readWrite
	if f.dry {
		use = readOnly
	}
	st, err := a.store(ctx, use)
	if err != nil {
		return err
	}
	// An evaluation allocates a city's worth of short-lived rows: trade
	// memory (bounded by the limit) for fewer collections. A province,
	// whose live rows come near the limit, sets its own (GOMEMLIMIT):
	// under 1.5 GiB the collector runs all the time (docs/scale.md).
	debug.SetGCPercent(400)
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(evalMemoryLimit(st.Dialect))
	}
	res, err := engine.Evaluate(ctx, st, set, engine.Options{
		At: t, Campaign: f.campaign, DryRun: f.dry, Force: f.force, Retire: f.retire, Messages: f.json,
		PairingCap: c.Pairing.MaxPerTeacher, Norms: c.Norms(), Zone: c.Location,
		Progress: report.NewProgress(a.terminal()).In(a.p),
	})
	if err != nil {
		return err
	}
	if f.json {
		// Standard output stays JSON lines; what a person must know goes
		// beside it.
		for _, w := range res.Warnings {
			a.p.Fprintln(a.stderr, "common.warning", w)
		}
		return report.WriteJSON(a.stdout, res)
	}
	return report.WriteSummary(a.stdout, a.p, res)
}

// evalMemoryLimit is an evaluation's soft memory limit unless GOMEMLIMIT
// sets one: 1.5 GiB, less on SQLite, whose page caches (and what it
// allocates for a run's writes) are outside the Go heap the limit counts.
// A 1M city's first writing run on SQLite peaked at 1.69-2.0 GB with
// 1.5 GiB, 1.35-1.5 GB with 1 GiB, in no more time (BENCHMARKS.md).
func evalMemoryLimit(d store.Dialect) int64 {
	if d == store.SQLite {
		return 1 << 30
	}
	return 1536 << 20
}
