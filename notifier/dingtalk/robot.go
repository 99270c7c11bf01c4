package dingtalk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"baoxue/notifier/internal/httpapi"
)

// robotMarkdown is a custom robot's markdown message. An @mention takes
// both the phone in at.atMobiles and "@phone" in the text.
type robotMarkdown struct {
	MsgType  string   `json:"msgtype"` // "markdown"
	Markdown markdown `json:"markdown"`
	At       struct {
		AtMobiles []string `json:"atMobiles,omitempty"`
		IsAtAll   bool     `json:"isAtAll"`
	} `json:"at"`
}

// sendRobot posts md to the robot, @mentioning phones, signed when the
// channel has a secret; key is the idempotency key.
func (c *Channel) sendRobot(ctx context.Context, key string, md markdown, phones []string) error {
	if len(phones) > 0 {
		md.Text += "\n\n@" + strings.Join(phones, " @")
	}
	if len(md.Text) > maxMarkdown {
		return fmt.Errorf("dingtalk robot: markdown with its @mentions is %d bytes, over the %d a message takes", len(md.Text), maxMarkdown)
	}
	body := robotMarkdown{MsgType: "markdown", Markdown: md}
	body.At.AtMobiles = phones
	target := c.signedURL(c.now())
	var r reply
	if err := httpapi.Post(ctx, c.client, target, key, body, &r); err != nil {
		return fmt.Errorf("dingtalk robot: %w", err)
	}
	if r.ErrCode != 0 {
		_, err := classify("robot", r)
		return err
	}
	return nil
}

// signedURL is the robot's URL with 加签 added when the channel has a
// secret: timestamp (milliseconds) and sign, the base64 of
// HMAC-SHA256(secret, timestamp+"\n"+secret), URL-encoded
// (https://open.dingtalk.com/document/robots/customize-robot-security-settings).
// DingTalk refuses a timestamp more than an hour from its clock.
func (c *Channel) signedURL(now time.Time) string {
	if c.secret == "" {
		return c.robotURL
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	sep := "?"
	if strings.Contains(c.robotURL, "?") {
		sep = "&"
	}
	q := url.Values{"timestamp": {ts}, "sign": {sign(c.secret, ts)}}
	return c.robotURL + sep + q.Encode()
}

// sign is the 加签 signature of a robot call at timestamp (milliseconds,
// decimal) with secret: base64 of HMAC-SHA256 keyed by secret over
// timestamp + "\n" + secret. The caller URL-encodes it as a query value.
func sign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
