package notifier_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"baoxue/config"
	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/notifier"
	"baoxue/notifier/dingtalk"
	"baoxue/notifier/email"
	"baoxue/notifier/webhook"
	"baoxue/notifier/wecom"
	"baoxue/report"
	"baoxue/store"
	"baoxue/store/storetest"
)

// The secrets of the channels the end-to-end test configures.
const (
	e2eRobotKey    = "e2e-wecom-robot-key-0123456789"
	e2eDingToken   = "e2e-dingtalk-robot-access-token-abcdef"
	e2eDingSecret  = "SECe2eDingTalkRobotSecret0123456789"
	e2eHookSecret  = "e2e-hook-secret"
	e2eWeComSecret = "e2e-wecom-app-secret"
	e2eDingApp     = "e2e-dingtalk-app-secret"
)

// e2eTeachers are the recipients: 王芳, a center admin every channel can
// address, and 李明, whose long digest is cut.
var e2eTeachers = []store.Teacher{
	{ID: "T001", Name: "王芳", SchoolID: "SCH01", Center: "C1", Role: "center_admin", Phone: "13800000001",
		WecomUserID: "wang.fang", DingtalkUserID: "ding-wangfang", Email: "wangfang@school.example"},
	{ID: "T002", Name: "李明", SchoolID: "SCH01", Center: "C1", Role: "teacher", Phone: "13800000002",
		WecomUserID: "li.ming"},
}

// e2eDigest is the run's digest for 王芳 as the engine queues it: students'
// names, a sensitive rule (留守儿童), a 学籍号 and an 18-digit identity
// number typed into messages, and the notifications of the center's
// teachers that could not be delivered.
func e2eDigest(t *testing.T) engine.Digest {
	d := fixture(t)
	d.Alerts = slices.Clone(d.Alerts)
	d.Alerts[1].Message += "\n身份证号500234201105010026，请核对。"
	return d
}

// e2eLongDigest is 李明's: 40 new alerts, longer than WeCom's 2,048 bytes.
func e2eLongDigest() engine.Digest {
	d := engine.Digest{Run: 7, At: "2026-03-10", Teacher: "T002"}
	for i := range 40 {
		d.Alerts = append(d.Alerts, engine.DigestAlert{Rule: "grade9-absence", RuleName: "九年级学生连续缺勤",
			Severity: "high", StudentKey: fmt.Sprintf("k%04d", i), Name: fmt.Sprintf("学生%d号", i), School: "SCH01",
			Class: "九年级2班", Message: fmt.Sprintf("学生%d号近14天缺勤%d天，学籍号G50023420110501%04d。", i, i%9+2, i), New: true})
	}
	return d
}

// e2eRows are the outbox rows of the test: each channel gets 王芳's digest,
// the WeCom app also 李明's. The channel is the one the writer asked for,
// so that one dispatcher sends each row where the test wants it.
var e2eRows = []struct{ channel, teacher string }{
	{"hook", "T001"}, {"wecom-robot", "T001"}, {"wecom-app", "T001"}, {"wecom-app", "T002"},
	{"ding-robot", "T001"}, {"ding-notice", "T001"}, {"mail", "T001"}, {"log", "T001"},
}

// e2eRequest is one request a loopback server got, as the golden files
// show it.
type e2eRequest struct {
	channel string // the channel it came from, by its path
	text    string
}

// e2eServer plays every HTTP platform at once: the webhook receiver, the
// WeCom robot, gettoken and message/send, the DingTalk robot (checking
// 加签), gettoken and asyncsend_v2. It keeps what each request sent,
// normalised where it depends on the time.
type e2eServer struct {
	t  *testing.T
	mu sync.Mutex
	// got are the requests in the order they came.
	got []e2eRequest
}

