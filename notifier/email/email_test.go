package email_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"baoxue/config"
	"baoxue/notifier"
	"baoxue/notifier/email"
)

const (
	user     = "baoxue@school.example"
	password = "pa55-Wörd-SMTP-secret"
)

// server is an SMTP server on loopback: STARTTLS (or TLS from the first
// byte) with a certificate made for the test, PLAIN authentication, and
// replies a test can set. It keeps each message it accepts.
type server struct {
	addr *net.TCPAddr
	pool *x509.CertPool

	mu       sync.Mutex
	mailErr  error // reply to MAIL FROM
	rcptErr  error // reply to RCPT TO
	dataErr  error // reply after DATA
	received []received
}

type received struct {
	from string
	to   []string
	data []byte
}

type session struct {
	s      *server
	authed bool
	from   string
	to     []string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, pass string) error {
		if username != user || pass != password {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.s.mu.Lock()
	defer s.s.mu.Unlock()
	s.from = from
	return s.s.mailErr
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.s.mu.Lock()
	defer s.s.mu.Unlock()
	s.to = append(s.to, to)
	return s.s.rcptErr
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.s.mu.Lock()
	defer s.s.mu.Unlock()
	if s.s.dataErr != nil {
		return s.s.dataErr
	}
	s.s.received = append(s.s.received, received{s.from, s.to, b})
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// serveSMTP starts a server speaking TLS as mode says (config.TLS*): from
// the first byte, after STARTTLS (and AUTH only then), or not at all (AUTH
// in the clear, as a relay on loopback may).
func serveSMTP(t *testing.T, mode string) *server {
	t.Helper()
	cert, pool := selfSigned(t)
	s := &server{pool: pool}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	var l net.Listener
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().(*net.TCPAddr)
	switch mode {
	case config.TLSImplicit:
		l = tls.NewListener(l, tlsConfig)
	case config.TLSStartTLS:
		srv.TLSConfig = tlsConfig
	default:
		srv.AllowInsecureAuth = true
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "baoxue test SMTP"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func channel(t *testing.T, s *server, mode string, opts ...email.Option) *email.Channel {
	t.Helper()
	ch, err := email.New(config.Channel{Name: "mail", Type: config.TypeEmail, From: "保学 <" + user + ">",
		SMTP:    config.SMTP{Host: "127.0.0.1", Port: s.addr.Port, TLS: mode, Username: user, Password: password},
		Timeout: config.Duration(5 * time.Second)},
		append([]email.Option{email.WithTLSConfig(&tls.Config{RootCAs: s.pool})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func message() *notifier.Message {
	return &notifier.Message{
		Key:    "outbox-42/1",
		To:     notifier.Recipient{Teacher: "T001", Name: "王老师", Email: "wang@school.example"},
		Title:  "今日预警：新预警 3 条，任务 2 项",
		Text:   "王老师：\n新预警 3 条：张三、李四、王五。\nhttps://baoxue.example/t/T001\n",
		HTML:   "<p>王老师：</p><p>新预警 <b>3</b> 条：张三、李四、王五。</p><p><a href=\"https://baoxue.example/t/T001\">查看</a></p>",
		SentAt: time.Date(2025, 3, 3, 19, 5, 0, 0, time.FixedZone("CST", 8*3600)),
	}
}

func secretFree(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), password) {
		t.Errorf("error %q shows the password", err)
	}
}

func TestSendsBothParts(t *testing.T) {
	for _, mode := range []string{config.TLSStartTLS, config.TLSImplicit, config.TLSNone} {
		t.Run(mode, func(t *testing.T) {
			s := serveSMTP(t, mode)
			m := message()
			if err := channel(t, s, mode).Notify(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			if len(s.received) != 1 {
				t.Fatalf("server got %d messages, want 1", len(s.received))
			}
			got := s.received[0]
			if got.from != user || strings.Join(got.to, ",") != m.To.Email {
				t.Errorf("envelope %s -> %v", got.from, got.to)
			}
			checkMIME(t, got.data, m)
		})
	}
}

// checkMIME parses what the server received: the UTF-8 subject decodes,
// the key is in its header and the Message-ID, and the text and HTML parts
// decode to what was sent.
func checkMIME(t *testing.T, data []byte, m *notifier.Message) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	dec := new(mime.WordDecoder)
	if subj, err := dec.DecodeHeader(h.Get("Subject")); err != nil || subj != m.Title {
		t.Errorf("Subject %q decodes to %q (%v), want %q", h.Get("Subject"), subj, err, m.Title)
	}
	if strings.ContainsFunc(h.Get("Subject"), func(r rune) bool { return r > 0x7f }) {
		t.Errorf("Subject %q is not encoded", h.Get("Subject"))
	}
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Name != "王老师" || to[0].Address != m.To.Email {
		t.Errorf("To = %q (%v)", h.Get("To"), err)
	}
	if from, err := h.AddressList("From"); err != nil || from[0].Name != "保学" || from[0].Address != user {
		t.Errorf("From = %q (%v)", h.Get("From"), err)
	}
	if k := h.Get("X-Baoxue-Idempotency-Key"); k != m.Key {
		t.Errorf("X-Baoxue-Idempotency-Key = %q, want %q", k, m.Key)
	}
	if id := h.Get("Message-Id"); id != "<outbox-42/1@school.example>" {
		t.Errorf("Message-ID = %q", id)
	}
	if d, err := h.Date(); err != nil || !d.Equal(m.SentAt) {
		t.Errorf("Date = %q (%v)", h.Get("Date"), err)
	}
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v)", h.Get("Content-Type"), err)
	}
	parts := map[string]string{}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, cp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if !strings.EqualFold(cp["charset"], "utf-8") {
			t.Errorf("%s part has charset %q", ct, cp["charset"])
		}
		body := io.Reader(p)
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		parts[ct] = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	if strings.TrimSpace(parts["text/plain"]) != strings.TrimSpace(m.Text) {
		t.Errorf("text/plain part = %q, want %q", parts["text/plain"], m.Text)
	}
	if strings.TrimSpace(parts["text/html"]) != strings.TrimSpace(m.HTML) {
		t.Errorf("text/html part = %q, want %q", parts["text/html"], m.HTML)
	}
}

func TestTextOnly(t *testing.T) {
	s := serveSMTP(t, config.TLSStartTLS)
	m := message()
	m.HTML = ""
	if err := channel(t, s, config.TLSStartTLS).Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(s.received[0].data))
	if err != nil {
		t.Fatal(err)
	}
	if ct, _, _ := mime.ParseMediaType(msg.Header.Get("Content-Type")); ct != "text/plain" {
		t.Errorf("Content-Type = %q, want text/plain", msg.Header.Get("Content-Type"))
	}
}

func TestSMTPErrors(t *testing.T) {
	reply := func(code int, msg string) error {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: msg}
	}
	tests := []struct {
		name                      string
		mailErr, rcptErr, dataErr error
		retry                     bool
		want                      string
	}{
		{"mailbox busy", nil, reply(451, "try again later"), nil, true, "451"},
		{"no such user", nil, reply(550, "no such user"), nil, false, "550"},
		{"sender refused", reply(553, "sender not allowed"), nil, nil, false, "553"},
		{"greylisted", reply(421, "greylisted"), nil, nil, true, "421"},
		{"message refused", nil, nil, reply(554, "spam"), false, "554"},
		{"storage full", nil, nil, reply(452, "insufficient storage"), true, "452"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := serveSMTP(t, config.TLSStartTLS)
			s.mailErr, s.rcptErr, s.dataErr = tt.mailErr, tt.rcptErr, tt.dataErr
			err := channel(t, s, config.TLSStartTLS).Notify(context.Background(), message())
			if err == nil {
				t.Fatal("Notify succeeded")
			}
			if retry, _ := notifier.Retryable(err); retry != tt.retry || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q (retry %v), want %q (retry %v)", err, retry, tt.want, tt.retry)
			}
			secretFree(t, err)
			t.Log(err)
		})
	}
}

