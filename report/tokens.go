package report

import (
	"io"
	"strconv"

	"baoxue/i18n"
)

// Token is a row of `baoxue token list`, and its JSON line (SPEC §3):
// never the token, nor its hash. Role is "admin" for an admin token, else
// the teacher's role in the directory ("" when the teacher is no longer
// in it); State is active, expired or revoked.
type Token struct {
	ID          int64  `json:"id"`
	Teacher     string `json:"teacher"`
	TeacherName string `json:"teacher_name"`
	Role        string `json:"role"`
	School      string `json:"school"`
	SchoolName  string `json:"school_name"`
	Center      string `json:"center"`
	CreatedBy   string `json:"created_by"`
	CreatedAt   string `json:"created_at"`
	ExpiresAt   string `json:"expires_at"`
	RevokedAt   string `json:"revoked_at"`
	State       string `json:"state"`
	// Created and Expires are CreatedAt and ExpiresAt as the table shows
	// them, in the reader's time zone.
	Created, Expires string `json:"-"`
}

// NewTokens lists tokens to w: a table in p's language, or with asJSON one
// JSON object per line.
func NewTokens(w io.Writer, p *i18n.Printer, asJSON bool) *Listing[Token] {
	return newListing(w, p, asJSON, tokenCells, func(t *Token) any { return t }, "token.list.total", "token.list.none",
		"token.col.id", "token.col.teacher", "token.col.role", "token.col.school", "token.col.created",
		"token.col.expires", "token.col.state")
}

func tokenCells(p *i18n.Printer, t *Token) []string {
	role := t.Role
	if i18n.Has(p.Lang(), "token.role."+role) {
		role = p.Sprintf("token.role." + role)
	}
	where := named(p, t.SchoolName, t.School)
	if where == "" {
		where = t.Center
	}
	state := t.State
	if i18n.Has(p.Lang(), "token.state."+state) {
		state = p.Sprintf("token.state." + state)
	}
	return []string{"#" + strconv.FormatInt(t.ID, 10), named(p, t.TeacherName, t.Teacher), role, where, t.Created,
		t.Expires, state}
}

// AuditEntry is a row of `baoxue audit list`, and its JSON line (SPEC
// §3): who (actor) did what (action, object, detail) when (at, an instant
// in UTC).
type AuditEntry struct {
	ID     int64  `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Object string `json:"object"`
	Detail string `json:"detail"`
	// Local is At as the table shows it, in the reader's time zone.
	Local string `json:"-"`
}

// NewAudit lists audit entries to w as NewTokens lists tokens.
func NewAudit(w io.Writer, p *i18n.Printer, asJSON bool) *Listing[AuditEntry] {
	return newListing(w, p, asJSON, auditCells, func(e *AuditEntry) any { return e }, "audit.list.total",
		"audit.list.none", "audit.col.at", "audit.col.actor", "audit.col.action", "audit.col.object", "audit.col.detail")
}

func auditCells(p *i18n.Printer, e *AuditEntry) []string {
	action := e.Action
	if i18n.Has(p.Lang(), "audit.action."+action) {
		action = p.Sprintf("audit.action." + action)
	}
	return []string{e.Local, e.Actor, action, e.Object, ScrubIdentityNumbers(e.Detail)}
}
