package wecom

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"baoxue/notifier"
	"baoxue/notifier/internal/httpapi"
)

// duplicateWindow is how long WeCom drops a message identical to one it
// already delivered to the same user (enable_duplicate_check; 4 hours is
// the most it allows). A retry of a message that did arrive, its reply
// lost, is then not shown twice: the outbox's retries of one row send the
// same text.
const duplicateWindow = 4 * time.Hour

// tokenReply is gettoken's answer.
type tokenReply struct {
	reply
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
}

// fetchToken asks gettoken for the app's access token.
func (c *Channel) fetchToken(ctx context.Context) (string, time.Duration, error) {
	q := url.Values{"corpid": {c.corpID}, "corpsecret": {c.secret}}
	var r tokenReply
	if err := httpapi.Get(ctx, c.client, c.base+"/cgi-bin/gettoken?"+q.Encode(), &r); err != nil {
		return "", 0, fmt.Errorf("wecom gettoken: %w", err)
	}
	if r.ErrCode != 0 {
		_, err := classify("gettoken", r.reply)
		return "", 0, err
	}
	if r.AccessToken == "" {
		return "", 0, errors.New("wecom gettoken: reply has no access_token")
	}
	return r.AccessToken, time.Duration(r.ExpiresIn) * time.Second, nil
}

// appText is message/send's body for a text message.
type appText struct {
	ToUser  string `json:"touser"`
	MsgType string `json:"msgtype"` // "text"
	AgentID int64  `json:"agentid"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
	DuplicateCheck    int `json:"enable_duplicate_check"`
	DuplicateInterval int `json:"duplicate_check_interval"`
}

// sendReply is message/send's answer: a recipient that cannot be reached
// is listed rather than failing the call when others could be (we send to
// one, so either way it did not arrive).
type sendReply struct {
	reply
	InvalidUser    string `json:"invaliduser"`
	UnlicensedUser string `json:"unlicenseduser"`
}

// sendApp sends m as an app message to the recipient's wecom_userid. On an
// expired or invalid token it fetches a new one and sends again, once: a
// second rejection in a row is retried later, not looped on. used collects
// the tokens it sent, for scrubbing.
func (c *Channel) sendApp(ctx context.Context, m *notifier.Message, used *[]string) error {
	if m.To.WeComUserID == "" {
		return errors.New("wecom send: recipient has no wecom_userid")
	}
	body := appText{ToUser: m.To.WeComUserID, MsgType: "text", AgentID: c.agentID,
		DuplicateCheck: 1, DuplicateInterval: int(duplicateWindow / time.Second)}
	body.Text.Content = m.Text
	for attempt := 1; ; attempt++ {
		tok, err := c.token.Get(ctx)
		if err != nil {
			return err
		}
		*used = append(*used, tok)
		var r sendReply
		if err := httpapi.Post(ctx, c.client, c.base+"/cgi-bin/message/send?access_token="+url.QueryEscape(tok), m.Key, body, &r); err != nil {
			return fmt.Errorf("wecom send: %w", err)
		}
		if r.ErrCode == 0 {
			return unreached(r, m.To.WeComUserID)
		}
		class, err := classify("send", r.reply)
		if class != tokenExpired {
			return err
		}
		c.token.Invalidate(tok)
		if attempt == 2 {
			return notifier.Retry(fmt.Errorf("%w, again with a fresh token", err), 0)
		}
	}
}

// unreached is the error for a sent message whose recipient WeCom listed
// as invalid (not in the contacts, outside the app's visible range) or
// unlicensed (no account licence for API messages), nil otherwise.
func unreached(r sendReply, user string) error {
	has := func(list string) bool { return slices.Contains(strings.Split(list, "|"), user) }
	switch {
	case has(r.InvalidUser):
		return errors.New("wecom send: userid invalid or outside the app's visible range (invaliduser)")
	case has(r.UnlicensedUser):
		return errors.New("wecom send: user has no WeCom licence for app messages (unlicenseduser)")
	}
	return nil
}
