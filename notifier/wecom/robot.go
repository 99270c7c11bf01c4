package wecom

import (
	"context"
	"fmt"

	"baoxue/notifier"
	"baoxue/notifier/internal/httpapi"
)

// robotText is a group robot's text message. mentioned_mobile_list works
// with text messages only: a markdown message can @mention a userid
// (<@userid>) but not a phone.
type robotText struct {
	MsgType string `json:"msgtype"` // "text"
	Text    struct {
		Content string   `json:"content"`
		Mobiles []string `json:"mentioned_mobile_list,omitempty"`
	} `json:"text"`
}

// sendRobot posts m to the group robot.
func (c *Channel) sendRobot(ctx context.Context, m *notifier.Message) error {
	body := robotText{MsgType: "text"}
	body.Text.Content = m.Text
	body.Text.Mobiles = mentions(m)
	var r reply
	if err := httpapi.Post(ctx, c.client, c.robotURL, m.Key, body, &r); err != nil {
		return fmt.Errorf("wecom robot: %w", err)
	}
	if r.ErrCode != 0 {
		_, err := classify("robot", r)
		return err
	}
	return nil
}

// mentions are the phones a group message @mentions: m.Mentions, or the
// recipient's phone when the dispatcher named none.
func mentions(m *notifier.Message) []string {
	if len(m.Mentions) > 0 {
		return m.Mentions
	}
	if m.To.Phone != "" {
		return []string{m.To.Phone}
	}
	return nil
}