func (s *e2eServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	q := r.URL.Query()
	var channel, reply string
	switch r.URL.Path {
	case "/hook":
		channel, reply = "webhook", "ok"
		if sig := r.Header.Get("X-Baoxue-Signature"); sig != webhook.Sign([]byte(e2eHookSecret), body) {
			s.t.Errorf("webhook: X-Baoxue-Signature %q is not the body's", sig)
		}
		body = regexp.MustCompile(`"sent_at":"[^"]*"`).ReplaceAll(body, []byte(`"sent_at":"<SENT_AT>"`))
	case "/cgi-bin/webhook/send":
		channel, reply = "wecom-robot", `{"errcode":0,"errmsg":"ok"}`
		if q.Get("key") != e2eRobotKey {
			s.t.Errorf("wecom robot: key %q", q.Get("key"))
		}
	case "/cgi-bin/gettoken":
		channel, reply = "wecom-app", `{"errcode":0,"errmsg":"ok","access_token":"wecom-token-1","expires_in":7200}`
		if q.Get("corpsecret") != e2eWeComSecret {
			s.t.Errorf("wecom gettoken: corpsecret %q", q.Get("corpsecret"))
		}
		q.Set("corpsecret", "***")
	case "/cgi-bin/message/send":
		channel, reply = "wecom-app", `{"errcode":0,"errmsg":"ok","invaliduser":"","unlicenseduser":""}`
	case "/robot/send":
		channel, reply = "ding-robot", `{"errcode":0,"errmsg":"ok"}`
		ts := q.Get("timestamp")
		mac := hmac.New(sha256.New, []byte(e2eDingSecret))
		mac.Write([]byte(ts + "\n" + e2eDingSecret))
		if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); q.Get("sign") != want || ts == "" {
			s.t.Errorf("dingtalk robot: 加签 timestamp %q sign %q, want sign %q", ts, q.Get("sign"), want)
		}
		q.Set("timestamp", "<TIMESTAMP>")
		q.Set("sign", "<SIGN>")
	case "/gettoken":
		channel, reply = "ding-notice", `{"errcode":0,"errmsg":"ok","access_token":"ding-token-1","expires_in":7200}`
		if q.Get("appsecret") != e2eDingApp {
			s.t.Errorf("dingtalk gettoken: appsecret %q", q.Get("appsecret"))
		}
		q.Set("appsecret", "***")
	case "/topapi/message/corpconversation/asyncsend_v2":
		channel, reply = "ding-notice", `{"errcode":0,"errmsg":"ok","task_id":1}`
	default:
		s.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	var b strings.Builder
	target := r.URL.Path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	fmt.Fprintf(&b, "%s %s\n", r.Method, target)
	for _, h := range []string{"Content-Type", "Idempotency-Key", "X-Baoxue-Signature", "X-District"} {
		if v := r.Header.Get(h); v != "" {
			if h == "X-Baoxue-Signature" {
				v = "sha256=<SIGNATURE OF THE BODY, CHECKED>"
			}
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	if len(body) > 0 {
		fmt.Fprintf(&b, "\n%s\n", body)
	}
	s.got = append(s.got, e2eRequest{channel: channel, text: b.String()})
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, reply)
}

// e2eSMTP is a mail server on loopback, without TLS or authentication (a
// relay on the same host), keeping each message it accepts.
type e2eSMTP struct {
	addr *net.TCPAddr
	mu   sync.Mutex
	got  []string // envelope and data of each message
}

type e2eSession struct {
	s    *e2eSMTP
	from string
	to   []string
}

func (ss *e2eSession) Mail(from string, _ *smtp.MailOptions) error { ss.from = from; return nil }
func (ss *e2eSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}
func (ss *e2eSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.got = append(ss.s.got, fmt.Sprintf("MAIL FROM:<%s>\nRCPT TO:<%s>\nDATA\n%s", ss.from, strings.Join(ss.to, ">,<"), b))
	return nil
}
func (ss *e2eSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *e2eSession) Logout() error { return nil }

func serveE2ESMTP(t *testing.T) *e2eSMTP {
	t.Helper()
	s := &e2eSMTP{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &e2eSession{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().(*net.TCPAddr)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// e2eChannels configures and builds every channel against the servers.
func e2eChannels(t *testing.T, httpURL string, mailPort int, clock notifier.Clock, logOut io.Writer) (config.Notifier, map[string]notifier.Channel) {
	t.Helper()
	timeout := config.Duration(5 * time.Second)
	cfg := config.Notifier{Default: "hook", Retry: policy, Channels: []config.Channel{
		{Name: "hook", Type: config.TypeWebhook, URL: httpURL + "/hook", Secret: e2eHookSecret,
			Headers: map[string]string{"X-District": "500154"}, Timeout: timeout},
		{Name: "wecom-robot", Type: config.TypeWeCom, URL: httpURL + "/cgi-bin/webhook/send?key=" + e2eRobotKey, Timeout: timeout},
		{Name: "wecom-app", Type: config.TypeWeCom, CorpID: "ww-e2e-corp", AgentID: 1000002, Secret: e2eWeComSecret, Timeout: timeout},
		{Name: "ding-robot", Type: config.TypeDingTalk, URL: httpURL + "/robot/send?access_token=" + e2eDingToken,
			Secret: e2eDingSecret, Timeout: timeout},
		{Name: "ding-notice", Type: config.TypeDingTalk, AppKey: "ding-e2e-app", AgentID: 2000001, Secret: e2eDingApp, Timeout: timeout},
		{Name: "mail", Type: config.TypeEmail, From: "保学 <baoxue@school.example>", Timeout: timeout,
			SMTP: config.SMTP{Host: "127.0.0.1", Port: mailPort, TLS: config.TLSNone}},
		{Name: "log", Type: config.TypeLog},
	}}
	chans := map[string]notifier.Channel{}
	must := func(name string, ch notifier.Channel, e error) {
		t.Helper()
		if e != nil {
			t.Fatalf("channel %s: %v", name, e)
		}
		chans[name] = ch
	}
	get := func(name string) config.Channel {
		c, _ := cfg.Channel(name)
		return c
	}
	hook, err := webhook.New(get("hook"), notifier.Deps{Now: clock.Now})
	must("hook", hook, err)
	robot, err := wecom.New(get("wecom-robot"), wecom.WithClock(clock.Now))
	must("wecom-robot", robot, err)
	app, err := wecom.New(get("wecom-app"), wecom.WithBaseURL(httpURL), wecom.WithClock(clock.Now))
	must("wecom-app", app, err)
	dRobot, err := dingtalk.New(get("ding-robot"), dingtalk.WithClock(clock.Now))
	must("ding-robot", dRobot, err)
	notice, err := dingtalk.New(get("ding-notice"), dingtalk.WithBaseURL(httpURL), dingtalk.WithClock(clock.Now))
	must("ding-notice", notice, err)
	mailCh, err := email.New(get("mail"))
	must("mail", mailCh, err)
	logCh, err := notifier.NewLog(get("log"), notifier.Deps{Out: logOut})
	must("log", logCh, err)
	return cfg, chans
}

// TestChannelsEndToEnd runs the real dispatcher over a real outbox on each
// engine, through every real channel to servers on loopback, and compares
// the bytes each server received with the golden files of
// testdata/channel-*.golden (go test -update rewrites them), after
// normalising what depends on the time (sent_at, 加签's timestamp and sign,
// the mail's date and MIME boundary). Group robots get no student's name,
// no rule's name and no special-group label, only counts, an @mention of
// the teacher's phone and the link; personal channels get the names; no
// identity number or 学籍号 reaches any of them.
func TestChannelsEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		teachers(t, st, e2eTeachers...)
		var ms []store.OutboxMessage
		for _, r := range e2eRows {
			d := e2eDigest(t)
			if r.teacher == "T002" {
				d = e2eLongDigest()
			}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			ms = append(ms, store.OutboxMessage{DedupKey: "run:7:teacher:" + r.teacher + ":" + r.channel, RunID: 7,
				Channel: r.channel, Recipient: r.teacher, Kind: "digest", Payload: string(b)})
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.Enqueue(ctx, store.FormatTime(t0), ms) }); err != nil {
			t.Fatal(err)
		}

		web := &e2eServer{t: t}
		srv := httptest.NewServer(web)
		t.Cleanup(srv.Close)
		mailSrv := serveE2ESMTP(t)
		var logOut bytes.Buffer
		clock := newClock()
		cfg, chans := e2eChannels(t, srv.URL, mailSrv.addr.Port, clock, &logOut)
		// One destination at a time, so that the order of the requests,
		// and the instants on the fake clock, are the same on every run.
		d, err := notifier.NewDispatcher(st, cfg, chans, notifier.Options{Clock: clock, Owner: "e2e",
			PublicURL: "https://baoxue.example", Concurrency: 1, Rand: func(n int64) int64 { return n - 1 }, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := d.Flush(ctx, 0)
		if err != nil || sum.Sent != len(e2eRows) {
			t.Fatalf("Flush = %+v, %v; want %d sent", sum, err, len(e2eRows))
		}

		byChannel := map[string]string{}
		var app, appCut string
		for _, r := range web.got {
			switch {
			case r.channel == "wecom-app" && strings.Contains(r.text, `"touser":"li.ming"`):
				appCut += r.text + "\n"
			case r.channel == "wecom-app":
				app += r.text + "\n"
			default:
				byChannel[r.channel] += r.text + "\n"
			}
		}
		if appCut == "" {
			t.Fatalf("the WeCom app got no message for li.ming:\n%s", app)
		}
		if len(mailSrv.got) != 1 {
			t.Fatalf("the mail server got %d messages, want 1", len(mailSrv.got))
		}
		// The mail as it travelled, then as its reader sees it, decoded.
		mailText := normaliseMail(t, mailSrv.got[0]) + "\n=== decoded\n" + decodeMail(t, mailSrv.got[0])
		logLine := regexp.MustCompile(`"time":"[^"]*"`).ReplaceAllString(logOut.String(), `"time":"<TIME>"`)

		got := map[string]string{
			"webhook": byChannel["webhook"], "wecom-robot": byChannel["wecom-robot"], "wecom-app": app,
			"wecom-app-cut": appCut, "dingtalk-robot": byChannel["ding-robot"], "dingtalk-notice": byChannel["ding-notice"],
			"email": mailText, "log": logLine,
		}
		names := make([]string, 0, len(got))
		for name := range got {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			channelGolden(t, "channel-"+name, got[name])
		}

		digest := e2eDigest(t)
		var students, labels []string
		for _, a := range digest.Alerts {
			students = append(students, a.Name)
			labels = append(labels, a.RuleName, a.Rule, a.Class)
		}
		for _, e := range digest.Escalations {
			students = append(students, e.Name)
		}
		labels = append(labels, "留守", "left-behind", "敏感")
		// What a person reads in each: the raw bytes, and for the mail its
		// decoded subject and parts.
		decoded := map[string]string{}
		for name, s := range got {
			decoded[name] = s
		}
		decoded["email"] = decodeMail(t, mailSrv.got[0])
		decoded["webhook"] = unescapeJSON(decoded["webhook"])
		for _, group := range []string{"wecom-robot", "dingtalk-robot"} {
			for _, s := range append(append([]string{}, students...), labels...) {
				if strings.Contains(decoded[group], s) {
					t.Errorf("the %s's group message shows %q:\n%s", group, s, decoded[group])
				}
			}
			for _, want := range []string{"@王芳", "新预警学生 2 名", "https://baoxue.example/t/T001"} {
				if !strings.Contains(decoded[group], want) {
					t.Errorf("the %s's group message lacks %q:\n%s", group, want, decoded[group])
				}
			}
		}
		// The @mention: the teacher's phone, which the dispatcher passes as
		// Message.Mentions, in the field each robot reads.
		if !strings.Contains(got["wecom-robot"], `"mentioned_mobile_list":["13800000001"]`) {
			t.Errorf("the WeCom robot's message does not @mention the teacher's phone:\n%s", got["wecom-robot"])
		}
		if !strings.Contains(got["dingtalk-robot"], `"atMobiles":["13800000001"]`) || !strings.Contains(got["dingtalk-robot"], `@13800000001"`) {
			t.Errorf("the DingTalk robot's message does not @mention the teacher's phone:\n%s", got["dingtalk-robot"])
		}
		for _, personal := range []string{"webhook", "wecom-app", "dingtalk-notice", "email"} {
			for _, s := range append(append([]string{}, students...), "留守儿童近两周缺勤两天以上", "G500234********0015", "500234********0026") {
				if !strings.Contains(decoded[personal], s) {
					t.Errorf("the %s's personal message lacks %q:\n%s", personal, s, decoded[personal])
				}
			}
		}
		if !strings.Contains(decoded["wecom-app-cut"], "另有 ") || !strings.Contains(decoded["wecom-app-cut"], "项，详见：https://baoxue.example/t/T002") {
			t.Errorf("李明's long digest was not cut:\n%s", decoded["wecom-app-cut"])
		}
		var sent struct {
			Text struct{ Content string } `json:"text"`
		}
		if i := strings.Index(appCut, "\n{"); i < 0 || json.Unmarshal([]byte(strings.TrimSpace(appCut[i:])), &sent) != nil ||
			len(sent.Text.Content) > wecom.MaxTextBytes || len(sent.Text.Content) < wecom.MaxTextBytes-200 {
			t.Errorf("the cut message has %d bytes of content, want at most %d and close to it", len(sent.Text.Content), wecom.MaxTextBytes)
		}
		for name, s := range decoded {
			if m := idLike.FindString(s); m != "" {
				t.Errorf("the %s's message carries an identity number: %s", name, m)
			}
		}
		for name, s := range got {
			if m := idLike.FindString(s); m != "" {
				t.Errorf("the %s's bytes carry an identity number: %s", name, m)
			}
			for _, secret := range []string{e2eHookSecret, e2eWeComSecret, e2eDingSecret, e2eDingApp} {
				if strings.Contains(s, secret) {
					t.Errorf("the %s's golden shows the secret %q", name, secret)
				}
			}
		}
	})
}

// idLike finds an 18-character identity number (17 digits and a digit or
// X) or a 学籍号 (G and 18), standing alone.
var idLike = regexp.MustCompile(`(^|[^0-9A-Za-z])(G?[0-9]{17}[0-9Xx])([^0-9Xx]|$)`)

// channelGolden compares got with testdata/NAME.golden.
func channelGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", path, got)
	}
}

