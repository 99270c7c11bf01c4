package server

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"baoxue/i18n"
	"baoxue/store"
)

// Token lifetimes: a token lives DefaultTokenLife unless its creator says
// otherwise, and never more than MaxTokenLife (a school year and a day),
// so that a forgotten token stops working by itself.
const (
	DefaultTokenLife = 90 * 24 * time.Hour
	MaxTokenLife     = 366 * 24 * time.Hour
)

// TokenRequest asks for a token: for the teacher Teacher of the directory,
// or with Admin an admin token; valid for Life (DefaultTokenLife when 0).
// Actor is who asks, for the audit (cli:USER).
type TokenRequest struct {
	Teacher string
	Admin   bool
	Life    time.Duration
	Actor   string
	Now     time.Time
}

// Created is a token just made. Token is the only copy of the token there
// will ever be: show it once, and keep it nowhere.
type Created struct {
	ID        int64
	Token     string
	ExpiresAt time.Time
	// Teacher is the teacher the token acts for (zero for an admin token).
	Teacher store.Teacher
}

// badInput is a request of the command line refused for what it asks: the
// user's to fix (exit status 1).
type badInput struct{ error }

// BadInput reports true (inputerr.BadInput).
func (badInput) BadInput() bool { return true }

// Localize renders the error in p's language.
func (b badInput) Localize(p *i18n.Printer) string {
	if l, ok := b.error.(i18n.Localized); ok {
		return l.Localize(p)
	}
	return b.Error()
}

func (b badInput) Unwrap() error { return b.error }

func refuse(key string, args ...any) error { return badInput{i18n.Errorf(key, args...)} }

// CreateToken makes a token as req asks and records its hash, with an
// audit entry, in one transaction. A teacher not in the directory, both or
// neither of Teacher and Admin, and a life that is not positive or longer
// than MaxTokenLife are refused.
func CreateToken(ctx context.Context, st *store.Store, req TokenRequest) (Created, error) {
	if req.Admin == (req.Teacher != "") {
		return Created{}, refuse("token.create.which")
	}
	if req.Life == 0 {
		req.Life = DefaultTokenLife
	}
	if req.Life < 0 || req.Life > MaxTokenLife {
		return Created{}, refuse("token.create.life", int(MaxTokenLife/(24*time.Hour)))
	}
	c := Created{ExpiresAt: req.Now.Add(req.Life)}
	if !req.Admin {
		ts, err := st.TeachersByID(ctx, []string{req.Teacher})
		if err != nil {
			return Created{}, err
		}
		t, ok := ts[req.Teacher]
		if !ok {
			return Created{}, refuse("token.create.no_teacher", req.Teacher)
		}
		c.Teacher = t
	}
	token, hash, err := newToken()
	if err != nil {
		return Created{}, fmt.Errorf("make a token: %w", err)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		id, err := tx.InsertToken(ctx, store.Token{Hash: hash, TeacherID: req.Teacher, Admin: req.Admin,
			CreatedBy: req.Actor, CreatedAt: store.FormatTime(req.Now), ExpiresAt: store.FormatTime(c.ExpiresAt)})
		if err != nil {
			return err
		}
		c.ID = id
		detail := "create teacher " + req.Teacher
		if req.Admin {
			detail = "create admin"
		}
		return tx.AppendAudit(ctx, store.Audit{At: req.Now, Actor: req.Actor, Action: "token",
			Object: "token:" + strconv.FormatInt(id, 10), Detail: detail + ", expires " + store.FormatTime(c.ExpiresAt)})
	})
	if err != nil {
		return Created{}, err
	}
	c.Token = token
	return c, nil
}

// Revoked is what RevokeTokens did to one token: revoked it now, or found
// it revoked already (at RevokedAt, an instant in store.TimeFormat).
type Revoked struct {
	ID        int64
	Already   bool
	RevokedAt string
}

// RevokeTokens revokes the tokens ids, each audited, all in one
// transaction. An id that is no token is refused and nothing is revoked;
// a token revoked already is left as it is and said so.
func RevokeTokens(ctx context.Context, st *store.Store, ids []int64, actor string, now time.Time) ([]Revoked, error) {
	var out []Revoked
	err := st.InTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		for _, id := range ids {
			t, ok, err := tx.TokenByID(ctx, id)
			if err != nil {
				return err
			}
			if !ok {
				return refuse("token.revoke.missing", strconv.FormatInt(id, 10))
			}
			if t.RevokedAt != "" {
				out = append(out, Revoked{ID: id, Already: true, RevokedAt: t.RevokedAt})
				continue
			}
			if _, err := tx.RevokeToken(ctx, id, now); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, store.Audit{At: now, Actor: actor, Action: "token",
				Object: "token:" + strconv.FormatInt(id, 10), Detail: "revoke"}); err != nil {
				return err
			}
			out = append(out, Revoked{ID: id, RevokedAt: store.FormatTime(now)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
