package wecom_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/config"
	"baoxue/notifier"
	"baoxue/notifier/wecom"
)

const (
	tokenA = "TOKEN-A-accessAAAAAAAA"
	tokenB = "TOKEN-B-accessBBBBBBBB"
)

func tokenReply(tok string) canned {
	return ok(`{"errcode":0,"errmsg":"ok","access_token":"` + tok + `","expires_in":7200}`)
}

// clock is a settable time for the token's expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func app(t *testing.T, f *fakeWeCom, opts ...wecom.Option) *wecom.Channel {
	t.Helper()
	srv := serve(t, f)
	ch, err := wecom.New(config.Channel{Name: "teachers", Type: config.TypeWeCom,
		CorpID: "ww-corp", AgentID: 1000002, Secret: appSecret, Timeout: config.Duration(5 * time.Second)},
		append([]wecom.Option{wecom.WithBaseURL(srv.URL + "/")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestAppSendsAndCachesTheToken(t *testing.T) {
	f := &fakeWeCom{
		tokenReplies: []canned{tokenReply(tokenA), tokenReply(tokenB)},
		sendReplies:  []canned{ok(`{"errcode":0,"errmsg":"ok","invaliduser":"","msgid":"m1"}`)},
	}
	clk := &clock{t: time.Date(2025, 3, 3, 19, 0, 0, 0, time.UTC)}
	ch := app(t, f, wecom.WithClock(clk.now))
	m := message()
	for range 3 {
		if err := ch.Notify(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.tokenCalls) != 1 || f.tokenCalls[0] != appSecret {
		t.Errorf("gettoken calls = %d, want 1 with the secret", len(f.tokenCalls))
	}
	if !slices.Equal(f.sendTokens, []string{tokenA, tokenA, tokenA}) {
		t.Errorf("sent with tokens %v, want %s thrice", f.sendTokens, tokenA)
	}
	if f.keys[0] != m.Key {
		t.Errorf("Idempotency-Key = %q, want %q", f.keys[0], m.Key)
	}
	body := f.sendBodies[0]
	text, _ := body["text"].(map[string]any)
	if body["touser"] != "wang.laoshi" || body["msgtype"] != "text" || body["agentid"] != float64(1000002) ||
		text["content"] != m.Text || body["enable_duplicate_check"] != float64(1) || body["duplicate_check_interval"] != float64(14400) {
		t.Errorf("message/send body = %v", body)
	}
	if lim := ch.Limits(); lim.Group || lim.MaxBytes != 2048 {
		t.Errorf("Limits = %+v", lim)
	}

	// Past its lifetime, the token is fetched again.
	clk.add(2 * time.Hour)
	if err := ch.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if len(f.tokenCalls) != 2 || f.sendTokens[3] != tokenB {
		t.Errorf("after expiry: %d gettoken calls, sent with %s; want 2, %s", len(f.tokenCalls), f.sendTokens[3], tokenB)
	}
}

func TestAppRefreshesAnExpiredTokenOnce(t *testing.T) {
	for _, code := range []string{"42001", "40014"} {
		t.Run(code, func(t *testing.T) {
			f := &fakeWeCom{
				tokenReplies: []canned{tokenReply(tokenA), tokenReply(tokenB)},
				sendReplies:  []canned{ok(`{"errcode":` + code + `,"errmsg":"access_token expired"}`), ok(`{"errcode":0}`)},
			}
			if err := app(t, f).Notify(context.Background(), message()); err != nil {
				t.Fatal(err)
			}
			if len(f.tokenCalls) != 2 || strings.Join(f.sendTokens, ",") != tokenA+","+tokenB {
				t.Errorf("gettoken %d times, sent with %v; want 2, [%s %s]", len(f.tokenCalls), f.sendTokens, tokenA, tokenB)
			}
		})
	}
}

func TestAppSecondExpiryInARowFails(t *testing.T) {
	f := &fakeWeCom{
		tokenReplies: []canned{tokenReply(tokenA), tokenReply(tokenB), tokenReply("TOKEN-C-never")},
		sendReplies:  []canned{ok(`{"errcode":42001,"errmsg":"access_token expired ` + tokenA + `"}`), ok(`{"errcode":40014,"errmsg":"invalid access_token ` + tokenB + `"}`)},
	}
	err := app(t, f).Notify(context.Background(), message())
	if err == nil {
		t.Fatal("Notify succeeded")
	}
	if retry, _ := notifier.Retryable(err); !retry || !strings.Contains(err.Error(), "again with a fresh token") {
		t.Errorf("error %q (retry %v), want a retry saying the fresh token was refused too", err, retry)
	}
	if len(f.tokenCalls) != 2 || len(f.sendTokens) != 2 {
		t.Errorf("gettoken %d times, message/send %d times; want 2 and 2", len(f.tokenCalls), len(f.sendTokens))
	}
	secretFree(t, err, tokenA, tokenB)
}

func TestAppErrors(t *testing.T) {
	tests := []struct {
		name        string
		token, send canned
		retry       bool
		after       time.Duration
		want        string
	}{
		{"bad secret", ok(`{"errcode":40001,"errmsg":"invalid credential ` + appSecret + `"}`), canned{}, false, 0, "wecom gettoken: errcode 40001 secret invalid"},
		{"bad corp", ok(`{"errcode":40013,"errmsg":"invalid corpid"}`), canned{}, false, 0, "corp_id invalid"},
		{"untrusted IP", ok(`{"errcode":60020,"errmsg":"not allow to access from your ip"}`), canned{}, false, 0, "trusted IPs"},
		{"gettoken rate limited", ok(`{"errcode":45009,"errmsg":"api freq out of limit"}`), canned{}, true, time.Minute, "rate limited"},
		{"gettoken down", canned{status: 502}, canned{}, true, 0, "wecom gettoken: HTTP 502"},
		{"no token in reply", ok(`{"errcode":0}`), canned{}, false, 0, "no access_token"},
		{"send rate limited", tokenReply(tokenA), ok(`{"errcode":45009,"errmsg":"api freq out of limit"}`), true, time.Minute, "wecom send: errcode 45009"},
		{"concurrency", tokenReply(tokenA), ok(`{"errcode":45033,"errmsg":"api concurrent out of limit"}`), true, 0, "45033"},
		{"bad agent", tokenReply(tokenA), ok(`{"errcode":40056,"errmsg":"invalid agentid"}`), false, 0, "agent_id invalid"},
		{"user outside the app", tokenReply(tokenA), ok(`{"errcode":81013,"errmsg":"user & party & tag all invalid"}`), false, 0, "visible range"},
		{"invaliduser listed", tokenReply(tokenA), ok(`{"errcode":0,"errmsg":"ok","invaliduser":"wang.laoshi"}`), false, 0, "invaliduser"},
		{"unlicensed", tokenReply(tokenA), ok(`{"errcode":0,"errmsg":"ok","unlicenseduser":"x|wang.laoshi"}`), false, 0, "licence"},
		{"send 500", tokenReply(tokenA), canned{status: 500}, true, 0, "wecom send: HTTP 500"},
		{"send echoes the token", tokenReply(tokenA), ok(`{"errcode":48002,"errmsg":"api forbidden for ` + tokenA + `"}`), false, 0, "api forbidden for ***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeWeCom{tokenReplies: []canned{tt.token}, sendReplies: []canned{tt.send}}
			err := app(t, f).Notify(context.Background(), message())
			if err == nil {
				t.Fatal("Notify succeeded")
			}
			retry, after := notifier.Retryable(err)
			if retry != tt.retry || after != tt.after || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q (retry %v after %v), want %q (retry %v after %v)", err, retry, after, tt.want, tt.retry, tt.after)
			}
			secretFree(t, err, tokenA)
			t.Log(err)
		})
	}
}

func TestAppAddressAndPace(t *testing.T) {
	ch := app(t, &fakeWeCom{})
	if why := ch.Address(notifier.Recipient{Teacher: "T1", Phone: "13800000001"}); why != "no wecom_userid" {
		t.Errorf("Address without a wecom_userid = %q", why)
	}
	if why := ch.Address(notifier.Recipient{WeComUserID: "u"}); why != "" {
		t.Errorf("Address with a wecom_userid = %q", why)
	}
	if key, n := ch.Pace(); key != "wecom app ww-corp/1000002" || n <= 0 {
		t.Errorf("Pace = %q, %d", key, n)
	}
}

// TestAppConcurrentDeliveriesShareOneToken: deliveries racing for the
// first token wait for one gettoken instead of each fetching their own.
func TestAppConcurrentDeliveriesShareOneToken(t *testing.T) {
	f := &fakeWeCom{tokenReplies: []canned{tokenReply(tokenA), tokenReply(tokenB)}, sendReplies: []canned{ok(`{"errcode":0}`)}}
	ch := app(t, f)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := ch.Notify(context.Background(), message()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(f.tokenCalls) != 1 || len(f.sendTokens) != 8 {
		t.Errorf("gettoken %d times, message/send %d; want 1 and 8", len(f.tokenCalls), len(f.sendTokens))
	}
}
