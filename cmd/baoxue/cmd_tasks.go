package main

import (
	"context"

	"baoxue/report"
	"baoxue/store"
)

func cmdTasks(ctx context.Context, a *app, args []string) error {
	p := printerOf(a)
	fs := newFlags("tasks", a.stderr)
	open := fs.Bool("open", false, p.Sprintf("lists.flag.open.tasks"))
	overdue := fs.Bool("overdue", false, p.Sprintf("lists.flag.overdue"))
	closed := fs.Bool("closed", false, p.Sprintf("lists.flag.closed"))
	teacher := fs.String("teacher", "", p.Sprintf("lists.flag.teacher"))
	school := fs.String("school", "", p.Sprintf("lists.flag.school"))
	at := fs.String("at", "", p.Sprintf("lists.flag.at"))
	asJSON := fs.Bool("json", false, p.Sprintf("lists.flag.json"))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("tasks", pos); err != nil {
		return err
	}
	i, err := oneOf("tasks", []string{"open", "overdue", "closed"}, *open, *overdue, *closed)
	if err != nil {
		return err
	}
	f := store.TaskFilter{Teacher: *teacher, School: *school}
	if i >= 0 {
		f.State = []store.TaskState{store.TasksOpen, store.TasksOverdue, store.TasksClosed}[i]
	}
	day, err := writtenDay(a, "tasks", "at", *at)
	if err != nil {
		return err
	}
	f.At = day.String()
	st, err := a.store(ctx, readOnly)
	if err != nil {
		return err
	}
	out := report.NewTasks(a.stdout, p, *asJSON)
	if err := st.StreamTasks(ctx, f, func(r *store.TaskRow) error {
		row := report.Task{ID: r.ID, Alert: r.AlertID, Kind: r.Kind, Rule: r.Rule, Status: r.Status, Overdue: r.Overdue,
			Escalation: r.Escalation, Due: r.Due, Created: r.CreatedAt, Closed: r.ClosedAt, Outcome: r.Outcome,
			StudentKey: r.StudentKey, StudentName: r.StudentName, Grade: r.Grade, Class: r.Class,
			School: r.SchoolID, SchoolName: r.SchoolName, Assignee: r.Assignee, AssigneeName: r.AssigneeName}
		return out.Write(&row)
	}); err != nil {
		return err
	}
	return out.Close()
}