func TestWrongPasswordFailsWithoutShowingIt(t *testing.T) {
	s := serveSMTP(t, config.TLSStartTLS)
	ch, err := email.New(config.Channel{Name: "mail", Type: config.TypeEmail, From: user,
		SMTP: config.SMTP{Host: "127.0.0.1", Port: s.addr.Port, TLS: config.TLSStartTLS, Username: user, Password: "wrong-" + password}},
		email.WithTLSConfig(&tls.Config{RootCAs: s.pool}))
	if err != nil {
		t.Fatal(err)
	}
	err = ch.Notify(context.Background(), message())
	if retry, _ := notifier.Retryable(err); err == nil || retry || !strings.Contains(err.Error(), "535") {
		t.Errorf("wrong password: %v (retry %v), want a 535 failure", err, retry)
	}
	secretFree(t, err)
	t.Log(err)
	if len(s.received) != 0 {
		t.Error("message accepted without authentication")
	}
}

func TestUntrustedCertificateFails(t *testing.T) {
	s := serveSMTP(t, config.TLSStartTLS)
	ch, err := email.New(config.Channel{Name: "mail", Type: config.TypeEmail, From: user,
		SMTP: config.SMTP{Host: "127.0.0.1", Port: s.addr.Port, TLS: config.TLSStartTLS, Username: user, Password: password}})
	if err != nil {
		t.Fatal(err)
	}
	err = ch.Notify(context.Background(), message())
	if retry, _ := notifier.Retryable(err); err == nil || retry {
		t.Errorf("untrusted certificate: %v (retry %v), want a failure", err, retry)
	}
	secretFree(t, err)
}

