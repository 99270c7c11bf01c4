package main

import (
	"context"

	"baoxue/report"
	"baoxue/store"
)

func cmdAlerts(ctx context.Context, a *app, args []string) error {
	p := printerOf(a)
	fs := newFlags("alerts", a.stderr)
	open := fs.Bool("open", false, p.Sprintf("lists.flag.open.alerts"))
	resolved := fs.Bool("resolved", false, p.Sprintf("lists.flag.resolved"))
	retired := fs.Bool("retired", false, p.Sprintf("lists.flag.retired"))
	school := fs.String("school", "", p.Sprintf("lists.flag.school"))
	center := fs.String("center", "", p.Sprintf("lists.flag.center"))
	rule := fs.String("rule", "", p.Sprintf("lists.flag.rule"))
	since := fs.String("since", "", p.Sprintf("lists.flag.since"))
	asJSON := fs.Bool("json", false, p.Sprintf("lists.flag.json"))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("alerts", pos); err != nil {
		return err
	}
	i, err := oneOf("alerts", []string{"open", "resolved", "retired"}, *open, *resolved, *retired)
	if err != nil {
		return err
	}
	f := store.AlertFilter{School: *school, Center: *center, Rule: *rule}
	if i >= 0 {
		f.State = []store.AlertState{store.AlertsOpen, store.AlertsResolved, store.AlertsRetired}[i]
	}
	if *since != "" {
		d, err := writtenDay(a, "alerts", "since", *since)
		if err != nil {
			return err
		}
		f.Since = d.String()
	}
	st, err := a.store(ctx, readOnly)
	if err != nil {
		return err
	}
	out := report.NewAlerts(a.stdout, p, *asJSON)
	if err := st.StreamAlerts(ctx, f, func(r *store.AlertRow) error {
		row := listedAlert(r)
		return out.Write(&row)
	}); err != nil {
		return err
	}
	return out.Close()
}

// listedAlert is the store's row as the listing shows it.
func listedAlert(r *store.AlertRow) report.Alert {
	a := report.Alert{ID: r.ID, Rule: r.Rule, Severity: r.Severity, State: string(r.State()), Outcome: r.Outcome,
		Opened: r.OpenedAt, Ended: r.EndedAt, LastNotified: r.LastNotifiedAt, Notifications: r.Notifications,
		StudentKey: r.StudentKey, StudentName: r.StudentName, Grade: r.Grade, Class: r.Class,
		School: r.SchoolID, SchoolName: r.SchoolName, Center: r.Center}
	if r.TaskID != 0 {
		a.Task = &report.AlertTask{ID: r.TaskID, Kind: r.TaskKind, Status: r.TaskStatus, Due: r.TaskDue,
			Assignee: r.Assignee, AssigneeName: r.AssigneeName}
	}
	return a
}