// normaliseMail replaces the mail's Date and MIME boundary, which differ
// on every run, keeping every other byte.
func normaliseMail(t *testing.T, raw string) string {
	t.Helper()
	raw = regexp.MustCompile(`(?m)^Date: [^\r\n]*`).ReplaceAllString(raw, "Date: <DATE>")
	m := regexp.MustCompile(`boundary=("?)([^"\r\n;]+)`).FindStringSubmatch(raw)
	if m == nil {
		t.Fatalf("the mail has no MIME boundary:\n%s", raw)
	}
	return strings.ReplaceAll(raw, m[2], "<BOUNDARY>")
}

// decodeMail returns what the mail's reader sees: its headers decoded and
// each part's body decoded.
func decodeMail(t *testing.T, raw string) string {
	t.Helper()
	_, data, _ := strings.Cut(raw, "DATA\n")
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	dec := new(mime.WordDecoder)
	for _, h := range []string{"From", "To", "Subject"} {
		v, err := dec.DecodeHeader(msg.Header.Get(h))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s: %s\n", h, v)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = p
		switch p.Header.Get("Content-Transfer-Encoding") {
		case "quoted-printable":
			body = quotedprintable.NewReader(p)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, p)
		}
		text, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "-- %s\n%s\n", p.Header.Get("Content-Type"), text)
	}
	return b.String()
}

