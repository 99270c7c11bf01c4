package httpapi

import (
	"errors"
	"fmt"
	"time"

	"baoxue/notifier"
)

// Class is what a platform's non-zero errcode asks of us.
type Class int

// The classes of errcodes.
const (
	FailNow      Class = iota // fix the configuration or the recipient; retrying cannot help
	RetryLater                // the platform is busy or limits us: try again later
	TokenExpired              // fetch a new access token and send again, once
)

// Code is what a platform's errcode means: its Class, for RetryLater how
// long to wait (0: the retry policy decides), and a few words for the
// operator, which the platform's errmsg follows.
type Code struct {
	Class Class
	After time.Duration
	Why   string
}

// Classify turns a non-zero errcode of a call into an error: retryable
// (notifier.Retry) for RetryLater and TokenExpired (should a caller not
// refresh), plain for the rest. A code not in codes fails at once, with
// its errmsg. label names the code as the error shows it ("errcode 88/
// 40014"); name and what name the platform and the call ("wecom",
// "send").
func Classify(codes map[int]Code, name, what string, code int, label, errmsg string) (Class, error) {
	c, known := codes[code]
	text := fmt.Sprintf("%s %s: errcode %s", name, what, label)
	if known {
		text += " " + c.Why
	}
	if m := Short(errmsg); m != "" {
		text += " (" + m + ")"
	}
	err := errors.New(text)
	if c.Class == RetryLater || c.Class == TokenExpired {
		return c.Class, notifier.Retry(err, c.After)
	}
	return c.Class, err
}
