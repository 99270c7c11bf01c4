package main

import (
	"context"
	"flag"

	"baoxue/report"
	"baoxue/store"
)

// tasksFlags are the flags of tasks.
type tasksFlags struct {
	open, overdue, closed, json, perTask bool
	teacher, school, at                  string
}

func (f *tasksFlags) define(fs *flag.FlagSet) {
	fs.BoolVar(&f.open, "open", false, "lists.flag.open.tasks")
	fs.BoolVar(&f.overdue, "overdue", false, "lists.flag.overdue")
	fs.BoolVar(&f.closed, "closed", false, "lists.flag.closed")
	fs.StringVar(&f.teacher, "teacher", "", "lists.flag.teacher T")
	fs.StringVar(&f.school, "school", "", "lists.flag.school S")
	fs.StringVar(&f.at, "at", "", "lists.flag.at DATE")
	fs.BoolVar(&f.json, "json", false, "lists.flag.json")
	fs.BoolVar(&f.perTask, "per-task", false, "bystudent.flag.per_task")
}

func cmdTasks(ctx context.Context, a *app, args []string) error {
	var fl tasksFlags
	fs := newFlags("tasks", a.stderr)
	fl.define(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("tasks", pos); err != nil {
		return err
	}
	i, err := oneOf("tasks", []string{"open", "overdue", "closed"}, fl.open, fl.overdue, fl.closed)
	if err != nil {
		return err
	}
	f := store.TaskFilter{Teacher: fl.teacher, School: fl.school}
	if i >= 0 {
		f.State = []store.TaskState{store.TasksOpen, store.TasksOverdue, store.TasksClosed}[i]
	}
	day, err := writtenDay(a, "tasks", "at", fl.at)
	if err != nil {
		return err
	}
	f.At = day.String()
	st, err := a.store(ctx, readOnly)
	if err != nil {
		return err
	}
	if err := knownFilters(ctx, st, "tasks", fl.school, "", fl.teacher); err != nil {
		return err
	}
	if fl.perTask {
		return list(report.NewTasks(a.stdout, a.p, fl.json), func(fn func(*store.TaskRow) error) error {
			return st.StreamTasks(ctx, f, fn)
		}, listedTask)
	}
	return list(report.NewStudentTasks(a.stdout, a.p, fl.json), func(fn func(*store.StudentTasks) error) error {
		return st.StreamStudentTasks(ctx, f, fn)
	}, func(g *store.StudentTasks) report.StudentTasks {
		row := report.StudentTasks{StudentHead: studentHead(&g.Student, g.Severity), Tasks: make([]report.Task, len(g.Tasks))}
		for i := range g.Tasks {
			row.Tasks[i] = listedTask(&g.Tasks[i])
		}
		return row
	})
}

// listedTask is the store's row as the listing shows it.
func listedTask(r *store.TaskRow) report.Task {
	row := report.Task{ID: r.ID, Alert: r.AlertID, Kind: r.Kind, Rule: r.Rule, Status: r.Status, Overdue: r.Overdue,
		Escalation: r.Escalation, Due: r.Due, Created: r.CreatedAt, Closed: r.ClosedAt, Outcome: r.Outcome,
		StudentKey: r.StudentKey, StudentName: r.StudentName, Grade: r.Grade, Class: r.Class,
		School: r.SchoolID, SchoolName: r.SchoolName, Assignee: r.Assignee, AssigneeName: r.AssigneeName,
		Severity: r.Severity, MergedInto: r.MergedInto, Reasons: make([]report.TaskReason, len(r.Reasons))}
	for i, rs := range r.Reasons {
		row.Reasons[i] = report.TaskReason{Alert: rs.AlertID, Rule: rs.Rule, Severity: rs.Severity, Since: rs.Since,
			Ended: rs.Ended, Outcome: rs.Outcome, Left: rs.Left, Message: rs.Message}
	}
	return row
}
