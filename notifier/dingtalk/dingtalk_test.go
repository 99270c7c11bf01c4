package dingtalk_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/config"
	"baoxue/notifier"
	"baoxue/notifier/dingtalk"
)

const (
	robotToken  = "f3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	robotSecret = "SEC0123456789abcdefDingTalkRobotSecret"
	appSecret   = "app-secret-Zr7xQ2mLk9"
)

// fakeDingTalk is a DingTalk server on loopback: the custom robot (which
// checks 加签 by recomputing the signature, as DingTalk does), gettoken and
// asyncsend_v2. Each endpoint answers from a queue of canned replies (the
// last one repeats) and records what it was sent.
type fakeDingTalk struct {
	t      *testing.T
	secret string    // the robot's 加签 secret; "" accepts unsigned calls
	now    time.Time // the server's clock, for the timestamp check
	mu     sync.Mutex

	robotReplies, tokenReplies, sendReplies []canned

	robotBodies []map[string]any
	robotQuery  []string // raw query of each robot call
	tokenCalls  int
	sendTokens  []string
	sendBodies  []map[string]any
	keys        []string // Idempotency-Key of each POST
}

type canned struct {
	status int
	header string // Retry-After
	body   string
}

func ok(body string) canned { return canned{body: body} }

func next(q *[]canned) canned {
	c := (*q)[0]
	if len(*q) > 1 {
		*q = (*q)[1:]
	}
	return c
}

func (f *fakeDingTalk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var c canned
	q := r.URL.Query()
	switch r.URL.Path {
	case "/robot/send":
		f.robotQuery = append(f.robotQuery, r.URL.RawQuery)
		body := f.decode(r)
		switch {
		case q.Get("access_token") != robotToken:
			c = ok(`{"errcode":300005,"errmsg":"token is not exist"}`)
		case f.secret != "" && !f.signed(q):
			c = ok(`{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}`)
		default:
			f.robotBodies = append(f.robotBodies, body)
			c = next(&f.robotReplies)
		}
	case "/gettoken":
		if r.Method != http.MethodGet || q.Get("appkey") != "ding-app-key" || q.Get("appsecret") != appSecret {
			f.t.Errorf("gettoken: %s appkey=%q, secret right: %v", r.Method, q.Get("appkey"), q.Get("appsecret") == appSecret)
		}
		f.tokenCalls++
		c = next(&f.tokenReplies)
	case "/topapi/message/corpconversation/asyncsend_v2":
		f.sendTokens = append(f.sendTokens, q.Get("access_token"))
		f.sendBodies = append(f.sendBodies, f.decode(r))
		c = next(&f.sendReplies)
	default:
		http.NotFound(w, r)
		return
	}
	if c.header != "" {
		w.Header().Set("Retry-After", c.header)
	}
	w.Header().Set("Content-Type", "application/json")
	if c.status != 0 {
		w.WriteHeader(c.status)
	}
	_, _ = io.WriteString(w, c.body)
}

