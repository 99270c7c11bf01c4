package wecom

import (
	"errors"
	"fmt"
	"time"

	"baoxue/notifier"
	"baoxue/notifier/internal/httpapi"
)

// class is what a non-zero errcode asks of us.
type class int

const (
	failNow class = iota // fix the configuration or the recipient; retrying cannot help
	retryLater
	tokenExpired // fetch a new access token and send again, once
)

type errcode struct {
	class class
	after time.Duration // for retryLater: how long to wait (0: the retry policy decides)
	why   string        // for the operator; errmsg follows it
}

// codes are the errcodes we know what to do with. Both APIs answer HTTP
// 200 with {"errcode":…,"errmsg":…}; a code not listed here fails at once
// with its errmsg.
//
// Sources: the global error codes,
// https://developer.work.weixin.qq.com/document/path/90313 ; the group
// robot, https://developer.work.weixin.qq.com/document/path/91770 (20
// messages a minute per robot); access tokens,
// https://developer.work.weixin.qq.com/document/path/91039 (7,200 s, may be
// invalidated early: fetch again on 40014/42001); app messages,
// https://developer.work.weixin.qq.com/document/path/90236 .
var codes = map[int]errcode{
	-1: {class: retryLater, why: "system busy"},

	40014: {class: tokenExpired, why: "access_token invalid"},
	42001: {class: tokenExpired, why: "access_token expired"},

	// 45009 is the per-minute (and per-hour) call limit, of a robot (20
	// messages a minute) as of an app: wait out the minute.
	45009: {class: retryLater, after: time.Minute, why: "rate limited"},
	45033: {class: retryLater, why: "too many concurrent calls"},

	// 93000 ("invalid webhook url") is a robot key that is wrong, or a
	// robot removed from its group.
	93000: {class: failNow, why: "robot key invalid or robot removed"},

	40001: {class: failNow, why: "secret invalid"},
	40013: {class: failNow, why: "corp_id invalid"},
	40091: {class: failNow, why: "secret invalid (another corp's?)"},
	40056: {class: failNow, why: "agent_id invalid"},
	60020: {class: failNow, why: "this server's IP is not among the app's trusted IPs"},
	50003: {class: failNow, why: "app disabled"},
	48002: {class: failNow, why: "app may not call this API"},

	40003: {class: failNow, why: "userid invalid"},
	46004: {class: failNow, why: "user does not exist"},
	60111: {class: failNow, why: "userid not in the contacts"},
	81013: {class: failNow, why: "recipient invalid or outside the app's visible range"},
	82001: {class: failNow, why: "recipient invalid"},

	40008: {class: failNow, why: "msgtype invalid"},
	44004: {class: failNow, why: "content empty"},
	45002: {class: failNow, why: "content too long"},
}

// reply is the envelope of every WeCom API answer.
type reply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// classify turns a non-zero errcode into an error: retryable for
// retryLater (and tokenExpired, should a caller not refresh), plain for the
// rest. what names the call ("robot", "send", "gettoken").
func classify(what string, r reply) (class, error) {
	c, known := codes[r.ErrCode]
	msg := fmt.Sprintf("wecom %s: errcode %d", what, r.ErrCode)
	if known {
		msg += " " + c.why
	}
	if m := httpapi.Short(r.ErrMsg); m != "" {
		msg += " (" + m + ")"
	}
	err := errors.New(msg)
	if c.class == retryLater || c.class == tokenExpired {
		return c.class, notifier.Retry(err, c.after)
	}
	return c.class, err
}
