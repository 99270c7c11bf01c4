// Package wecom delivers notifications through 企业微信 (WeCom), in one of
// two modes a channel's configuration chooses:
//
//   - A group robot (url): a POST of
//     {"msgtype":"text","text":{"content":…,"mentioned_mobile_list":[…]}}
//     to the robot's webhook URL. A group channel: counts and a link, no
//     student names (the dispatcher renders it so). 20 messages a minute.
//   - App messages (corp_id, agent_id, secret): gettoken for an access
//     token, cached until it expires and fetched again, once per delivery,
//     when WeCom answers 40014 or 42001; then message/send to the teacher's
//     wecom_userid. A personal channel.
//
// Both send text messages, of at most 2,048 bytes. Text and not markdown:
// only a text message can @mention a phone (mentioned_mobile_list; markdown
// mentions userids, which a group's members need not have), and WeCom's
// markdown is not shown in WeChat, where many teachers read their WeCom
// messages. Links in text are clickable. The robot's markdown would allow
// 4,096 bytes, but a group digest (counts per teacher and a link) is short.
//
// Neither API takes an idempotency key (the Idempotency-Key header is sent
// all the same; WeCom ignores it). App messages ask WeCom to drop a
// message identical to one delivered in the last four hours
// (enable_duplicate_check), so a retry whose first attempt did arrive is
// not shown twice; a robot has no such check, so a retry after a lost
// reply can post twice.
//
// Both APIs answer HTTP 200 with an errcode; non-zero is a failure,
// classified in codes.go: rate limits and a busy server are retried later,
// an expired token is fetched again once, and the rest (a wrong key or
// secret, a removed robot, an invalid user) fail at once. HTTP 408, 429,
// 5xx and network errors are retried, after Retry-After when given. No
// error contains the robot key, the secret or a token.
package wecom
