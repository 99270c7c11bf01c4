package scheduler

import (
	"time"

	"github.com/robfig/cron/v3"

	"baoxue/civil"
	"baoxue/engine"
)

// dayRule says on which days a job's cron times count.
type dayRule int

const (
	// everyDay: every time of the cron spec.
	everyDay dayRule = iota
	// schoolDays: the times that fall on a school day; the others are
	// dropped.
	schoolDays
	// firstSchoolDay: each time moves, at the same clock time, to the first
	// school day on or after its day.
	firstSchoolDay
)

// maxSteps bounds the iterations of one Next or prev, so that a calendar
// without school days cannot make them loop for ever.
const maxSteps = 100000

// schedule is a cron spec read in loc with a dayRule applied; it is a
// cron.Schedule. cal returns the current calendar.
type schedule struct {
	spec cron.Schedule
	loc  *time.Location
	rule dayRule
	cal  func() *engine.Calendar
}

// Next returns the first time of the schedule after t, zero when there is
// none.
func (s schedule) Next(t time.Time) time.Time {
	t = t.In(s.loc)
	switch s.rule {
	case schoolDays:
		c := s.spec.Next(t)
		for i := 0; i < maxSteps && !c.IsZero() && !s.schoolDay(c); i++ {
			c = s.spec.Next(c)
		}
		if !c.IsZero() && !s.schoolDay(c) {
			return time.Time{}
		}
		return c
	case firstSchoolDay:
		// A time before t may move past it: start from a year back, as far
		// as engine.Calendar.NextSchoolDay looks.
		c := s.spec.Next(t.AddDate(-1, 0, -1))
		for i := 0; i < maxSteps && !c.IsZero(); i++ {
			if e := s.shift(c); e.After(t) {
				return e
			}
			c = s.spec.Next(c)
		}
		return time.Time{}
	}
	return s.spec.Next(t)
}

func (s schedule) schoolDay(t time.Time) bool {
	return s.cal().IsSchoolDay("", civil.DayOf(t.In(s.loc)))
}

// shift moves t to the first school day on or after its day.
func (s schedule) shift(t time.Time) time.Time {
	d := civil.DayOf(t)
	n := s.cal().NextSchoolDay("", d)
	return t.AddDate(0, 0, int(n-d))
}

// prev returns the latest time of the schedule in (now-window, now], and
// false when there is none.
func (s schedule) prev(now time.Time, window time.Duration) (time.Time, bool) {
	var last time.Time
	c := s.Next(now.Add(-window))
	for i := 0; i < maxSteps && !c.IsZero() && !c.After(now); i++ {
		last = c
		c = s.Next(c)
	}
	return last, !last.IsZero()
}
