package wecom_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/config"
	"baoxue/notifier"
	"baoxue/notifier/wecom"
)

const (
	robotKey  = "693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa"
	appSecret = "s3cret-Corp-App-Secret-xyz"
)

// fakeWeCom is a WeCom server on loopback: the group robot, gettoken and
// message/send. Each endpoint answers from a queue of canned replies (the
// last one repeats); it records what it was sent.
type fakeWeCom struct {
	t  *testing.T
	mu sync.Mutex

	robotReplies []canned
	tokenReplies []canned
	sendReplies  []canned

	robotBodies []map[string]any
	tokenCalls  []string // corpsecret of each gettoken
	sendTokens  []string // access_token of each message/send
	sendBodies  []map[string]any
	rawBodies   [][]byte
	keys        []string // Idempotency-Key of each POST
}

type canned struct {
	status int    // 0 is 200
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

func (f *fakeWeCom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var c canned
	switch r.URL.Path {
	case "/cgi-bin/webhook/send":
		if r.URL.Query().Get("key") != robotKey {
			c = ok(`{"errcode":93000,"errmsg":"invalid webhook url, hint: [1755605200056773468916791], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=93000"}`)
			break
		}
		f.robotBodies = append(f.robotBodies, f.decode(r))
		c = next(&f.robotReplies)
	case "/cgi-bin/gettoken":
		if r.Method != http.MethodGet || r.URL.Query().Get("corpid") != "ww-corp" {
			f.t.Errorf("gettoken: %s %s", r.Method, r.URL.Query().Get("corpid"))
		}
		f.tokenCalls = append(f.tokenCalls, r.URL.Query().Get("corpsecret"))
		c = next(&f.tokenReplies)
	case "/cgi-bin/message/send":
		f.sendTokens = append(f.sendTokens, r.URL.Query().Get("access_token"))
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

func (f *fakeWeCom) decode(r *http.Request) map[string]any {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		f.t.Errorf("%s %s with Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	f.keys = append(f.keys, r.Header.Get("Idempotency-Key"))
	b, _ := io.ReadAll(r.Body)
	f.rawBodies = append(f.rawBodies, b)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		f.t.Errorf("%s: body is not JSON: %v", r.URL.Path, err)
	}
	return m
}

func serve(t *testing.T, f *fakeWeCom) *httptest.Server {
	f.t = t
	s := httptest.NewServer(f)
	t.Cleanup(s.Close)
	return s
}

func robot(t *testing.T, srv *httptest.Server) *wecom.Channel {
	t.Helper()
	ch, err := wecom.New(config.Channel{Name: "groups", Type: config.TypeWeCom,
		URL: srv.URL + "/cgi-bin/webhook/send?key=" + robotKey, Timeout: config.Duration(5 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func message() *notifier.Message {
	return &notifier.Message{
		Key:   "outbox-42-1",
		To:    notifier.Recipient{Teacher: "T001", Name: "王老师", Phone: "13800000001", WeComUserID: "wang.laoshi"},
		Title: "今日预警",
		Text:  "王老师：新预警 3 条，任务 2 项。https://baoxue.example/t/T001",
	}
}

// secretFree fails when err's text shows a key, a secret or a token.
func secretFree(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range append(secrets, robotKey, appSecret) {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error %q shows the secret %q", err, s)
		}
	}
}

func TestRobotSends(t *testing.T) {
	f := &fakeWeCom{robotReplies: []canned{ok(`{"errcode":0,"errmsg":"ok"}`)}}
	ch := robot(t, serve(t, f))
	m := message()
	if err := ch.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if len(f.robotBodies) != 1 {
		t.Fatalf("robot got %d posts, want 1", len(f.robotBodies))
	}
	got := f.robotBodies[0]
	text, _ := got["text"].(map[string]any)
	if got["msgtype"] != "text" || text["content"] != m.Text {
		t.Errorf("body = %v", got)
	}
	if f.keys[0] != m.Key {
		t.Errorf("Idempotency-Key = %q, want %q", f.keys[0], m.Key)
	}
	if mob := fmt.Sprint(text["mentioned_mobile_list"]); mob != "[13800000001]" {
		t.Errorf("mentioned_mobile_list = %s, want the recipient's phone", mob)
	}
	if lim := ch.Limits(); !lim.Group || lim.MaxBytes != 2048 || len(m.Text) > lim.MaxBytes {
		t.Errorf("Limits = %+v", lim)
	}
	m.Mentions = []string{"13900000002", "13900000003"}
	if err := ch.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	text, _ = f.robotBodies[1]["text"].(map[string]any)
	if mob := fmt.Sprint(text["mentioned_mobile_list"]); mob != "[13900000002 13900000003]" {
		t.Errorf("mentioned_mobile_list = %s, want Mentions", mob)
	}
}

func TestRobotPaceAndAddress(t *testing.T) {
	ch := robot(t, serve(t, &fakeWeCom{}))
	key, n := ch.Pace()
	if n != 20 || key == "" || strings.Contains(key, robotKey) {
		t.Errorf("Pace = %q, %d; want a key without the robot key, 20", key, n)
	}
	if why := ch.Address(notifier.Recipient{Teacher: "T1"}); why != "" {
		t.Errorf("a robot reaches its group without a phone, got %q", why)
	}
}

// TestRobotErrors drives each class of failure: rate limits and server
// trouble are retried (after the wait asked for), a bad key and unknown
// codes fail at once; no error shows the key.
func TestRobotErrors(t *testing.T) {
	tests := []struct {
		name  string
		reply canned
		retry bool
		after time.Duration
		want  string
	}{
		{"rate limited", ok(`{"errcode":45009,"errmsg":"api freq out of limit"}`), true, time.Minute, "45009 rate limited"},
		{"busy", ok(`{"errcode":-1,"errmsg":"system busy"}`), true, 0, "errcode -1"},
		{"removed robot", ok(`{"errcode":93000,"errmsg":"invalid webhook url, hint: [x], from ip: 1.2.3.4"}`), false, 0, "robot key invalid or robot removed (invalid webhook url)"},
		{"unknown code", ok(`{"errcode":12345,"errmsg":"something new"}`), false, 0, "errcode 12345 (something new)"},
		{"HTTP 500", canned{status: 500, body: "oops"}, true, 0, "HTTP 500"},
		{"HTTP 429", canned{status: 429, header: "120"}, true, 2 * time.Minute, "HTTP 429"},
		{"HTTP 503 with a date", canned{status: 503, header: time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}, true, time.Hour, "HTTP 503"},
		{"HTTP 404", canned{status: 404}, false, 0, "HTTP 404"},
		{"not JSON", ok(`<html>`), false, 0, "not the expected JSON"},
		{"echoes the key", ok(`{"errcode":93000,"errmsg":"key ` + robotKey + ` invalid"}`), false, 0, "key *** invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeWeCom{robotReplies: []canned{tt.reply}}
			err := robot(t, serve(t, f)).Notify(context.Background(), message())
			if err == nil {
				t.Fatal("Notify succeeded")
			}
			retry, after := notifier.Retryable(err)
			if retry != tt.retry || (after-tt.after).Abs() > 2*time.Second {
				t.Errorf("Retryable = %v, %v; want %v, %v (%v)", retry, after, tt.retry, tt.after, err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "wecom robot") {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
			secretFree(t, err)
		})
	}
}

func TestRobotWrongKeyAndNetwork(t *testing.T) {
	srv := serve(t, &fakeWeCom{})
	ch, err := wecom.New(config.Channel{Name: "g", Type: config.TypeWeCom, URL: srv.URL + "/cgi-bin/webhook/send?key=wrong-key-0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	err = ch.Notify(context.Background(), message())
	if retry, _ := notifier.Retryable(err); err == nil || retry || strings.Contains(err.Error(), "wrong-key-0123456789") {
		t.Errorf("wrong key: %v (retry %v)", err, retry)
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	ch = robot(t, closed)
	err = ch.Notify(context.Background(), message())
	if retry, _ := notifier.Retryable(err); err == nil || !retry {
		t.Errorf("refused connection: %v (retry %v), want a retry", err, retry)
	}
	secretFree(t, err, closed.URL)
}

func TestRobotTimeout(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // else the server does not notice the client leave
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	ch, err := wecom.New(config.Channel{Name: "g", Type: config.TypeWeCom,
		URL: slow.URL + "/cgi-bin/webhook/send?key=" + robotKey, Timeout: config.Duration(50 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	err = ch.Notify(context.Background(), message())
	if retry, _ := notifier.Retryable(err); !retry || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("timeout: %v (retry %v)", err, retry)
	}
	secretFree(t, err)
}

func TestTooLongOrEmptyFailsWithoutSending(t *testing.T) {
	f := &fakeWeCom{robotReplies: []canned{ok(`{"errcode":0}`)}}
	ch := robot(t, serve(t, f))
	m := message()
	m.Text = strings.Repeat("字", 683) // 2,049 bytes
	if err := ch.Notify(context.Background(), m); err == nil || !strings.Contains(err.Error(), "2049 bytes") {
		t.Errorf("over the limit: %v", err)
	}
	m.Text = " \n"
	if err := ch.Notify(context.Background(), m); err == nil {
		t.Error("empty text sent")
	}
	if len(f.robotBodies) != 0 {
		t.Errorf("robot got %d posts, want none", len(f.robotBodies))
	}
}

func TestNewRefuses(t *testing.T) {
	for _, c := range []config.Channel{
		{Name: "x", Type: config.TypeDingTalk, URL: "https://example.invalid/"},
		{Name: "x", Type: config.TypeWeCom, URL: "ftp://qyapi/" + robotKey},
		{Name: "x", Type: config.TypeWeCom, CorpID: "c", Secret: appSecret},
	} {
		_, err := wecom.New(c)
		if err == nil {
			t.Errorf("New(%+v) succeeded", c)
		}
		secretFree(t, err)
	}
}
