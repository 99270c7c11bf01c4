package wecom

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
var codes = map[int]httpapi.Code{
	-1: {Class: retryLater, Why: "system busy"},

	40014: {Class: tokenExpired, Why: "access_token invalid"},
	42001: {Class: tokenExpired, Why: "access_token expired"},

	// 45009 is the per-minute (and per-hour) call limit, of a robot (20
	// messages a minute) as of an app: wait out the minute.
	45009: {Class: retryLater, After: time.Minute, Why: "rate limited"},
	45033: {Class: retryLater, Why: "too many concurrent calls"},

	// 93000 ("invalid webhook url") is a robot key that is wrong, or a
	// robot removed from its group.
	93000: {Class: failNow, Why: "robot key invalid or robot removed"},

	40001: {Class: failNow, Why: "secret invalid"},
	40013: {Class: failNow, Why: "corp_id invalid"},
	40091: {Class: failNow, Why: "secret invalid (another corp's?)"},
	40056: {Class: failNow, Why: "agent_id invalid"},
	60020: {Class: failNow, Why: "this server's IP is not among the app's trusted IPs"},
	50003: {Class: failNow, Why: "app disabled"},
	48002: {Class: failNow, Why: "app may not call this API"},

	40003: {Class: failNow, Why: "userid invalid"},
	46004: {Class: failNow, Why: "user does not exist"},
	60111: {Class: failNow, Why: "userid not in the contacts"},
	81013: {Class: failNow, Why: "recipient invalid or outside the app's visible range"},
	82001: {Class: failNow, Why: "recipient invalid"},

	40008: {Class: failNow, Why: "msgtype invalid"},
	44004: {Class: failNow, Why: "content empty"},
	45002: {Class: failNow, Why: "content too long"},
}

// reply is the envelope of every WeCom API answer.
type reply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// classify turns a non-zero errcode into an error: retryable for
// retryLater (and tokenExpired, should a caller not refresh), plain for the
// rest. what names the call ("robot", "send", "gettoken").
func classify(what string, r reply) (httpapi.Class, error) {
	return httpapi.Classify(codes, "wecom", what, r.ErrCode, strconv.Itoa(r.ErrCode), r.ErrMsg)
}
