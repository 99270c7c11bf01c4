package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// AssignPairingTx makes teacher the one-to-one pairing teacher of student sid,
// recording why, unless the student already has one (then it returns false).
func (s *Store) AssignPairingTx(ctx context.Context, tx *sqlx.Tx, runID, sid int64, teacher, reason, now string) (bool, error) {
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE students SET pairing_teacher_id = ?, updated_at = ?
		WHERE sid = ? AND pairing_teacher_id = ''`), teacher, now, sid)
	if err != nil {
		return false, fmt.Errorf("assign pairing teacher: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO pairings (sid, teacher_id, reason, assigned_at, run_id)
		VALUES (?, ?, ?, ?, ?)`), sid, teacher, reason, now, runID); err != nil {
		return false, fmt.Errorf("record pairing: %w", err)
	}
	return true, nil
}
