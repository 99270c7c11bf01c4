package dingtalk

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

// robotBan is how long DingTalk throttles a robot that sent more than 20
// messages in a minute.
const robotBan = 10 * time.Minute

// codes are the errcodes we know what to do with. The APIs answer HTTP 200
// with {"errcode":…,"errmsg":…}; a code not listed here fails at once with
// its errmsg.
//
// Sources: the custom robot,
// https://open.dingtalk.com/document/orgapp/custom-robot-access (20
// messages a minute, then throttled for 10 minutes; its error table:
// 310000, 400013, 400101, 400102, 400105, 400106, 410100, 430101–430104);
// the server API's global error codes,
// https://open.dingtalk.com/document/orgapp/server-api-error-codes-1 (-1,
// 88 with sub_code, 33012, 40014, 42001, 90002). 130101 ("send too fast,
// exceed 20 times per minute") and 300001/300005 ("token is not exist")
// are what robots answer in practice, as reported by their users.
var codes = map[int]errcode{
	-1: {class: retryLater, why: "system busy"},

	130101: {class: retryLater, after: robotBan, why: "rate limited: robot throttled for 10 minutes"},
	410100: {class: retryLater, after: robotBan, why: "rate limited: robot throttled"},
	// 310000 is the robot's security settings refusing the message; errmsg
	// says which: "sign not match", "keywords not in content", "invalid
	// timestamp", "ip … not in whitelist".
	310000: {class: failNow, why: "refused by the robot's security settings"},
	300001: {class: failNow, why: "robot access_token invalid"},
	300005: {class: failNow, why: "robot access_token does not exist"},
	400013: {class: failNow, why: "group dissolved"},
	400101: {class: failNow, why: "robot access_token does not exist"},
	400102: {class: failNow, why: "robot disabled"},
	400105: {class: failNow, why: "msgtype not supported"},
	400106: {class: failNow, why: "robot does not exist"},
	430101: {class: failNow, why: "content refused: unsafe link"},
	430102: {class: failNow, why: "content refused: text"},
	430103: {class: failNow, why: "content refused: image"},
	430104: {class: failNow, why: "content refused"},

	40014: {class: tokenExpired, why: "access_token invalid"},
	42001: {class: tokenExpired, why: "access_token expired"},
	// 90002: the server's calls are banned for a while for calling too
	// often; errmsg says until when.
	90002: {class: retryLater, after: time.Minute, why: "rate limited: calls temporarily banned"},
	33012: {class: failNow, why: "userid invalid"},
}

// reply is the envelope of every DingTalk API answer. errcode 88 is an
// authentication failure whose cause is sub_code (a string).
type reply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
	SubCode string `json:"sub_code"`
	SubMsg  string `json:"sub_msg"`
}

// classify turns a non-zero errcode into an error: retryable for
// retryLater (and tokenExpired, should a caller not refresh), plain for the
// rest. what names the call ("robot", "send", "gettoken").
func classify(what string, r reply) (class, error) {
	code, msg := r.ErrCode, r.ErrMsg
	if code == 88 {
		// An authentication failure; a sub_code 40014 or 42001 is the
		// token, which a fresh one fixes.
		switch r.SubCode {
		case "40014", "42001":
			code = 42001
		}
		if r.SubMsg != "" {
			msg = r.SubMsg
		}
	}
	c, known := codes[code]
	text := fmt.Sprintf("dingtalk %s: errcode %d", what, r.ErrCode)
	if r.SubCode != "" {
		text += "/" + r.SubCode
	}
	if known {
		text += " " + c.why
	}
	if m := httpapi.Short(msg); m != "" {
		text += " (" + m + ")"
	}
	err := errors.New(text)
	if c.class == retryLater || c.class == tokenExpired {
		return c.class, notifier.Retry(err, c.after)
	}
	return c.class, err
}
