package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"baoxue/i18n"
	"baoxue/store"
)

// TokenPrefix starts every token, so that one pasted into a chat or a file
// is recognised for what it is (and can be searched for).
const TokenPrefix = "bxt_"

// tokenBytes is how many random bytes a token carries: 256 bits, which no
// one guesses, so that looking a token up by its hash leaks nothing useful
// through timing.
const tokenBytes = 32

// tokenLen is the length of a token: the prefix and the bytes in unpadded
// URL-safe base64.
var tokenLen = len(TokenPrefix) + base64.RawURLEncoding.EncodedLen(tokenBytes)

// newToken returns a new random token and its hash.
func newToken() (token, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is what the database keeps of a token: its SHA-256, in hex.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// wellFormed reports whether s has the shape of a token.
func wellFormed(s string) bool {
	if len(s) != tokenLen || !strings.HasPrefix(s, TokenPrefix) {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(s[len(TokenPrefix):])
	return err == nil
}

// Principal is who a request acts as: the token and, unless it is an admin
// token, the teacher it was made for, as the directory has them now (a
// teacher's role, school and center are read at each request, so that an
// import that moves them moves their scope).
type Principal struct {
	TokenID int64
	Admin   bool
	Teacher store.Teacher
}

// Actor is how the audit names the principal: token:ID/TEACHER, or
// token:ID/admin for an admin token.
func (p *Principal) Actor() string {
	who := p.Teacher.ID
	if p.Admin {
		who = "admin"
	}
	return "token:" + strconv.FormatInt(p.TokenID, 10) + "/" + who
}

// scope is what the principal sees (SPEC §8): an admin token and a
// district admin everything; a center admin the schools of their center, a
// principal their school, and every teacher what is assigned to them.
func (p *Principal) scope() store.Scope {
	if p.Admin {
		return store.Scope{All: true}
	}
	t := p.Teacher
	switch t.Role {
	case "district_admin":
		return store.Scope{All: true}
	case "center_admin":
		return store.Scope{Teacher: t.ID, Center: t.Center}
	case "principal":
		return store.Scope{Teacher: t.ID, School: t.SchoolID}
	}
	return store.Scope{Teacher: t.ID}
}

type principalKey struct{}

func withPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

func principalOf(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// ActorOf returns the audit's name of the principal a request behind
// RequireAdmin (or the API) acts as; false outside one.
func ActorOf(ctx context.Context) (string, bool) {
	p := principalOf(ctx)
	if p == nil {
		return "", false
	}
	return p.Actor(), true
}

// challenge is the WWW-Authenticate of a 401 (RFC 6750): without a token,
// and with one that is not valid.
const (
	challenge        = `Bearer realm="baoxue"`
	challengeInvalid = `Bearer realm="baoxue", error="invalid_token"`
)

func unauthorized(invalid bool, key string, args ...any) error {
	c := challenge
	if invalid {
		c = challengeInvalid
	}
	return &apiError{status: http.StatusUnauthorized, msg: i18n.M(key, args...), challenge: c}
}

// authenticate finds who r acts as from its bearer token: 401 when it has
// none, or one that is malformed, unknown, expired or revoked; 403 when its
// teacher is no longer in the directory.
func (a *API) authenticate(r *http.Request) (*Principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, unauthorized(false, "api.auth.missing")
	}
	scheme, tok, _ := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "Bearer") || !wellFormed(tok) {
		return nil, unauthorized(true, "api.auth.malformed")
	}
	hash := HashToken(tok)
	t, ok, err := a.st.TokenByHash(r.Context(), hash)
	if err != nil {
		return nil, err
	}
	// The lookup found the hash; comparing it again in constant time
	// costs nothing and keeps a lookup that matched loosely (a collation,
	// a trailing space) from ever letting a token in.
	if !ok || subtle.ConstantTimeCompare([]byte(t.Hash), []byte(hash)) != 1 {
		return nil, unauthorized(true, "api.auth.unknown")
	}
	now, _ := a.now()
	switch t.State(now) {
	case store.TokenRevoked:
		return nil, unauthorized(true, "api.auth.revoked", strconv.FormatInt(t.ID, 10))
	case store.TokenExpired:
		return nil, unauthorized(true, "api.auth.expired", strconv.FormatInt(t.ID, 10), a.localTime(t.ExpiresAt))
	}
	p := &Principal{TokenID: t.ID, Admin: t.Admin}
	if t.Admin {
		return p, nil
	}
	ts, err := a.st.TeachersByID(r.Context(), []string{t.TeacherID})
	if err != nil {
		return nil, err
	}
	teacher, ok := ts[t.TeacherID]
	if !ok {
		return nil, &apiError{status: http.StatusForbidden, msg: i18n.M("api.auth.no_teacher", t.TeacherID)}
	}
	p.Teacher = teacher
	return p, nil
}

// RequireAdmin lets through to next only the requests that carry a valid
// admin token (`baoxue token create --admin`): 401 as the API answers
// without a valid token, 403 for a teacher's token. next finds the audit's
// name of the caller with ActorOf.
func (a *API) RequireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.authenticate(r)
		if err == nil && !p.Admin {
			err = &apiError{status: http.StatusForbidden, msg: i18n.M("api.auth.not_admin")}
		}
		if err != nil {
			jsonHeaders(w)
			a.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(withPrincipal(r.Context(), p)))
	})
}

// localTime shows a stored instant in the installation's time zone, to
// the minute.
func (a *API) localTime(s string) string {
	t, err := store.ParseTime(s)
	if err != nil {
		return s
	}
	return t.In(a.opt.Location).Format("2006-01-02 15:04")
}
