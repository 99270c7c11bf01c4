package report

import (
	"io"
	"strconv"
	"strings"

	"baoxue/i18n"
)

// Outbox is a row of `baoxue outbox list`: a notification without what it
// says (the payload never leaves the database this way). The JSON fields
// are `outbox list --json`'s.
type Outbox struct {
	ID        int64  `json:"id"`
	Status    string `json:"status"`
	Recipient string `json:"recipient"`
	School    string `json:"school"`
	Center    string `json:"center"`
	// Channel is the one the row was last given to, else the one asked
	// for ("" routes by configuration).
	Channel       string `json:"channel"`
	Kind          string `json:"kind"`
	Run           int64  `json:"run,omitempty"`
	Attempts      int    `json:"attempts"`
	CreatedAt     string `json:"created_at"`
	NextAttemptAt string `json:"next_attempt_at,omitempty"`
	SentAt        string `json:"sent_at,omitempty"`
	Error         string `json:"error,omitempty"`
	// Queued and Next are CreatedAt and NextAttemptAt (else SentAt) as the
	// table shows them, in the reader's time zone.
	Queued, Next string `json:"-"`
}

// NewOutbox lists outbox rows to w as NewAlerts lists alerts.
func NewOutbox(w io.Writer, p *i18n.Printer, asJSON bool) *Listing[Outbox] {
	return newListing(w, p, asJSON, outboxCells, func(o *Outbox) any { return o }, "lists.total.outbox", "outbox.list.none",
		"outbox.col.id", "outbox.col.status", "outbox.col.attempts", "outbox.col.recipient", "outbox.col.where",
		"outbox.col.channel", "outbox.col.queued", "outbox.col.next", "outbox.col.reason")
}

func outboxCells(p *i18n.Printer, o *Outbox) []string {
	status := o.Status
	if i18n.Has(p.Lang(), "outbox.status."+status) {
		status = p.Sprintf("outbox.status." + status)
	}
	return []string{"#" + strconv.FormatInt(o.ID, 10), status, strconv.Itoa(o.Attempts), o.Recipient,
		strings.Trim(o.School+"/"+o.Center, "/"), o.Channel, o.Queued, o.Next,
		strings.Join(strings.Fields(OutboxReason(p, o.Error)), " ")}
}
