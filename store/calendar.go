package store

import (
	"context"
)

// CalendarEntry is one row of the school calendar: the days From to To
// (inclusive, YYYY-MM-DD; a one-day entry has To == From) are holidays or
// make-up school days, for one school or, with SchoolID "", for all.
type CalendarEntry struct {
	From, To, Kind, SchoolID, Note string
}

// UpsertCalendar inserts calendar entries and updates those whose (from,
// school) exists. update names the columns (to_date, kind, note) overwritten
// on existing rows.
func (tx *Tx) UpsertCalendar(ctx context.Context, rows []CalendarEntry, update []string) (Counts, error) {
	if err := checkColumns("calendar", update, []string{"to_date", "kind", "note"}); err != nil {
		return Counts{}, err
	}
	u := upsert{
		table:  "calendar",
		key:    []string{"from_date", "school_id"},
		cols:   []string{"from_date", "to_date", "kind", "school_id", "note"},
		update: update,
	}
	return tx.bulkUpsert(ctx, u, len(rows), func(i int, d []any) {
		r := &rows[i]
		d[0], d[1], d[2], d[3], d[4] = r.From, r.To, r.Kind, r.SchoolID, r.Note
	})
}
