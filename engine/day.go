package engine

import (
	"time"

	"baoxue/civil"
)

// Day is civil.Day, kept for callers outside engine that still name it
// engine.Day; engine itself writes civil.Day.
type Day = civil.Day

// DayOf is civil.DayOf, kept for callers outside engine.
func DayOf(t time.Time) civil.Day { return civil.DayOf(t) }

// ParseDay is civil.ParseDay, kept for callers outside engine.
func ParseDay(s string) (civil.Day, error) { return civil.ParseDay(s) }
