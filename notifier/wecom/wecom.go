package wecom

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

// DefaultBaseURL is the WeCom server API that app messages go to.
const DefaultBaseURL = "https://qyapi.weixin.qq.com"

// Byte limits of a text message's content, UTF-8 (the robot's and the
// app's alike; see doc.go for why text and not markdown).
const (
	MaxTextBytes = 2048
)

// Pace of a group robot: 20 messages a minute
// (https://developer.work.weixin.qq.com/document/path/91770). App messages
// are paced at appPerMinute, our choice, well under the 10,000 calls a
// minute a corp may make to one API, which other integrations of the same
// corp share.
const (
	robotPerMinute = 20
	appPerMinute   = 1000
)

// Channel is a configured WeCom channel: a group robot (config URL) or app
// messages (CorpID, AgentID, Secret). It implements notifier.Channel.
type Channel struct {
	name    string
	timeout time.Duration
	client  *http.Client

	// group robot
	robotURL string

	// app messages
	base    string
	corpID  string
	agentID int64
	secret  string
	token   *httpapi.Token
}

var _ notifier.Channel = (*Channel)(nil)

// Option adjusts a Channel; the defaults serve production.
type Option func(*Channel)

// WithBaseURL sends app messages (gettoken, message/send) to base instead
// of DefaultBaseURL. Tests point it at a server on loopback.
func WithBaseURL(base string) Option {
	return func(c *Channel) { c.base = strings.TrimRight(base, "/") }
}

// WithHTTPClient makes the calls with client instead of a fresh
// http.Client; the channel's timeout still bounds each delivery.
func WithHTTPClient(client *http.Client) Option {
	return func(c *Channel) { c.client = client }
}

// WithClock makes the access token's expiry read now instead of time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *Channel) { c.token.Now = now }
}

// New returns the channel c configures, which must be of type wecom and
// valid (config.Validate). Its errors never quote the URL or the secret.
func New(c config.Channel, opts ...Option) (*Channel, error) {
	if c.Type != config.TypeWeCom {
		return nil, fmt.Errorf("wecom channel %q: type is %q", c.Name, c.Type)
	}
	ch := &Channel{
		name: c.Name, timeout: time.Duration(c.Timeout), client: &http.Client{},
		robotURL: c.URL,
		base:     DefaultBaseURL, corpID: c.CorpID, agentID: c.AgentID, secret: c.Secret,
	}
	ch.token = &httpapi.Token{Fetch: ch.fetchToken}
	for _, o := range opts {
		o(ch)
	}
	if ch.timeout <= 0 {
		ch.timeout = 10 * time.Second
	}
	if ch.robotURL != "" {
		if u, err := url.Parse(ch.robotURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("wecom channel %q: url is not an http(s) URL", c.Name)
		}
		return ch, nil
	}
	if ch.corpID == "" || ch.secret == "" || ch.agentID == 0 {
		return nil, fmt.Errorf("wecom channel %q: an app channel needs corp_id, agent_id and secret", c.Name)
	}
	return ch, nil
}

// Name is the channel's name in baoxue.yaml.
func (c *Channel) Name() string { return c.name }

// robot reports whether the channel posts to a group robot.
func (c *Channel) robot() bool { return c.robotURL != "" }

// Limits: a robot posts to a group; both modes send text of at most
// MaxTextBytes.
func (c *Channel) Limits() notifier.Limits {
	return notifier.Limits{Group: c.robot(), MaxBytes: MaxTextBytes}
}

// Address: a robot reaches its group whoever the message is about (the
// @mention needs a phone, but a message without one still arrives); app
// messages need the recipient's wecom_userid.
func (c *Channel) Address(r notifier.Recipient) string {
	if c.robot() || r.WeComUserID != "" {
		return ""
	}
	return "no wecom_userid"
}

// Pace: a robot allows 20 messages a minute. Its key is a digest of the
// robot's URL, not the URL, whose key would otherwise reach logs and
// metrics; two channels on one robot share it. An app's key is its corp
// and agent id.
func (c *Channel) Pace() (string, int) {
	if c.robot() {
		sum := sha256.Sum256([]byte(c.robotURL))
		return "wecom robot " + hex.EncodeToString(sum[:6]), robotPerMinute
	}
	return "wecom app " + c.corpID + "/" + strconv.FormatInt(c.agentID, 10), appPerMinute
}

// Notify delivers m as a text message: to the robot's group, @mentioning
// m.Mentions (or, when it has none, the recipient's phone); or as an app
// message to the recipient's wecom_userid. Errors are classified (see
// codes.go) and never contain the robot key, the secret or a token.
func (c *Channel) Notify(ctx context.Context, m *notifier.Message) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if len(m.Text) > MaxTextBytes {
		return fmt.Errorf("wecom: text is %d bytes, over the %d a message takes", len(m.Text), MaxTextBytes)
	}
	if strings.TrimSpace(m.Text) == "" {
		return errors.New("wecom: message has no text")
	}
	if c.robot() {
		return httpapi.Scrub(c.sendRobot(ctx, m), c.robotSecrets()...)
	}
	var used []string
	err := c.sendApp(ctx, m, &used)
	return httpapi.Scrub(err, append(used, c.secret)...)
}

// robotSecrets are the parts of a robot URL no error may show: the whole
// URL and each query value (the key).
func (c *Channel) robotSecrets() []string {
	s := []string{c.robotURL}
	if u, err := url.Parse(c.robotURL); err == nil {
		for _, vs := range u.Query() {
			for _, v := range vs {
				if len(v) >= 8 { // a key, not a flag like debug=1
					s = append(s, v)
				}
			}
		}
	}
	return s
}
