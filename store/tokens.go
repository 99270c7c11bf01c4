package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Token is an API token as stored: its SHA-256 (hex), never the token.
// TeacherID is "" for an admin token. Instants are in TimeFormat;
// RevokedAt is "" while the token is not revoked.
type Token struct {
	ID        int64
	Hash      string
	TeacherID string
	Admin     bool
	CreatedBy string
	CreatedAt string
	ExpiresAt string
	RevokedAt string
}

// The states of a token (Token.State).
const (
	TokenActive  = "active"
	TokenExpired = "expired"
	TokenRevoked = "revoked"
)

// State says whether the token is active, expired or revoked at now. A
// revoked token is revoked whether or not it has expired since.
func (t *Token) State(now time.Time) string {
	switch {
	case t.RevokedAt != "":
		return TokenRevoked
	case t.ExpiresAt <= FormatTime(now):
		return TokenExpired
	}
	return TokenActive
}

// InsertToken records a token (its hash) and returns its id. Call it on
// the Tx that audits the creation.
func (s *queries) InsertToken(ctx context.Context, t Token) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, s.rebind(`INSERT INTO tokens (hash, teacher_id, admin, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), t.Hash, t.TeacherID, t.Admin, t.CreatedBy, t.CreatedAt, t.ExpiresAt)
	if err != nil {
		return 0, fmt.Errorf("create token: %w", err)
	}
	return id, nil
}

const tokenColumns = `id, hash, teacher_id, admin, created_by, created_at, expires_at, COALESCE(revoked_at, '')`

func scanToken(sc interface{ Scan(...any) error }, t *Token) error {
	return sc.Scan(&t.ID, &t.Hash, &t.TeacherID, &t.Admin, &t.CreatedBy, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt)
}

// TokenByHash returns the token whose hash is hash; false when there is
// none.
func (s *queries) TokenByHash(ctx context.Context, hash string) (Token, bool, error) {
	return s.token(ctx, `hash = ?`, hash)
}

// TokenByID returns the token id; false when there is none.
func (s *queries) TokenByID(ctx context.Context, id int64) (Token, bool, error) {
	return s.token(ctx, `id = ?`, id)
}

func (s *queries) token(ctx context.Context, cond string, arg any) (Token, bool, error) {
	var t Token
	err := scanToken(s.db.QueryRowContext(ctx, s.rebind(`SELECT `+tokenColumns+` FROM tokens WHERE `+cond), arg), &t)
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, false, nil
	}
	if err != nil {
		return Token{}, false, fmt.Errorf("read token: %w", err)
	}
	return t, true, nil
}

// RevokeToken revokes token id at now; false when it was revoked already
// (or is not there). Call it on the Tx that audits the revocation.
func (s *queries) RevokeToken(ctx context.Context, id int64, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.rebind(`UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`),
		FormatTime(now), id)
	if err != nil {
		return false, fmt.Errorf("revoke token %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("revoke token %d: %w", id, err)
	}
	return n == 1, nil
}

// TokenRow is a token as `token list` shows it: with its teacher's name,
// role, school and center ("" when the teacher is no longer in the
// directory, and for an admin token).
type TokenRow struct {
	Token
	TeacherName, Role, SchoolID, SchoolName, Center string
}

// StreamTokens calls fn for every token, in id order, in one streamed
// query. fn must not keep the pointer past its call.
func (s *queries) StreamTokens(ctx context.Context, fn func(*TokenRow) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT k.id, k.hash, k.teacher_id, k.admin, k.created_by, k.created_at, k.expires_at,
		COALESCE(k.revoked_at, ''), COALESCE(te.name, ''), COALESCE(te.role, ''), COALESCE(te.school_id, ''),
		COALESCE(sc.name, ''), COALESCE(NULLIF(te.center, ''), sc.center, '')
		FROM tokens k
		LEFT JOIN teachers te ON te.id = k.teacher_id AND k.teacher_id <> ''
		LEFT JOIN schools sc ON sc.id = te.school_id
		ORDER BY k.id`)
	if err != nil {
		return fmt.Errorf("read tokens: %w", err)
	}
	defer rows.Close()
	var t TokenRow
	for rows.Next() {
		if err := rows.Scan(&t.ID, &t.Hash, &t.TeacherID, &t.Admin, &t.CreatedBy, &t.CreatedAt, &t.ExpiresAt,
			&t.RevokedAt, &t.TeacherName, &t.Role, &t.SchoolID, &t.SchoolName, &t.Center); err != nil {
			return fmt.Errorf("read tokens: %w", err)
		}
		if err := fn(&t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read tokens: %w", err)
	}
	return nil
}