func TestConnectionTroubleRetries(t *testing.T) {
	// Nothing listens: refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	refused := &server{addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}}
	err = channel(t, refused, config.TLSStartTLS).Notify(context.Background(), message())
	if retry, _ := notifier.Retryable(err); err == nil || !retry {
		t.Errorf("refused: %v (retry %v), want a retry", err, retry)
	}
	secretFree(t, err)

	// A server that accepts and never greets: timed out.
	mute, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer mute.Close()
	go func() {
		for {
			c, err := mute.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	ch, err := email.New(config.Channel{Name: "mail", Type: config.TypeEmail, From: user, Timeout: config.Duration(200 * time.Millisecond),
		SMTP: config.SMTP{Host: "127.0.0.1", Port: mute.Addr().(*net.TCPAddr).Port, TLS: config.TLSStartTLS}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = ch.Notify(context.Background(), message())
	if retry, _ := notifier.Retryable(err); err == nil || !retry {
		t.Errorf("mute server: %v (retry %v), want a retry", err, retry)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("gave up after %v, want about the 200ms timeout", time.Since(start))
	}
}

func TestAddressLimitsPace(t *testing.T) {
	s := serveSMTP(t, config.TLSStartTLS)
	ch := channel(t, s, config.TLSStartTLS)
	for r, want := range map[notifier.Recipient]string{
		{Teacher: "T1"}:                          "no email",
		{Teacher: "T1", Email: "not an address"}: "email is not a mail address",
		{Teacher: "T1", Email: "a@b.example"}:    "",
	} {
		if got := ch.Address(r); got != want {
			t.Errorf("Address(%+v) = %q, want %q", r, got, want)
		}
	}
	if lim := ch.Limits(); lim.Group || lim.MaxBytes != 0 {
		t.Errorf("Limits = %+v", lim)
	}
	if key, _ := ch.Pace(); !strings.HasPrefix(key, "email 127.0.0.1:") {
		t.Errorf("Pace key = %q", key)
	}
	m := message()
	m.Text, m.HTML = "", ""
	if err := ch.Notify(context.Background(), m); err == nil {
		t.Error("sent a message without a body")
	}
}

// TestSTARTTLSIsRequired: a server that does not offer STARTTLS (or an
// attacker who strips it) gets neither the password nor the message.
func TestSTARTTLSIsRequired(t *testing.T) {
	s := serveSMTP(t, config.TLSNone)
	err := channel(t, s, config.TLSStartTLS).Notify(context.Background(), message())
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("no STARTTLS offered: %v", err)
	}
	if len(s.received) != 0 {
		t.Error("message sent in the clear")
	}
	secretFree(t, err)
}
