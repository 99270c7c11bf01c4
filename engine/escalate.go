package engine

import (
	"context"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/store"
)

// EscalateResult is what an escalation run did.
type EscalateResult struct {
	// RunID is the run recorded (kind "escalate"); 0 when nothing was
	// escalated, and so nothing written.
	RunID int64
	At    civil.Day
	// Escalations are the levels reached at this run, each recorded and
	// notified once.
	Escalations []Escalation
	// Gaps are the escalations that found no one in the role they go to
	// and went to the next one up (or to no one).
	Gaps []Gap
	// Notified counts the digests queued.
	Notified int
}

// Escalate escalates the tasks overdue at opt.At as an evaluation does
// (level 1 to the school's principals once due, level 2 to the center's
// admins at twice the time from creation to due), without evaluating any
// rule: the `escalate` schedule of the daemon (SPEC §8). It holds the data
// lock, and records the escalations, the digests that tell them and the
// run in one transaction; a level already recorded, by an evaluation or
// an earlier escalation run, is neither recorded nor notified again. With
// nothing to escalate it writes nothing. Only opt.At and opt.Now are read.
func Escalate(ctx context.Context, st *store.Store, opt Options) (*EscalateResult, error) {
	opt.defaults()
	started := opt.Now()
	t := opt.At
	tx, err := st.BeginBulk(ctx, store.DataLock)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	spans, err := st.CalendarSpans(ctx)
	if err != nil {
		return nil, err
	}
	cal, err := NewCalendar(spans)
	if err != nil {
		return nil, err
	}
	schools, teachers, err := st.Directory(ctx)
	if err != nil {
		return nil, err
	}
	overdue, err := st.OverdueTasks(ctx, t.String())
	if err != nil {
		return nil, err
	}
	l := &lifecycle{dir: newDirectory(schools, teachers), cal: cal, t: t}
	p := &plan{}
	l.escalate(p, overdue)
	res := &EscalateResult{At: t, Gaps: p.gaps}
	if len(p.escalations) == 0 {
		return res, nil
	}
	runID, err := tx.InsertRun(ctx, &store.Run{Kind: "escalate", StartedAt: store.FormatTime(started), At: t.String()})
	if err != nil {
		return nil, err
	}
	var escalated []Escalation
	for _, e := range p.escalations {
		ok, err := tx.EscalateTask(ctx, runID, e.Task, e.Level, t.String())
		if err != nil {
			return nil, err
		}
		if ok {
			escalated = append(escalated, e)
		}
	}
	if len(escalated) == 0 {
		return res, nil // rolled back: the run escalated nothing
	}
	msgs, err := notifications(runID, t, &plan{}, escalated)
	if err != nil {
		return nil, err
	}
	if err := tx.Enqueue(ctx, store.FormatTime(opt.Now()), msgs); err != nil {
		return nil, err
	}
	if err := tx.FinishRun(ctx, runID, store.FormatTime(opt.Now())); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, i18n.Errorf("engine.commit", err)
	}
	res.RunID, res.Escalations, res.Notified = runID, escalated, len(msgs)
	return res, nil
}
