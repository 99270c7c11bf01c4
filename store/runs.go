package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Run is one committed evaluation or campaign run. AlertsNew and
// AlertsOngoing leave out the inhibited alerts, which AlertsInhibited
// counts (new or not).
type Run struct {
	ID              int64          `db:"id"`
	Kind            string         `db:"kind"`
	StartedAt       string         `db:"started_at"`
	FinishedAt      sql.NullString `db:"finished_at"`
	At              string         `db:"at_date"`
	Campaign        string         `db:"campaign"`
	RulesChecksum   string         `db:"rules_checksum"`
	Students        int            `db:"students"`
	AlertsNew       int            `db:"alerts_new"`
	AlertsOngoing   int            `db:"alerts_ongoing"`
	AlertsInhibited int            `db:"alerts_inhibited"`
	AlertsResolved  int            `db:"alerts_resolved"`
	// StudentsAtRisk are the students at least one rule fired for,
	// StudentsNew those of them with no open alert before the run; NULL
	// for a run recorded before runs counted them.
	StudentsAtRisk sql.NullInt64 `db:"students_at_risk"`
	StudentsNew    sql.NullInt64 `db:"students_new"`
	// AlertsRetired are alerts whose rule was removed or disabled.
	AlertsRetired int `db:"alerts_retired"`
	// SchoolsBehind are the schools evaluated as of a day before At, or
	// not at all, because their attendance was not reported.
	SchoolsBehind int  `db:"schools_behind"`
	Forced        bool `db:"forced"`
}

// LatestRunAt returns the evaluation date of the latest committed
// evaluation or campaign run, or "" when there is none. Escalation runs
// (kind "escalate") decide no alert and do not count.
func (s *queries) LatestRunAt(ctx context.Context) (string, error) {
	var at sql.NullString
	if err := s.db.GetContext(ctx, &at, `SELECT MAX(at_date) FROM runs WHERE kind <> 'escalate'`); err != nil {
		return "", fmt.Errorf("read runs: %w", err)
	}
	return at.String, nil
}

// InsertRun records a run and returns its id.
func (s *queries) InsertRun(ctx context.Context, r *Run) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, s.rebind(`INSERT INTO runs (kind, started_at, finished_at, at_date, campaign,
		rules_checksum, students, alerts_new, alerts_ongoing, alerts_inhibited, alerts_resolved, alerts_retired, schools_behind, forced,
		students_at_risk, students_new)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		r.Kind, r.StartedAt, r.FinishedAt, r.At, r.Campaign, r.RulesChecksum, r.Students, r.AlertsNew,
		r.AlertsOngoing, r.AlertsInhibited, r.AlertsResolved, r.AlertsRetired, r.SchoolsBehind, r.Forced,
		r.StudentsAtRisk, r.StudentsNew)
	if err != nil {
		return 0, fmt.Errorf("record run: %w", err)
	}
	return id, nil
}

// FinishRun records when a run finished writing.
func (s *queries) FinishRun(ctx context.Context, id int64, at string) error {
	if _, err := s.db.ExecContext(ctx, s.rebind(`UPDATE runs SET finished_at = ? WHERE id = ?`), at, id); err != nil {
		return fmt.Errorf("record run: %w", err)
	}
	return nil
}

// StreamRuns calls fn for the runs recorded, the latest first (by id,
// descending: the order they committed), at most limit of them (every run
// when limit <= 0), in one streamed query. fn must not keep the pointer
// past its call; an error from fn stops the stream and is returned as it is.
func (s *queries) StreamRuns(ctx context.Context, limit int, fn func(*Run) error) error {
	q := `SELECT id, kind, started_at, finished_at, at_date, campaign, rules_checksum, students, alerts_new,
		alerts_ongoing, alerts_inhibited, alerts_resolved, alerts_retired, schools_behind, forced, students_at_risk, students_new
		FROM runs ORDER BY id DESC`
	var args []any
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(q), args...)
	if err != nil {
		return fmt.Errorf("read runs: %w", err)
	}
	defer rows.Close()
	var r Run
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.Kind, &r.StartedAt, &r.FinishedAt, &r.At, &r.Campaign, &r.RulesChecksum, &r.Students,
			&r.AlertsNew, &r.AlertsOngoing, &r.AlertsInhibited, &r.AlertsResolved, &r.AlertsRetired, &r.SchoolsBehind, &r.Forced,
			&r.StudentsAtRisk, &r.StudentsNew); err != nil {
			return fmt.Errorf("read runs: %w", err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read runs: %w", err)
	}
	return nil
}
