package dingtalk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"baoxue/notifier"
	"baoxue/notifier/internal/httpapi"
)

// tokenReply is gettoken's answer
// (https://open.dingtalk.com/document/orgapp/obtain-orgapp-token: 7,200 s,
// the same token until it expires).
type tokenReply struct {
	reply
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
}

// fetchToken asks gettoken for the app's access token.
func (c *Channel) fetchToken(ctx context.Context) (string, time.Duration, error) {
	q := url.Values{"appkey": {c.appKey}, "appsecret": {c.secret}}
	var r tokenReply
	if err := httpapi.Get(ctx, c.client, c.base+"/gettoken?"+q.Encode(), &r); err != nil {
		return "", 0, fmt.Errorf("dingtalk gettoken: %w", err)
	}
	if r.ErrCode != 0 {
		_, err := classify("gettoken", r.reply)
		return "", 0, err
	}
	if r.AccessToken == "" {
		return "", 0, errors.New("dingtalk gettoken: reply has no access_token")
	}
	return r.AccessToken, time.Duration(r.ExpiresIn) * time.Second, nil
}

// notice is asyncsend_v2's body: a work notice from the app
// (https://open.dingtalk.com/document/orgapp/asynchronous-sending-of-enterprise-session-messages).
type notice struct {
	AgentID    int64  `json:"agent_id"`
	UserIDList string `json:"userid_list"` // comma-separated; we send to one
	Msg        struct {
		MsgType  string   `json:"msgtype"` // "markdown"
		Markdown markdown `json:"markdown"`
	} `json:"msg"`
}

// sendNotice sends md as a work notice to userID. On an expired or invalid
// token it fetches a new one and sends again, once: a second rejection in
// a row is retried later, not looped on. used collects the tokens it sent,
// for scrubbing.
//
// The call is asynchronous: errcode 0 means DingTalk took the task, not
// that the user got it (getsendresult would say; we do not ask).
func (c *Channel) sendNotice(ctx context.Context, key string, md markdown, userID string, used *[]string) error {
	if userID == "" {
		return errors.New("dingtalk send: recipient has no dingtalk_userid")
	}
	body := notice{AgentID: c.agentID, UserIDList: userID}
	body.Msg.MsgType, body.Msg.Markdown = "markdown", md
	for attempt := 1; ; attempt++ {
		tok, err := c.token.Get(ctx)
		if err != nil {
			return err
		}
		*used = append(*used, tok)
		var r reply
		target := c.base + "/topapi/message/corpconversation/asyncsend_v2?access_token=" + url.QueryEscape(tok)
		if err := httpapi.Post(ctx, c.client, target, key, body, &r); err != nil {
			return fmt.Errorf("dingtalk send: %w", err)
		}
		if r.ErrCode == 0 {
			return nil
		}
		class, err := classify("send", r)
		if class != tokenExpired {
			return err
		}
		c.token.Invalidate(tok)
		if attempt == 2 {
			return notifier.Retry(fmt.Errorf("%w, again with a fresh token", err), 0)
		}
	}
}
