package dingtalk_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/config"
	"baoxue/notifier"
	"baoxue/notifier/dingtalk"
)

const (
	tokenA = "TOKEN-A-dingAAAAAAAA"
	tokenB = "TOKEN-B-dingBBBBBBBB"
)

func tokenReply(tok string) canned {
	return ok(`{"errcode":0,"access_token":"` + tok + `","errmsg":"ok","expires_in":7200}`)
}

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

func notices(t *testing.T, f *fakeDingTalk, opts ...dingtalk.Option) *dingtalk.Channel {
	t.Helper()
	srv := serve(t, f)
	ch, err := dingtalk.New(config.Channel{Name: "teachers", Type: config.TypeDingTalk,
		AppKey: "ding-app-key", AgentID: 2760000123, Secret: appSecret, Timeout: config.Duration(5 * time.Second)},
		append([]dingtalk.Option{dingtalk.WithBaseURL(srv.URL)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestNoticeSendsAndCachesTheToken(t *testing.T) {
	f := &fakeDingTalk{
		tokenReplies: []canned{tokenReply(tokenA), tokenReply(tokenB)},
		sendReplies:  []canned{ok(`{"errcode":0,"task_id":256271667526,"request_id":"4jzllmte0wau"}`)},
	}
	clk := &clock{t: t0}
	ch := notices(t, f, dingtalk.WithClock(clk.now))
	m := message()
	for range 2 {
		if err := ch.Notify(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	if f.tokenCalls != 1 || !slices.Equal(f.sendTokens, []string{tokenA, tokenA}) {
		t.Errorf("gettoken %d times, sent with %v; want 1, [%s %s]", f.tokenCalls, f.sendTokens, tokenA, tokenA)
	}
	if f.keys[0] != m.Key {
		t.Errorf("Idempotency-Key = %q, want %q", f.keys[0], m.Key)
	}
	b := f.sendBodies[0]
	msg, _ := b["msg"].(map[string]any)
	md, _ := msg["markdown"].(map[string]any)
	if b["agent_id"] != float64(2760000123) || b["userid_list"] != "manager4220" || msg["msgtype"] != "markdown" ||
		md["title"] != m.Title || md["text"] != m.Markdown {
		t.Errorf("asyncsend_v2 body = %v", b)
	}
	if lim := ch.Limits(); lim.Group || len(m.Markdown) > lim.MaxBytes {
		t.Errorf("Limits = %+v", lim)
	}

	clk.add(2 * time.Hour)
	if err := ch.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if f.tokenCalls != 2 || f.sendTokens[2] != tokenB {
		t.Errorf("after expiry: gettoken %d times, sent with %s; want 2, %s", f.tokenCalls, f.sendTokens[2], tokenB)
	}
}

func TestNoticeRefreshesAnExpiredTokenOnce(t *testing.T) {
	for name, expired := range map[string]string{
		"42001":       `{"errcode":42001,"errmsg":"access_token超时"}`,
		"40014":       `{"errcode":40014,"errmsg":"不合法的access_token"}`,
		"88 subcode":  `{"errcode":88,"sub_code":"40014","sub_msg":"不合法的access_token","errmsg":"ding talk error[subcode=40014]"}`,
		"88 subcode2": `{"errcode":88,"sub_code":"42001","sub_msg":"access_token超时"}`,
	} {
		t.Run(name, func(t *testing.T) {
			f := &fakeDingTalk{
				tokenReplies: []canned{tokenReply(tokenA), tokenReply(tokenB)},
				sendReplies:  []canned{ok(expired), ok(`{"errcode":0,"task_id":1}`)},
			}
			if err := notices(t, f).Notify(context.Background(), message()); err != nil {
				t.Fatal(err)
			}
			if f.tokenCalls != 2 || !slices.Equal(f.sendTokens, []string{tokenA, tokenB}) {
				t.Errorf("gettoken %d times, sent with %v", f.tokenCalls, f.sendTokens)
			}
		})
	}
}

func TestNoticeSecondExpiryInARowFails(t *testing.T) {
	f := &fakeDingTalk{
		tokenReplies: []canned{tokenReply(tokenA), tokenReply(tokenB)},
		sendReplies:  []canned{ok(`{"errcode":42001,"errmsg":"access_token超时 ` + tokenA + `"}`), ok(`{"errcode":40014,"errmsg":"不合法的access_token ` + tokenB + `"}`)},
	}
	err := notices(t, f).Notify(context.Background(), message())
	if retry, _ := notifier.Retryable(err); err == nil || !retry || !strings.Contains(err.Error(), "again with a fresh token") {
		t.Errorf("error %v (retry %v), want a retry saying the fresh token was refused too", err, retry)
	}
	if f.tokenCalls != 2 || len(f.sendTokens) != 2 {
		t.Errorf("gettoken %d times, asyncsend_v2 %d times; want 2 and 2", f.tokenCalls, len(f.sendTokens))
	}
	secretFree(t, err, tokenA, tokenB)
}

func TestNoticeErrors(t *testing.T) {
	tests := []struct {
		name        string
		token, send canned
		retry       bool
		after       time.Duration
		want        string
	}{
		{"bad secret", ok(`{"errcode":40089,"errmsg":"不合法的corpid或corpsecret ` + appSecret + `"}`), canned{}, false, 0, "dingtalk gettoken: errcode 40089 (不合法的corpid或corpsecret ***)"},
		{"gettoken banned", ok(`{"errcode":90002,"errmsg":"您的服务器调用钉钉开放平台当前接口的所有请求都被暂时禁用了"}`), canned{}, true, time.Minute, "rate limited"},
		{"gettoken down", canned{status: 503, header: "5"}, canned{}, true, 5 * time.Second, "dingtalk gettoken: HTTP 503"},
		{"invalid user", tokenReply(tokenA), ok(`{"errcode":33012,"errmsg":"无效的USERID"}`), false, 0, "dingtalk send: errcode 33012 userid invalid"},
		{"no permission", tokenReply(tokenA), ok(`{"errcode":88,"sub_code":"60011","sub_msg":"没有调用该接口的权限","errmsg":"ding talk error[subcode=60011]"}`), false, 0, "errcode 88/60011 (没有调用该接口的权限)"},
		{"busy", tokenReply(tokenA), ok(`{"errcode":-1,"errmsg":"系统繁忙"}`), true, 0, "system busy"},
		{"send 500", tokenReply(tokenA), canned{status: 500}, true, 0, "dingtalk send: HTTP 500"},
		{"echoes the token", tokenReply(tokenA), ok(`{"errcode":40035,"errmsg":"bad access_token=` + tokenA + `"}`), false, 0, "access_token=***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeDingTalk{tokenReplies: []canned{tt.token}, sendReplies: []canned{tt.send}}
			err := notices(t, f).Notify(context.Background(), message())
			if err == nil {
				t.Fatal("Notify succeeded")
			}
			retry, after := notifier.Retryable(err)
			if retry != tt.retry || after != tt.after || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q (retry %v after %v), want %q (retry %v after %v)", err, retry, after, tt.want, tt.retry, tt.after)
			}
			secretFree(t, err, tokenA)
		})
	}
}

func TestNoticeAddressAndPace(t *testing.T) {
	ch := notices(t, &fakeDingTalk{})
	if why := ch.Address(notifier.Recipient{Teacher: "T1", WeComUserID: "x"}); why != "no dingtalk_userid" {
		t.Errorf("Address without a dingtalk_userid = %q", why)
	}
	if why := ch.Address(notifier.Recipient{DingTalkUserID: "u"}); why != "" {
		t.Errorf("Address with one = %q", why)
	}
	if key, n := ch.Pace(); key != "dingtalk app 2760000123" || n <= 0 {
		t.Errorf("Pace = %q, %d", key, n)
	}
}

func TestNewRefuses(t *testing.T) {
	for _, c := range []config.Channel{
		{Name: "x", Type: config.TypeWeCom, URL: "https://example.invalid/"},
		{Name: "x", Type: config.TypeDingTalk, URL: "oapi.dingtalk.com/robot/send?access_token=" + robotToken},
		{Name: "x", Type: config.TypeDingTalk, AppKey: "k", Secret: appSecret},
	} {
		_, err := dingtalk.New(c)
		if err == nil {
			t.Errorf("New(%+v) succeeded", c)
		}
		secretFree(t, err)
	}
}
