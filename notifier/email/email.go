package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"baoxue/config"
	"baoxue/notifier"
)

// KeyHeader carries Message.Key.
const KeyHeader = "X-Baoxue-Idempotency-Key"

// Channel is a configured email channel. It implements notifier.Channel.
type Channel struct {
	name    string
	timeout time.Duration
	smtp    config.SMTP
	from    *mail.Address
	tls     *tls.Config
}

var _ notifier.Channel = (*Channel)(nil)

// Option adjusts a Channel; the defaults serve production.
type Option func(*Channel)

// WithTLSConfig verifies the server with cfg instead of the system's
// roots (tests trust their own certificate). ServerName defaults to the
// SMTP host.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(c *Channel) { c.tls = cfg.Clone() }
}

// New returns the channel c configures, which must be of type email and
// valid (config.Validate, which also fills the default port and TLS mode).
// Its errors never show the password.
func New(c config.Channel, opts ...Option) (*Channel, error) {
	if c.Type != config.TypeEmail {
		return nil, fmt.Errorf("email channel %q: type is %q", c.Name, c.Type)
	}
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return nil, fmt.Errorf("email channel %q: from is not a mail address", c.Name)
	}
	ch := &Channel{name: c.Name, timeout: time.Duration(c.Timeout), smtp: c.SMTP, from: from}
	for _, o := range opts {
		o(ch)
	}
	if ch.timeout <= 0 {
		ch.timeout = 10 * time.Second
	}
	if ch.smtp.TLS == "" {
		ch.smtp.TLS = config.TLSStartTLS
	}
	if ch.smtp.Host == "" || ch.smtp.Port <= 0 {
		return nil, fmt.Errorf("email channel %q: smtp host and port are required", c.Name)
	}
	switch ch.smtp.TLS {
	case config.TLSStartTLS, config.TLSImplicit, config.TLSNone:
	default:
		return nil, fmt.Errorf("email channel %q: unknown smtp.tls %q", c.Name, ch.smtp.TLS)
	}
	if ch.tls == nil {
		ch.tls = &tls.Config{}
	}
	if ch.tls.ServerName == "" {
		ch.tls.ServerName = ch.smtp.Host
	}
	ch.tls.MinVersion = max(ch.tls.MinVersion, tls.VersionTLS12)
	return ch, nil
}

// Name is the channel's name in baoxue.yaml.
func (c *Channel) Name() string { return c.name }

// Limits: personal, no size limit.
func (c *Channel) Limits() notifier.Limits { return notifier.Limits{} }

// Address needs a mail address.
func (c *Channel) Address(r notifier.Recipient) string {
	if r.Email == "" {
		return "no email"
	}
	if _, err := mail.ParseAddress(r.Email); err != nil {
		return "email is not a mail address"
	}
	return ""
}

// Pace is keyed by the SMTP server; unlimited, as servers publish no
// common limit (the dispatcher's concurrency bounds it).
func (c *Channel) Pace() (string, int) {
	return "email " + net.JoinHostPort(c.smtp.Host, strconv.Itoa(c.smtp.Port)), 0
}

// Notify sends m over one SMTP session.
func (c *Channel) Notify(ctx context.Context, m *notifier.Message) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	msg, err := c.build(m)
	if err != nil {
		return err
	}
	client, err := c.client()
	if err != nil {
		return c.scrub(fmt.Errorf("smtp: %w", err))
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil && !msg.IsDelivered() {
		// A failure after the server took the message (its RSET or QUIT)
		// is no failure: sending again would deliver it twice.
		return c.scrub(classify(err))
	}
	return nil
}

// build makes the mail of m.
func (c *Channel) build(m *notifier.Message) (*gomail.Msg, error) {
	if m.Text == "" && m.HTML == "" {
		return nil, errors.New("email: message has no text or HTML body")
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(c.from)
	if err := msg.AddToFormat(m.To.Name, m.To.Email); err != nil {
		return nil, errors.New("email: recipient's email is not a mail address")
	}
	msg.Subject(m.Title)
	sent := m.SentAt
	if sent.IsZero() {
		sent = time.Now()
	}
	msg.SetDateWithValue(sent)
	if m.Key != "" {
		msg.SetGenHeader(KeyHeader, m.Key)
		msg.SetMessageIDWithValue(messageID(m.Key, c.from.Address))
	} else {
		msg.SetMessageID()
	}
	msg.SetUserAgent("baoxue")
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.Text != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	default:
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// messageID is key@domain of from, with every character of key that may
// not stand in a Message-ID's left part (RFC 5322 dot-atom-text) replaced
// by '-'.
func messageID(key, from string) string {
	domain := "baoxue.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i+1 < len(from) {
		domain = from[i+1:]
	}
	left := strings.Map(func(r rune) rune {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-/=?^_`{|}~.", r)) {
			return r
		}
		return '-'
	}, key)
	left = strings.Trim(left, ".")
	for strings.Contains(left, "..") {
		left = strings.ReplaceAll(left, "..", ".")
	}
	if left == "" {
		left = "-"
	}
	return left + "@" + domain
}

// client is a go-mail client for the channel's server.
func (c *Channel) client() (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(c.smtp.Port),
		gomail.WithTimeout(c.timeout),
		gomail.WithTLSConfig(c.tls),
	}
	switch c.smtp.TLS {
	case config.TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case config.TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if c.smtp.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(c.smtp.Username), gomail.WithPassword(c.smtp.Password))
	}
	return gomail.NewClient(c.smtp.Host, opts...)
}

// classify says whether a failed send is worth retrying: a 4xx reply, or
// no reply at all (refused, reset, timed out), is; a 5xx reply, an address
// go-mail cannot use and a certificate that does not verify are not.
func classify(err error) error {
	err = fmt.Errorf("smtp: %w", err)
	var send *gomail.SendError
	if errors.As(err, &send) {
		switch {
		case send.Reason == gomail.ErrGetSender || send.Reason == gomail.ErrGetRcpts || send.Reason == gomail.ErrNoUnencoded:
			return err
		case send.ErrorCode() >= 500:
			return err
		}
		return notifier.Retry(err, 0) // 4xx, or the connection failed mid-way
	}
	var reply *textproto.Error
	if errors.As(err, &reply) {
		if reply.Code >= 500 {
			return err
		}
		return notifier.Retry(err, 0)
	}
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	if errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verify) {
		return err
	}
	return notifier.Retry(err, 0)
}

// scrub returns err with the password cut out of its text (go-mail never
// puts it there; a server echoing an AUTH line might), keeping whether it
// asks to be retried. The result wraps nothing.
func (c *Channel) scrub(err error) error {
	msg := err.Error()
	if c.smtp.Password != "" {
		msg = strings.ReplaceAll(msg, c.smtp.Password, "***")
	}
	if retry, after := notifier.Retryable(err); retry {
		return notifier.Retry(errors.New(msg), after)
	}
	return errors.New(msg)
}
