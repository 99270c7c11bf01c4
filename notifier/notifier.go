package notifier

import (
	"context"
	"errors"
	"time"
)

// Recipient is who a message is for: a teacher and the addresses the
// channels know them by. Empty fields are unknown.
type Recipient struct {
	Teacher string // teacher id
	Name    string
	Role    string // teacher, principal, center_admin, district_admin
	School  string
	Center  string
	// Phone is used for @mentions in group robots.
	Phone string
	// WeComUserID and DingTalkUserID address app messages and work notices.
	WeComUserID    string
	DingTalkUserID string
	Email          string
}

// Message is one delivery, rendered for its channel. Key is the
// idempotency key: the same for every attempt of one outbox row, so that a
// receiver can drop a retry of what it already got (an Idempotency-Key
// header on HTTP channels; in the body where a channel has no headers).
type Message struct {
	Key string
	To  Recipient
	// Title is one line (a mail subject, a markdown heading).
	Title string
	// Text is the plain-text body; Markdown the markdown body; HTML the
	// HTML body (email). A channel uses the form it sends; each is within
	// the size the channel declared (Limits).
	Text, Markdown, HTML string
	// Mentions are the phone numbers a group message @mentions.
	Mentions []string
	// Payload is the JSON a webhook posts: the digest as the channel may
	// show it (names for a personal channel, counts only for a group).
	Payload []byte
	// SentAt is when this attempt was made; a receiver can refuse replays.
	SentAt time.Time
}

// Limits says what a channel can carry: whether it posts to a group (no
// student names, no special-group labels: counts per teacher, an @mention
// and a link), whether it masks names (the log channel: 张*, no messages,
// no sensitive rule names), and the largest body in bytes (0: no limit),
// so that a long digest is cut at a line boundary with "另有 N 项" and the
// link. Group wins over Masked.
type Limits struct {
	Group    bool
	Masked   bool
	MaxBytes int
}

// Channel delivers messages on one configured channel.
type Channel interface {
	// Name is the channel's name in baoxue.yaml.
	Name() string
	// Limits says what the channel can carry.
	Limits() Limits
	// Address returns "" when the channel can reach r, or why it cannot
	// (no wecom_userid, no email): the row is then undeliverable, not
	// silently dropped.
	Address(r Recipient) string
	// Pace returns the key a rate limit applies to (a robot's URL, an app's
	// id) and the messages per minute it allows there; 0 is unlimited.
	Pace() (key string, perMinute int)
	// Notify delivers m. A nil error is delivered. Otherwise the error says
	// why; an error made by Retry (see Retryable) asks to try again later.
	Notify(ctx context.Context, m *Message) error
}

// RetryError is a failure that may succeed later: a rate limit, a server
// error, a timeout. After, when set, is how long the receiver asked to wait
// (Retry-After, a platform's ban).
type RetryError struct {
	Err   error
	After time.Duration
}

func (e *RetryError) Error() string { return e.Err.Error() }
func (e *RetryError) Unwrap() error { return e.Err }

// Retry marks err as worth retrying, after a wait when after > 0.
func Retry(err error, after time.Duration) error { return &RetryError{Err: err, After: after} }

// Retryable reports whether err asks to be retried, and after how long the
// receiver asked to wait (0: the retry policy decides).
func Retryable(err error) (bool, time.Duration) {
	var r *RetryError
	if errors.As(err, &r) {
		return true, r.After
	}
	return false, 0
}
