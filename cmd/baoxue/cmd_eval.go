package main

import (
	"context"
	"runtime/debug"
	"time"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/report"
	"baoxue/rules"
)

func cmdEval(ctx context.Context, a *app, args []string) error {
	fs := newFlags("eval", a.stderr)
	at := fs.String("at", "", "evaluation date: 2026-03-09, 2026/3/9, 2026.3.9 or 2026年3月9日 (default: today in the configured timezone)")
	dry := fs.Bool("dry-run", false, "compute and print, write and send nothing")
	asJSON := fs.Bool("json", false, "print JSON lines (SPEC §7) instead of a summary")
	campaign := fs.String("campaign", "", "evaluate as the campaign run would: march, may or september")
	force := fs.Bool("force", false, "allow a writing run at a date before the latest run, or at a date no school has reported")
	retire := fs.Bool("retire", false, "let a writing run retire the open alerts of rules that were removed or disabled")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput{i18n.Errorf("eval.unexpected_arg", pos[0])}
	}
	if *campaign != "" && !rules.IsCampaign(*campaign) {
		return badInput{i18n.Errorf("eval.bad_campaign", *campaign)}
	}
	c, err := a.conf()
	if err != nil {
		return err
	}
	t := civil.DayOf(time.Now().In(c.Location))
	if *at != "" {
		if t, err = civil.ParseWritten(*at); err != nil {
			return badInput{i18n.Errorf("eval.bad_at", *at)}
		}
	}
	set, err := a.ruleSet()
	if err != nil {
		return err
	}
	use := readWrite
	if *dry {
		use = readOnly
	}
	st, err := a.store(ctx, use)
	if err != nil {
		return err
	}
	// An evaluation allocates a city's worth of short-lived rows: trade
	// memory (bounded by the limit) for fewer collections.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(1536 << 20)
	res, err := engine.Evaluate(ctx, st, set, engine.Options{
		At: t, Campaign: *campaign, DryRun: *dry, Force: *force, Retire: *retire, Messages: *asJSON,
		PairingCap: c.Pairing.MaxPerTeacher, Norms: c.Norms(), Progress: report.NewProgress(a.terminal()).In(a.p),
	})
	if err != nil {
		return err
	}
	if *asJSON {
		// Standard output stays JSON lines; what a person must know goes
		// beside it.
		for _, w := range res.Warnings {
			a.p.Fprintln(a.stderr, "common.warning", w)
		}
		return report.WriteJSON(a.stdout, res)
	}
	return report.WriteSummary(a.stdout, a.p, res)
}
