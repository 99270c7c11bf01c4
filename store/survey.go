package store

import (
	"context"
	"time"
)

// SurveyChild is one child found by the home-visit survey (大家访).
// PersonKey is "township|village|national_id", or
// "township|village|name|birth_date" when the national ID is unknown (the
// name normalised as the importer does it).
type SurveyChild struct {
	PersonKey, Township, Village, Name, BirthDate, NationalID, EnrolledSchool, Note string
}

// UpsertSurvey inserts surveyed children and updates those whose person key
// exists; update names the columns (name, birth_date, national_id,
// enrolled_school, note) overwritten on existing rows.
func (tx *Tx) UpsertSurvey(ctx context.Context, rows []SurveyChild, update []string, now time.Time) (Counts, error) {
	return upsertAll(ctx, rows, func() (*Staged[SurveyChild], error) { return tx.StageSurvey(ctx, update, now) })
}

// StageSurvey begins an UpsertSurvey whose rows are staged chunk by chunk
// (Staged).
func (tx *Tx) StageSurvey(ctx context.Context, update []string, now time.Time) (*Staged[SurveyChild], error) {
	if err := checkColumns("survey", update, []string{"name", "birth_date", "national_id", "enrolled_school", "note"}); err != nil {
		return nil, err
	}
	ts := FormatTime(now)
	u := upsert{
		table:  "survey",
		key:    []string{"person_key"},
		cols:   []string{"person_key", "township", "village", "name", "birth_date", "national_id", "enrolled_school", "note", "updated_at"},
		update: append(append([]string{}, update...), "updated_at"),
	}
	return newStaged(ctx, tx, u, func(r *SurveyChild, d []any) {
		d[0], d[1], d[2], d[3], d[4] = r.PersonKey, r.Township, r.Village, r.Name, r.BirthDate
		d[5], d[6], d[7], d[8] = r.NationalID, r.EnrolledSchool, r.Note, ts
	})
}
