package main

import (
	"context"
	"flag"
	"strings"

	"baoxue/report"
	"baoxue/store"
)

// alertsFlags are the flags of alerts.
type alertsFlags struct {
	open, resolved, retired, json, perAlert bool
	school, center, rule, since             string
}

func (f *alertsFlags) define(fs *flag.FlagSet) {
	fs.BoolVar(&f.open, "open", false, "lists.flag.open.alerts")
	fs.BoolVar(&f.resolved, "resolved", false, "lists.flag.resolved")
	fs.BoolVar(&f.retired, "retired", false, "lists.flag.retired")
	fs.StringVar(&f.school, "school", "", "lists.flag.school S")
	fs.StringVar(&f.center, "center", "", "lists.flag.center C")
	fs.StringVar(&f.rule, "rule", "", "lists.flag.rule R")
	fs.StringVar(&f.since, "since", "", "lists.flag.since DATE")
	fs.BoolVar(&f.json, "json", false, "lists.flag.json")
	fs.BoolVar(&f.perAlert, "per-alert", false, "bystudent.flag.per_alert")
}

func cmdAlerts(ctx context.Context, a *app, args []string) error {
	var fl alertsFlags
	fs := newFlags("alerts", a.stderr)
	fl.define(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("alerts", pos); err != nil {
		return err
	}
	i, err := oneOf("alerts", []string{"open", "resolved", "retired"}, fl.open, fl.resolved, fl.retired)
	if err != nil {
		return err
	}
	f := store.AlertFilter{School: fl.school, Center: fl.center, Rule: fl.rule}
	if i >= 0 {
		f.State = []store.AlertState{store.AlertsOpen, store.AlertsResolved, store.AlertsRetired}[i]
	}
	if fl.since != "" {
		d, err := writtenDay(a, "alerts", "since", fl.since)
		if err != nil {
			return err
		}
		f.Since = d.String()
	}
	st, err := a.store(ctx, readOnly)
	if err != nil {
		return err
	}
	if err := knownFilters(ctx, st, "alerts", fl.school, fl.center, ""); err != nil {
		return err
	}
	if fl.perAlert {
		return list(report.NewAlerts(a.stdout, a.p, fl.json), func(fn func(*store.AlertRow) error) error {
			return st.StreamAlerts(ctx, f, fn)
		}, listedAlert)
	}
	return list(report.NewStudentAlerts(a.stdout, a.p, fl.json), func(fn func(*store.StudentAlerts) error) error {
		return st.StreamStudentAlerts(ctx, f, fn)
	}, listedStudentAlerts)
}

// listedStudentAlerts is the store's student with their alerts and open
// tasks as the listing shows them.
func listedStudentAlerts(g *store.StudentAlerts) report.StudentAlerts {
	row := report.StudentAlerts{StudentHead: studentHead(&g.Student, g.Severity), Alerts: make([]report.Alert, len(g.Alerts))}
	for i := range g.Alerts {
		row.Alerts[i] = listedAlert(&g.Alerts[i])
	}
	for _, t := range g.Tasks {
		row.Tasks = append(row.Tasks, report.AlertTask{ID: t.ID, Kind: t.Kind, Status: t.Status, Due: t.Due,
			Assignee: t.Assignee, AssigneeName: t.AssigneeName})
	}
	return row
}

// listedAlert is the store's row as the listing shows it.
func listedAlert(r *store.AlertRow) report.Alert {
	a := report.Alert{ID: r.ID, Rule: r.Rule, Severity: r.Severity, State: string(r.State()), Outcome: r.Outcome,
		Opened: r.OpenedAt, Ended: r.EndedAt, LastNotified: r.LastNotifiedAt, Notifications: r.Notifications,
		StudentKey: r.StudentKey, StudentName: r.StudentName, Grade: r.Grade, Class: r.Class,
		School: r.SchoolID, SchoolName: r.SchoolName, Center: r.Center}
	if r.InhibitedBy != "" && r.EndedAt == "" {
		a.InhibitedBy = strings.Split(r.InhibitedBy, ",")
	}
	if r.TaskID != 0 {
		a.Task = &report.AlertTask{ID: r.TaskID, Kind: r.TaskKind, Status: r.TaskStatus, Due: r.TaskDue,
			Assignee: r.Assignee, AssigneeName: r.AssigneeName}
	}
	return a
}
