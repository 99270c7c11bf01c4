package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/report"
	"baoxue/rules"
)

func cmdEval(ctx context.Context, a *app, args []string) error {
	fs := newFlags("eval", a.stderr)
	at := fs.String("at", "", "evaluation date YYYY-MM-DD (default: today in the configured timezone)")
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
		return badf("eval: unexpected argument %q", pos[0])
	}
	if *campaign != "" && !rules.IsCampaign(*campaign) {
		return badf("eval: --campaign %q: want march, may or september", *campaign)
	}
	c, err := a.conf()
	if err != nil {
		return err
	}
	t := civil.DayOf(time.Now().In(c.Location))
	if *at != "" {
		if t, err = civil.ParseDay(*at); err != nil {
			return badf("eval: --at: %v", err)
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
		At: t, Campaign: *campaign, DryRun: *dry, Force: *force, Retire: *retire,
		PairingCap: c.Pairing.MaxPerTeacher, Norms: c.Norms(), Progress: report.NewProgress(a.terminal()),
	})
	if err != nil {
		return err
	}
	if *asJSON {
		// Standard output stays JSON lines; what a person must know goes
		// beside it.
		for _, w := range res.Warnings {
			fmt.Fprintf(a.stderr, "warning: %s\n", w)
		}
		return report.WriteJSON(a.stdout, res)
	}
	return report.WriteSummary(a.stdout, res)
}
