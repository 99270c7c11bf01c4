// Package httpapi holds the plumbing the HTTP channels (notifier/wecom,
// notifier/dingtalk) share and no channel's wire format: a JSON call whose
// transport and HTTP failures are classified for the outbox, an access token
// cached until it expires, and the scrubbing that keeps keys, secrets and
// tokens out of every error a channel returns.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"baoxue/notifier"
)

// maxReply caps how much of a reply is read: the APIs answer a few hundred
// bytes of JSON; anything larger is not theirs.
const maxReply = 1 << 20

// Get fetches rawURL and decodes its reply into out; Post sends body
// JSON-encoded, with an Idempotency-Key header when key is not empty (the
// platforms ignore it; a proxy or a receiver that honours it can drop a
// retry), and decodes the reply into out.
//
// A transport error (refused, reset, timeout) and HTTP 408, 429 and 5xx are
// worth retrying (notifier.Retry), after the reply's Retry-After when it has
// one; any other non-2xx status, and a 2xx body that is not JSON, fail.
// The error never contains the URL, which carries keys and tokens.
func Get(ctx context.Context, client *http.Client, rawURL string, out any) error {
	return do(ctx, client, rawURL, "", nil, out)
}

// Post: see Get.
func Post(ctx context.Context, client *http.Client, rawURL, key string, body, out any) error {
	return do(ctx, client, rawURL, key, body, out)
}

func do(ctx context.Context, client *http.Client, rawURL, key string, body, out any) error {
	method, rd := http.MethodGet, io.Reader(nil)
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		method, rd = http.MethodPost, bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		// url.Parse errors quote the URL: say only that it is bad.
		return errors.New("bad request URL")
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := client.Do(req)
	if err != nil {
		return notifier.Retry(transportError(err), 0)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return notifier.Retry(fmt.Errorf("read reply: %w", transportError(err)), 0)
	}
	if s := resp.StatusCode; s < 200 || s > 299 {
		err := fmt.Errorf("HTTP %d", s)
		if s == http.StatusRequestTimeout || s == http.StatusTooManyRequests || s >= 500 {
			return notifier.Retry(err, RetryAfter(resp.Header.Get("Retry-After"), time.Now()))
		}
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("reply is not the expected JSON (HTTP %d, %d bytes)", resp.StatusCode, len(data))
	}
	return nil
}

// transportError describes a failed round trip without the URL that
// *url.Error quotes.
func transportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return errors.New("timed out")
	case errors.Is(err, context.Canceled):
		return errors.New("canceled")
	case errors.As(err, &ne) && ne.Timeout():
		return errors.New("timed out")
	}
	return err
}

// MaxRetryAfter bounds the wait a Retry-After header may ask for: a
// receiver that asks for years (or a number that would overflow) must not
// hold every message to its app or robot for the life of the process.
const MaxRetryAfter = 24 * time.Hour

// RetryAfter parses a Retry-After header (delay-seconds or an HTTP date,
// RFC 9110 §10.2.3) into a wait from now, at most MaxRetryAfter; 0 when
// absent, malformed or past.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n >= int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), MaxRetryAfter)
	}
	return 0
}

// Scrub returns err with every secret cut out of its text, keeping whether
// and when it asks to be retried. Secrets are replaced as written and as
// they appear URL-escaped; empty ones are skipped. The result wraps nothing,
// so no caller can unwrap its way back to a text that held a secret.
func Scrub(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := Redact(err.Error(), secrets...)
	if retry, after := notifier.Retryable(err); retry {
		return notifier.Retry(errors.New(msg), after)
	}
	return errors.New(msg)
}

// Redact replaces every non-empty secret in s, as written and URL-escaped,
// with "***".
func Redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		for _, form := range []string{sec, url.QueryEscape(sec), url.PathEscape(sec)} {
			s = strings.ReplaceAll(s, form, "***")
		}
	}
	return s
}

// Short cuts an API's message to one short line for an outbox's last_error:
// WeCom appends ", hint: [...], from ip: ..., more info at ..." and DingTalk
// sometimes a paragraph.
func Short(msg string) string {
	if i := strings.Index(msg, ", hint:"); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.Join(strings.Fields(msg), " ")
	const limit = 160
	if len(msg) > limit {
		cut := limit
		for cut > 0 && !utf8Start(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}

// utf8Start reports whether b begins a UTF-8 sequence.
func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
