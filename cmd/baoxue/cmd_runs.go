package main

import (
	"context"
	"strconv"

	"baoxue/i18n"
	"baoxue/report"
	"baoxue/store"
)

func cmdRuns(ctx context.Context, a *app, args []string) error {
	p := printerOf(a)
	fs := newFlags("runs", a.stderr)
	limit := fs.Int("limit", 20, p.Sprintf("lists.flag.limit"))
	asJSON := fs.Bool("json", false, p.Sprintf("lists.flag.json"))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("runs", pos); err != nil {
		return err
	}
	if *limit < 0 {
		return badInput{i18n.Errorf("lists.err.limit", strconv.Itoa(*limit))}
	}
	st, err := a.store(ctx, readOnly)
	if err != nil {
		return err
	}
	out := report.NewRuns(a.stdout, p, *asJSON)
	if err := st.StreamRuns(ctx, *limit, func(r *store.Run) error {
		row := report.Run{ID: r.ID, Kind: r.Kind, At: r.At, Campaign: r.Campaign, RulesChecksum: r.RulesChecksum,
			Students: r.Students, AlertsNew: r.AlertsNew, AlertsOngoing: r.AlertsOngoing, AlertsResolved: r.AlertsResolved,
			AlertsRetired: r.AlertsRetired, SchoolsBehind: r.SchoolsBehind, Forced: r.Forced,
			StartedAt: r.StartedAt, FinishedAt: r.FinishedAt.String}
		return out.Write(&row)
	}); err != nil {
		return err
	}
	return out.Close()
}
