package main

import (
	"context"
	"flag"
	"strconv"

	"baoxue/i18n"
	"baoxue/report"
	"baoxue/store"
)

// runsFlags are the flags of runs.
type runsFlags struct {
	limit int
	json  bool
}

func (f *runsFlags) define(fs *flag.FlagSet) {
	fs.IntVar(&f.limit, "limit", 20, "lists.flag.limit N")
	fs.BoolVar(&f.json, "json", false, "lists.flag.json")
}

func cmdRuns(ctx context.Context, a *app, args []string) error {
	var fl runsFlags
	fs := newFlags("runs", a.stderr)
	fl.define(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("runs", pos); err != nil {
		return err
	}
	if fl.limit < 0 {
		return badInput{i18n.Errorf("lists.err.limit", strconv.Itoa(fl.limit))}
	}
	st, err := a.store(ctx, readOnly)
	if err != nil {
		return err
	}
	out := report.NewRuns(a.stdout, a.p, fl.json)
	if err := st.StreamRuns(ctx, fl.limit, func(r *store.Run) error {
		row := report.Run{ID: r.ID, Kind: r.Kind, At: r.At, Campaign: r.Campaign, RulesChecksum: r.RulesChecksum,
			Students: r.Students, AlertsNew: r.AlertsNew, AlertsOngoing: r.AlertsOngoing,
			AlertsInhibited: r.AlertsInhibited, AlertsResolved: r.AlertsResolved,
			AlertsRetired: r.AlertsRetired, SchoolsBehind: r.SchoolsBehind, Forced: r.Forced,
			StartedAt: r.StartedAt, FinishedAt: r.FinishedAt.String}
		if r.StudentsAtRisk.Valid {
			n := int(r.StudentsAtRisk.Int64)
			row.StudentsAtRisk = &n
		}
		if r.StudentsNew.Valid {
			n := int(r.StudentsNew.Int64)
			row.StudentsNew = &n
		}
		return out.Write(&row)
	}); err != nil {
		return err
	}
	return out.Close()
}
