package config

import (
	"slices"
	"time"

	"gopkg.in/yaml.v3"
)

// Channel types (Channel.Type).
const (
	TypeLog      = "log"      // slog lines; names masked, identity numbers omitted
	TypeWebhook  = "webhook"  // JSON POST, HMAC-SHA256 signed when Secret is set
	TypeWeCom    = "wecom"    // 企业微信: group robot (URL) or app messages (CorpID, AgentID, Secret)
	TypeDingTalk = "dingtalk" // 钉钉: robot (URL, Secret for 加签) or work notices (AppKey, Secret, AgentID)
	TypeEmail    = "email"    // SMTP
)

// SMTP TLS modes (SMTP.TLS).
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS; default port 587
	TLSImplicit = "tls"      // TLS from the first byte; default port 465
	TLSNone     = "none"     // no encryption; default port 25; only for a relay on loopback
)

// Notifier configures the notification channels (SPEC §8). A notification
// goes to the channel of the first route that matches it, else to Default.
type Notifier struct {
	// Channels are the configured channels. Default: one channel named
	// "log" of type log.
	Channels []Channel `yaml:"channels"`
	// Default names the channel for notifications no route matches.
	// Default: the only channel when there is one; required otherwise.
	Default string `yaml:"default"`
	// Routes are tried in order; the first match wins.
	Routes []Route `yaml:"routes"`
	// Retry is the outbox's retry policy.
	Retry Retry `yaml:"retry"`
}

// Channel is one notification channel. Which fields apply depends on Type;
// Validate rejects missing required fields and fields the type does not use.
type Channel struct {
	// Name identifies the channel in Default and routes; unique.
	Name string `yaml:"name"`
	// Type is one of log, webhook, wecom, dingtalk, email.
	Type string `yaml:"type"`
	// URL is the webhook target (webhook), or the group robot webhook URL
	// (wecom, dingtalk). It often carries a key: it is never printed.
	URL string `yaml:"url"`
	// Secret signs webhook bodies (HMAC-SHA256), signs DingTalk robot calls
	// (加签), or is the WeCom/DingTalk application secret.
	Secret string `yaml:"secret"`
	// Headers are extra HTTP headers of a webhook (for example
	// Authorization).
	Headers map[string]string `yaml:"headers"`
	// CorpID is the WeCom corporation id (app messages).
	CorpID string `yaml:"corp_id"`
	// AgentID is the WeCom or DingTalk application agent id.
	AgentID int64 `yaml:"agent_id"`
	// AppKey is the DingTalk application key (work notices).
	AppKey string `yaml:"app_key"`
	// SMTP is the mail server of an email channel.
	SMTP SMTP `yaml:"smtp"`
	// From is the sender address of an email channel.
	From string `yaml:"from"`
	// Timeout bounds one delivery attempt. Default 10s.
	Timeout Duration `yaml:"timeout"`
	// PerMinute caps the messages a minute the channel sends to one
	// destination (a robot's URL, an application). Default 0: the
	// platform's documented limit (20 for a WeCom or DingTalk group
	// robot), none for a channel whose platform documents none.
	PerMinute int `yaml:"per_minute"`
}