// unescapeJSON undoes the escapes encoding/json writes for <, > and &, so
// that the checks read the text as the receiver does.
func unescapeJSON(s string) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(s)
}

// TestDispatcherMentionsOnGroups: the dispatcher gives a group channel the
// teacher's phone as Message.Mentions, and a personal one none; a teacher
// without a phone is still sent to the group, with no @mention.
func TestDispatcherMentionsOnGroups(t *testing.T) {
	st := storetest.SQLite(t)
	noPhone := teacher("T002")
	noPhone.Phone = ""
	teachers(t, st, teacher("T001"), noPhone)
	queue(t, st, fixture(t), nil, "T001", "T002")
	clock := newClock()
	group := &robot{name: "group", clock: clock, limits: notifier.Limits{Group: true, MaxBytes: 2048}}
	personal := &robot{name: "personal", clock: clock}
	d := dispatcher(t, st, config.Notifier{Default: "group"}, map[string]notifier.Channel{"group": group}, clock, "a")
	if sum, err := d.Flush(context.Background(), 0); err != nil || sum.Sent != 2 {
		t.Fatalf("Flush = %+v, %v", sum, err)
	}
	calls := group.calls()
	if len(calls) != 2 {
		t.Fatalf("the group got %d messages, want 2", len(calls))
	}
	for _, c := range calls {
		want := []string{teacher(c.msg.To.Teacher).Phone}
		if c.msg.To.Teacher == "T002" {
			want = nil
		}
		if !slices.Equal(c.msg.Mentions, want) || !strings.Contains(c.msg.Text, "@王老师"+c.msg.To.Teacher) {
			t.Errorf("%s: Mentions %v, want %v; text %q", c.msg.To.Teacher, c.msg.Mentions, want, c.msg.Text)
		}
	}

	st = storetest.SQLite(t)
	teachers(t, st, teacher("T001"))
	queue(t, st, fixture(t), nil, "T001")
	d = dispatcher(t, st, config.Notifier{Default: "personal"}, map[string]notifier.Channel{"personal": personal}, clock, "b")
	if sum, err := d.Flush(context.Background(), 0); err != nil || sum.Sent != 1 {
		t.Fatalf("Flush = %+v, %v", sum, err)
	}
	if calls := personal.calls(); len(calls) != 1 || calls[0].msg.Mentions != nil {
		t.Errorf("a personal channel got Mentions %v", calls[len(calls)-1].msg.Mentions)
	}
}