// signed checks 加签 the way DingTalk documents it: the timestamp within an
// hour of the server's clock, and sign equal to base64(HMAC-SHA256(secret,
// timestamp+"\n"+secret)).
func (f *fakeDingTalk) signed(q map[string][]string) bool {
	ts, sign := first(q["timestamp"]), first(q["sign"])
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.UnixMilli(ms).Sub(f.now).Abs() > time.Hour {
		return false
	}
	mac := hmac.New(sha256.New, []byte(f.secret))
	mac.Write([]byte(ts + "\n" + f.secret))
	return hmac.Equal([]byte(sign), []byte(base64.StdEncoding.EncodeToString(mac.Sum(nil))))
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func (f *fakeDingTalk) decode(r *http.Request) map[string]any {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		f.t.Errorf("%s %s with Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	f.keys = append(f.keys, r.Header.Get("Idempotency-Key"))
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		f.t.Errorf("%s: body is not JSON: %v", r.URL.Path, err)
	}
	return m
}

var t0 = time.Date(2025, 3, 3, 19, 0, 1, 0, time.UTC) // its signature holds '+' and '/'

func serve(t *testing.T, f *fakeDingTalk) *httptest.Server {
	f.t = t
	if f.now.IsZero() {
		f.now = t0
	}
	s := httptest.NewServer(f)
	t.Cleanup(s.Close)
	return s
}

func robot(t *testing.T, srv *httptest.Server, secret string, opts ...dingtalk.Option) *dingtalk.Channel {
	t.Helper()
	ch, err := dingtalk.New(config.Channel{Name: "groups", Type: config.TypeDingTalk,
		URL: srv.URL + "/robot/send?access_token=" + robotToken, Secret: secret, Timeout: config.Duration(5 * time.Second)},
		append([]dingtalk.Option{dingtalk.WithClock(func() time.Time { return t0 })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func message() *notifier.Message {
	return &notifier.Message{
		Key:      "outbox-42-1",
		To:       notifier.Recipient{Teacher: "T001", Name: "王老师", Phone: "13800000001", DingTalkUserID: "manager4220"},
		Title:    "今日预警",
		Markdown: "### 今日预警\n王老师：新预警 **3** 条，任务 2 项。[查看](https://baoxue.example/t/T001)",
		Text:     "王老师：新预警 3 条，任务 2 项。https://baoxue.example/t/T001",
	}
}

func secretFree(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range append(secrets, robotToken, robotSecret, appSecret) {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error %q shows the secret %q", err, s)
		}
	}
}

func TestRobotSignsAndSends(t *testing.T) {
	f := &fakeDingTalk{secret: robotSecret, robotReplies: []canned{ok(`{"errcode":0,"errmsg":"ok"}`)}}
	ch := robot(t, serve(t, f), robotSecret)
	m := message()
	if err := ch.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if len(f.robotBodies) != 1 {
		t.Fatalf("robot accepted %d posts, want 1", len(f.robotBodies))
	}
	if f.keys[0] != m.Key {
		t.Errorf("Idempotency-Key = %q, want %q", f.keys[0], m.Key)
	}
	raw := f.robotQuery[0]
	if !strings.Contains(raw, "timestamp=1741028401000") || !strings.Contains(raw, "%2B") || !strings.Contains(raw, "%2F") {
		t.Errorf("query %q: want the millisecond timestamp and a URL-encoded sign", raw)
	}
	b := f.robotBodies[0]
	md, _ := b["markdown"].(map[string]any)
	at, _ := b["at"].(map[string]any)
	text, _ := md["text"].(string)
	if b["msgtype"] != "markdown" || md["title"] != m.Title || !strings.HasPrefix(text, m.Markdown) ||
		!strings.HasSuffix(text, "@13800000001") || fmt.Sprint(at["atMobiles"]) != "[13800000001]" {
		t.Errorf("body = %v", b)
	}
	lim := ch.Limits()
	if !lim.Group || len(m.Markdown) > lim.MaxBytes || len(text) > 5000 {
		t.Errorf("Limits = %+v, sent %d bytes", lim, len(text))
	}
}

func TestRobotWithoutSecretIsUnsigned(t *testing.T) {
	f := &fakeDingTalk{robotReplies: []canned{ok(`{"errcode":0}`)}}
	m := message()
	m.Mentions = []string{"13900000002", "13900000003"}
	if err := robot(t, serve(t, f), "").Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if q := f.robotQuery[0]; q != "access_token="+robotToken {
		t.Errorf("query = %q, want the URL's own", q)
	}
	text := f.robotBodies[0]["markdown"].(map[string]any)["text"].(string)
	if !strings.HasSuffix(text, "@13900000002 @13900000003") {
		t.Errorf("text %q does not end with the mentions", text)
	}
}

func TestRobotWrongSecretOrToken(t *testing.T) {
	f := &fakeDingTalk{secret: robotSecret, robotReplies: []canned{ok(`{"errcode":0}`)}}
	srv := serve(t, f)
	err := robot(t, srv, "SECwrong-secret-0123456789").Notify(context.Background(), message())
	if retry, _ := notifier.Retryable(err); err == nil || retry || !strings.Contains(err.Error(), "310000 refused by the robot's security settings (sign not match") {
		t.Errorf("wrong secret: %v (retry %v)", err, retry)
	}
	secretFree(t, err, "SECwrong-secret-0123456789")

	// A clock off by more than an hour fails the timestamp check.
	skewed := robot(t, srv, robotSecret, dingtalk.WithClock(func() time.Time { return t0.Add(2 * time.Hour) }))
	if err := skewed.Notify(context.Background(), message()); err == nil {
		t.Error("a signature two hours off was accepted")
	}

	ch, _ := dingtalk.New(config.Channel{Name: "g", Type: config.TypeDingTalk, URL: srv.URL + "/robot/send?access_token=deadbeefdeadbeef"})
	err = ch.Notify(context.Background(), message())
	if retry, _ := notifier.Retryable(err); err == nil || retry || strings.Contains(err.Error(), "deadbeefdeadbeef") {
		t.Errorf("wrong token: %v (retry %v)", err, retry)
	}
}

func TestRobotErrors(t *testing.T) {
	tests := []struct {
		name  string
		reply canned
		retry bool
		after time.Duration
		want  string
	}{
		{"too fast", ok(`{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}`), true, 10 * time.Minute, "130101 rate limited"},
		{"throttled", ok(`{"errcode":410100,"errmsg":"发送速度太快而限流"}`), true, 10 * time.Minute, "410100"},
		{"busy", ok(`{"errcode":-1,"errmsg":"系统繁忙"}`), true, 0, "errcode -1 system busy"},
		{"keyword", ok(`{"errcode":310000,"errmsg":"keywords not in content"}`), false, 0, "(keywords not in content)"},
		{"robot disabled", ok(`{"errcode":400102,"errmsg":"机器人已停用"}`), false, 0, "robot disabled"},
		{"group dissolved", ok(`{"errcode":400013,"errmsg":"群已被解散"}`), false, 0, "group dissolved"},
		{"content refused", ok(`{"errcode":430102,"errmsg":"含有不合适的文本"}`), false, 0, "content refused"},
		{"unknown", ok(`{"errcode":777777,"errmsg":"new"}`), false, 0, "errcode 777777 (new)"},
		{"HTTP 502", canned{status: 502}, true, 0, "dingtalk robot: HTTP 502"},
		{"HTTP 429", canned{status: 429, header: "30"}, true, 30 * time.Second, "HTTP 429"},
		{"HTTP 400", canned{status: 400}, false, 0, "HTTP 400"},
		{"echoes secrets", ok(`{"errcode":310000,"errmsg":"bad ` + robotToken + ` ` + robotSecret + `"}`), false, 0, "bad *** ***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeDingTalk{secret: robotSecret, robotReplies: []canned{tt.reply}}
			err := robot(t, serve(t, f), robotSecret).Notify(context.Background(), message())
			if err == nil {
				t.Fatal("Notify succeeded")
			}
			retry, after := notifier.Retryable(err)
			if retry != tt.retry || after != tt.after || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q (retry %v after %v), want %q (retry %v after %v)", err, retry, after, tt.want, tt.retry, tt.after)
			}
			secretFree(t, err)
		})
	}
}

func TestRobotNetworkErrorRetries(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	err := robot(t, closed, robotSecret).Notify(context.Background(), message())
	if retry, _ := notifier.Retryable(err); err == nil || !retry {
		t.Errorf("refused connection: %v (retry %v), want a retry", err, retry)
	}
	secretFree(t, err, closed.URL)
}

func TestRobotRefusesWithoutSending(t *testing.T) {
	f := &fakeDingTalk{robotReplies: []canned{ok(`{"errcode":0}`)}}
	ch := robot(t, serve(t, f), "")
	m := message()
	m.Markdown = strings.Repeat("字", 1666) // 4,998 bytes, no room for the mention
	if err := ch.Notify(context.Background(), m); err == nil || !strings.Contains(err.Error(), "over the 5000") {
		t.Errorf("over the limit: %v", err)
	}
	m = message()
	m.Title = ""
	if err := ch.Notify(context.Background(), m); err == nil {
		t.Error("sent without a title")
	}
	if len(f.robotQuery) != 0 {
		t.Errorf("robot got %d posts, want none", len(f.robotQuery))
	}
}

func TestRobotAddressAndPace(t *testing.T) {
	ch := robot(t, serve(t, &fakeDingTalk{}), robotSecret)
	if why := ch.Address(notifier.Recipient{Teacher: "T1"}); why != "" {
		t.Errorf("Address = %q", why)
	}
	key, n := ch.Pace()
	if n != 20 || key == "" || strings.Contains(key, robotToken) {
		t.Errorf("Pace = %q, %d", key, n)
	}
}