// SMTP is the mail server of an email channel.
type SMTP struct {
	// Host is required.
	Host string `yaml:"host"`
	// Port defaults by TLS mode: 587 starttls, 465 tls, 25 none.
	Port int `yaml:"port"`
	// TLS is starttls (default), tls or none.
	TLS string `yaml:"tls"`
	// Username and Password authenticate (PLAIN); both or neither.
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

// Group reports whether the channel posts to a group chat (a WeCom or
// DingTalk robot), which must never receive student names or special-group
// labels; every other channel except log is personal (SPEC §8).
func (c Channel) Group() bool {
	return (c.Type == TypeWeCom || c.Type == TypeDingTalk) && c.URL != ""
}

// Route sends notifications matching Match to Channel.
type Route struct {
	Match   Match  `yaml:"match"`
	Channel string `yaml:"channel"`
}

// Match selects notifications. Each field, when not empty, must contain the
// notification's value; empty fields match anything. Each field takes one
// value or a list: {school: SCH02} or {school: [SCH02, SCH03]}.
type Match struct {
	// School is school ids.
	School StringList `yaml:"school"`
	// Center is education management center (片区教育管理中心) names.
	Center StringList `yaml:"center"`
	// Role is recipient roles: teacher, principal, center_admin,
	// district_admin.
	Role StringList `yaml:"role"`
	// Severity is alert severities: info, low, medium, high, critical.
	Severity StringList `yaml:"severity"`
}

// Matches reports whether a notification with these attributes matches.
func (m Match) Matches(school, center, role, severity string) bool {
	return m.School.allows(school) && m.Center.allows(center) &&
		m.Role.allows(role) && m.Severity.allows(severity)
}

func (m Match) empty() bool {
	return len(m.School)+len(m.Center)+len(m.Role)+len(m.Severity) == 0
}

// Route returns the channel name for a notification with these attributes:
// the first matching route's, else Default.
func (n Notifier) Route(school, center, role, severity string) string {
	for _, r := range n.Routes {
		if r.Match.Matches(school, center, role, severity) {
			return r.Channel
		}
	}
	return n.Default
}

// Channel returns the channel called name and whether there is one.
func (n Notifier) Channel(name string) (Channel, bool) {
	i := slices.IndexFunc(n.Channels, func(c Channel) bool { return c.Name == name })
	if i < 0 {
		return Channel{}, false
	}
	return n.Channels[i], true
}

// Retry is the outbox's retry policy: exponential backoff from Initial,
// doubling, capped at Max, for at most MaxAttempts deliveries.
type Retry struct {
	// MaxAttempts defaults to 8.
	MaxAttempts int `yaml:"max_attempts"`
	// Initial defaults to 30s.
	Initial Duration `yaml:"initial"`
	// Max defaults to 1h.
	Max Duration `yaml:"max"`
}

// Backoff returns the wait after the given failed attempt (1 for the first):
// Initial doubled attempt-1 times, capped at Max.
func (r Retry) Backoff(attempt int) time.Duration {
	d, limit := time.Duration(r.Initial), time.Duration(r.Max)
	for i := 1; i < attempt && d < limit; i++ {
		if d > limit/2 {
			return limit
		}
		d *= 2
	}
	return min(d, limit)
}

// StringList is a YAML scalar or sequence of scalars.
type StringList []string

// UnmarshalYAML accepts "a" or [a, b].
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = StringList{n.Value}
		return nil
	}
	var s []string
	if n.Kind != yaml.SequenceNode || n.Decode(&s) != nil {
		// A TypeError lets decoding go on with the other keys.
		return &yaml.TypeError{Errors: []string{"expected a string or a list of strings"}}
	}
	*l = s
	return nil
}

func (l StringList) allows(v string) bool {
	return len(l) == 0 || slices.Contains(l, v)
}

func defaultNotifier() Notifier {
	return Notifier{
		Retry: Retry{MaxAttempts: 8, Initial: Duration(30 * time.Second), Max: Duration(time.Hour)},
	}
}

// fill defaults what decoding left empty.
func (n *Notifier) fill() {
	if len(n.Channels) == 0 {
		n.Channels = []Channel{{Name: "log", Type: TypeLog}}
	}
	if n.Default == "" && len(n.Channels) == 1 {
		n.Default = n.Channels[0].Name
	}
	for i := range n.Channels {
		ch := &n.Channels[i]
		if ch.Timeout == 0 {
			ch.Timeout = Duration(10 * time.Second)
		}
		if ch.Type != TypeEmail {
			continue
		}
		if ch.SMTP.TLS == "" {
			ch.SMTP.TLS = TLSStartTLS
		}
		if ch.SMTP.Port == 0 {
			ch.SMTP.Port = map[string]int{TLSStartTLS: 587, TLSImplicit: 465, TLSNone: 25}[ch.SMTP.TLS]
		}
	}
}
