package dingtalk

import (
	"strconv"
	"time"

	"baoxue/notifier/internal/httpapi"
)

// The classes of errcodes, as the tables below write them.
const (
	failNow      = httpapi.FailNow
	retryLater   = httpapi.RetryLater
	tokenExpired = httpapi.TokenExpired
)

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
var codes = map[int]httpapi.Code{
	-1: {Class: retryLater, Why: "system busy"},

	130101: {Class: retryLater, After: robotBan, Why: "rate limited: robot throttled for 10 minutes"},
	410100: {Class: retryLater, After: robotBan, Why: "rate limited: robot throttled"},
	// 310000 is the robot's security settings refusing the message; errmsg
	// says which: "sign not match", "keywords not in content", "invalid
	// timestamp", "ip … not in whitelist".
	310000: {Class: failNow, Why: "refused by the robot's security settings"},
	300001: {Class: failNow, Why: "robot access_token invalid"},
	300005: {Class: failNow, Why: "robot access_token does not exist"},
	400013: {Class: failNow, Why: "group dissolved"},
	400101: {Class: failNow, Why: "robot access_token does not exist"},
	400102: {Class: failNow, Why: "robot disabled"},
	400105: {Class: failNow, Why: "msgtype not supported"},
	400106: {Class: failNow, Why: "robot does not exist"},
	430101: {Class: failNow, Why: "content refused: unsafe link"},
	430102: {Class: failNow, Why: "content refused: text"},
	430103: {Class: failNow, Why: "content refused: image"},
	430104: {Class: failNow, Why: "content refused"},

	40014: {Class: tokenExpired, Why: "access_token invalid"},
	42001: {Class: tokenExpired, Why: "access_token expired"},
	// 90002: the server's calls are banned for a while for calling too
	// often; errmsg says until when.
	90002: {Class: retryLater, After: time.Minute, Why: "rate limited: calls temporarily banned"},
	33012: {Class: failNow, Why: "userid invalid"},
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
func classify(what string, r reply) (httpapi.Class, error) {
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
	label := strconv.Itoa(r.ErrCode)
	if r.SubCode != "" {
		label += "/" + r.SubCode
	}
	return httpapi.Classify(codes, "dingtalk", what, code, label, msg)
}