// TestAddressReasonsRead: every reason a channel gives for a recipient it
// cannot address is one that report.OutboxReason says in Chinese, so that
// the digests and the flush summary never show it in English.
func TestAddressReasonsRead(t *testing.T) {
	_, chans := e2eChannels(t, "http://127.0.0.1:1", 25, newClock(), io.Discard)
	zh := i18n.NewPrinter(i18n.Chinese)
	seen := 0
	for name, ch := range chans {
		for _, to := range []notifier.Recipient{{Teacher: "T9"}, {Teacher: "T9", Email: "not an address"}} {
			why := ch.Address(to)
			if why == "" {
				continue
			}
			seen++
			if got := report.OutboxReason(zh, why); got == why || !strings.ContainsFunc(got, func(r rune) bool { return r > 0x2e80 }) {
				t.Errorf("channel %s: reason %q reads %q, not Chinese", name, why, got)
			}
		}
	}
	if seen < 4 {
		t.Errorf("only %d reasons seen: the channels address everyone?", seen)
	}
	// The dispatcher's own.
	for _, why := range []string{"recipient T9 is not in the teachers directory", `no channel named "x" is configured`} {
		if got := report.OutboxReason(zh, why); got == why {
			t.Errorf("reason %q is not translated", why)
		}
	}
}
