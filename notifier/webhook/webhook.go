// Package webhook is the webhook channel (SPEC §8): each message is one
// JSON POST to the configured URL, for a district's own system to take in.
//
// The body is the message's digest as a personal channel shows it, the
// idempotency key and the time of the attempt:
//
//	{"version":1,"idempotency_key":"bx-…","sent_at":"2026-03-10T11:00:00Z","channel":"hook",
//	 "teacher":"T001","title":"…","text":"…","digest":{…}}
//
// Every request carries an Idempotency-Key header, the same on every
// retry of one notification, so that the receiver can drop a repeat; with
// a secret, X-Baoxue-Signature: sha256=<hex> is the HMAC-SHA256 of the
// exact body bytes under the secret, and the body's sent_at lets the
// receiver refuse an old request replayed. A 2xx answer is delivered;
// 408, 429 and 5xx are retried later (after Retry-After when the answer
// gives one); any other answer fails at once. A redirect is not followed.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"baoxue/config"
	"baoxue/notifier"
)

// Notifier posts messages to one URL.
type Notifier struct {
	name    string
	url     string
	secret  []byte
	headers map[string]string
	client  *http.Client
	now     func() time.Time
}

// New builds the webhook channel ch; it is the notifier.Constructor of
// config.TypeWebhook. Without deps.HTTP it makes a client bounded by the
// channel's timeout that follows no redirect.
func New(ch config.Channel, deps notifier.Deps) (notifier.Channel, error) {
	if ch.URL == "" {
		return nil, errors.New("webhook: no url")
	}
	client := deps.HTTP
	if client == nil {
		client = &http.Client{Timeout: time.Duration(ch.Timeout),
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	return &Notifier{name: ch.Name, url: ch.URL, secret: []byte(ch.Secret), headers: ch.Headers, client: client, now: now}, nil
}

// Name is the channel's name.
func (n *Notifier) Name() string { return n.name }

// Limits: a webhook is personal and takes any size.
func (n *Notifier) Limits() notifier.Limits { return notifier.Limits{} }

// Address reaches every teacher: the body names them.
func (n *Notifier) Address(notifier.Recipient) string { return "" }

// Pace: the URL, unlimited unless the configuration sets per_minute.
func (n *Notifier) Pace() (string, int) { return "webhook:" + n.url, 0 }

// Body is the JSON a webhook posts.
type Body struct {
	Version int    `json:"version"`
	Key     string `json:"idempotency_key"`
	// SentAt is the attempt's time, RFC 3339 in UTC.
	SentAt  string `json:"sent_at"`
	Channel string `json:"channel"`
	Teacher string `json:"teacher"`
	Title   string `json:"title"`
	Text    string `json:"text"`
	// Digest is the digest as a personal channel shows it.
	Digest json.RawMessage `json:"digest,omitempty"`
}

// Sign returns the X-Baoxue-Signature value of body under secret:
// "sha256=" and the hex HMAC-SHA256 of the bytes.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Notify posts m. See the package comment for what is retried.
func (n *Notifier) Notify(ctx context.Context, m *notifier.Message) error {
	b := Body{Version: 1, Key: m.Key, SentAt: m.SentAt.UTC().Format(time.RFC3339Nano), Channel: n.name,
		Teacher: m.To.Teacher, Title: m.Title, Text: m.Text}
	if json.Valid(m.Payload) {
		b.Digest = m.Payload
	}
	body, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", n.name, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s: %w", n.name, scrub(err))
	}
	for k, v := range n.headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "baoxue")
	req.Header.Set("Idempotency-Key", m.Key)
	if len(n.secret) > 0 {
		req.Header.Set("X-Baoxue-Signature", Sign(n.secret, body))
	}
	resp, err := n.client.Do(req)
	if err != nil {
		// The network failed or timed out: the receiver may be back later.
		return notifier.Retry(fmt.Errorf("webhook %s: %w", n.name, scrub(err)), 0)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16)) // lets the connection be reused
	return n.classify(resp, snippet)
}

// classify turns an answer into nil (2xx), a retry (408, 429, 5xx) or a
// failure.
func (n *Notifier) classify(resp *http.Response, snippet []byte) error {
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return nil
	}
	err := fmt.Errorf("webhook %s: HTTP %s", n.name, resp.Status)
	if s := strings.Join(strings.Fields(string(bytes.ToValidUTF8(snippet, nil))), " "); s != "" {
		err = fmt.Errorf("%w: %s", err, s)
	}
	if code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500 {
		return notifier.Retry(err, RetryAfter(resp.Header.Get("Retry-After"), n.now()))
	}
	return err
}

// maxRetryAfter bounds the wait an answer may ask for.
const maxRetryAfter = 24 * time.Hour

// RetryAfter reads a Retry-After value, seconds or an HTTP date, as the
// wait from now; 0 when it is empty, unreadable or past. A wait longer
// than a day is taken as a day.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		d = time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// scrub drops the URL from an error of net/http: a webhook URL may carry
// a key in its path or query.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}
