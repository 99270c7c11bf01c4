package dingtalk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"baoxue/config"
	"baoxue/notifier"
	"baoxue/notifier/internal/httpapi"
)

// DefaultBaseURL is the DingTalk server API that work notices go to.
const DefaultBaseURL = "https://oapi.dingtalk.com"

// Size of a markdown message's text, UTF-8. DingTalk's error table checks
// markdown at 5,000 (34016); a robot's message keeps mentionReserve of it
// for the "@phone" each @mention needs in the text, so the dispatcher gets
// MaxBytes less.
const (
	maxMarkdown    = 5000
	mentionReserve = 500
	maxTitle       = 64 // the title shown in the chat list; cut, not refused
)

// Pace: a robot takes 20 messages a minute. Work notices are paced at
// noticePerMinute, our choice: DingTalk publishes its limits per edition.
const (
	robotPerMinute  = 20
	noticePerMinute = 600
)

// Channel is a configured DingTalk channel: a group robot (config URL,
// Secret for 加签) or work notices (AppKey, Secret, AgentID). It implements
// notifier.Channel.
type Channel struct {
	name    string
	timeout time.Duration
	client  *http.Client
	now     func() time.Time

	// robot
	robotURL string
	secret   string // 加签 secret (robot) or app secret (work notices)

	// work notices
	base    string
	appKey  string
	agentID int64
	token   *httpapi.Token
}

var _ notifier.Channel = (*Channel)(nil)

// Option adjusts a Channel; the defaults serve production.
type Option func(*Channel)

// WithBaseURL sends work notices (gettoken, asyncsend_v2) to base instead
// of DefaultBaseURL. Tests point it at a server on loopback.
func WithBaseURL(base string) Option {
	return func(c *Channel) { c.base = strings.TrimRight(base, "/") }
}

// WithHTTPClient makes the calls with client instead of a fresh
// http.Client; the channel's timeout still bounds each delivery.
func WithHTTPClient(client *http.Client) Option {
	return func(c *Channel) { c.client = client }
}

// WithClock makes the 加签 timestamp and the access token's expiry read now
// instead of time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *Channel) { c.now = now }
}

// New returns the channel c configures, which must be of type dingtalk and
// valid (config.Validate). Its errors never quote the URL or the secret.
func New(c config.Channel, opts ...Option) (*Channel, error) {
	if c.Type != config.TypeDingTalk {
		return nil, fmt.Errorf("dingtalk channel %q: type is %q", c.Name, c.Type)
	}
	ch := &Channel{
		name: c.Name, timeout: time.Duration(c.Timeout), client: &http.Client{}, now: time.Now,
		robotURL: c.URL, secret: c.Secret,
		base: DefaultBaseURL, appKey: c.AppKey, agentID: c.AgentID,
	}
	for _, o := range opts {
		o(ch)
	}
	ch.token = &httpapi.Token{Fetch: ch.fetchToken, Now: ch.now}
	if ch.timeout <= 0 {
		ch.timeout = 10 * time.Second
	}
	if ch.robotURL != "" {
		if u, err := url.Parse(ch.robotURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("dingtalk channel %q: url is not an http(s) URL", c.Name)
		}
		return ch, nil
	}
	if ch.appKey == "" || ch.secret == "" || ch.agentID == 0 {
		return nil, fmt.Errorf("dingtalk channel %q: a work-notice channel needs app_key, agent_id and secret", c.Name)
	}
	return ch, nil
}

// Name is the channel's name in baoxue.yaml.
func (c *Channel) Name() string { return c.name }

func (c *Channel) robot() bool { return c.robotURL != "" }

// Limits: a robot posts to a group; both send markdown, a robot's with
// room kept for its @mentions.
func (c *Channel) Limits() notifier.Limits {
	if c.robot() {
		return notifier.Limits{Group: true, MaxBytes: maxMarkdown - mentionReserve}
	}
	return notifier.Limits{MaxBytes: maxMarkdown}
}

// Address: a robot reaches its group whoever the message is about; a work
// notice needs the recipient's dingtalk_userid.
func (c *Channel) Address(r notifier.Recipient) string {
	if c.robot() || r.DingTalkUserID != "" {
		return ""
	}
	return "no dingtalk_userid"
}

// Pace: a robot allows 20 messages a minute. Its key is a digest of the
// robot's URL, not the URL, whose access_token would otherwise reach logs
// and metrics; two channels on one robot share it. Work notices are keyed
// by the app's agent id.
func (c *Channel) Pace() (string, int) {
	if c.robot() {
		sum := sha256.Sum256([]byte(c.robotURL))
		return "dingtalk robot " + hex.EncodeToString(sum[:6]), robotPerMinute
	}
	return "dingtalk app " + strconv.FormatInt(c.agentID, 10), noticePerMinute
}

// Notify delivers m as markdown (m.Markdown, else m.Text, titled m.Title):
// to the robot's group, @mentioning m.Mentions (or, when it has none, the
// recipient's phone); or as a work notice to the recipient's
// dingtalk_userid. Errors are classified (see codes.go) and never contain
// the robot's access_token, the secret or an app token.
func (c *Channel) Notify(ctx context.Context, m *notifier.Message) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	text := m.Markdown
	if text == "" {
		text = m.Text
	}
	if strings.TrimSpace(text) == "" {
		return errors.New("dingtalk: message has no markdown or text")
	}
	if strings.TrimSpace(m.Title) == "" {
		return errors.New("dingtalk: message has no title")
	}
	md := markdown{Title: cut(m.Title, maxTitle), Text: text}
	if c.robot() {
		return httpapi.Scrub(c.sendRobot(ctx, m.Key, md, mentions(m)), c.robotSecrets()...)
	}
	if len(text) > maxMarkdown {
		return fmt.Errorf("dingtalk: markdown is %d bytes, over the %d a message takes", len(text), maxMarkdown)
	}
	var used []string
	err := c.sendNotice(ctx, m.Key, md, m.To.DingTalkUserID, &used)
	return httpapi.Scrub(err, append(used, c.secret)...)
}

// markdown is the markdown message of both APIs.
type markdown struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// mentions are the phones a group message @mentions: m.Mentions, or the
// recipient's phone when the dispatcher named none.
func mentions(m *notifier.Message) []string {
	if len(m.Mentions) > 0 {
		return m.Mentions
	}
	if m.To.Phone != "" {
		return []string{m.To.Phone}
	}
	return nil
}

// cut shortens s to at most n bytes at a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// robotSecrets are what no robot error may show: the URL, its
// access_token, and the 加签 secret.
func (c *Channel) robotSecrets() []string {
	s := []string{c.robotURL, c.secret}
	if u, err := url.Parse(c.robotURL); err == nil {
		for _, vs := range u.Query() {
			for _, v := range vs {
				if len(v) >= 8 { // a token, not a flag like debug=1
					s = append(s, v)
				}
			}
		}
	}
	return s
}
