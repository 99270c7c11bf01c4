// Package dingtalk delivers notifications through 钉钉 (DingTalk), in one of
// two modes a channel's configuration chooses:
//
//   - A custom group robot (url, and secret for 加签): a POST of
//     {"msgtype":"markdown","markdown":{"title","text"},"at":{"atMobiles":[…]}}
//     to the robot's webhook URL, with timestamp and sign added to its
//     query when the channel has a secret. A group channel: counts and a
//     link, no student names (the dispatcher renders it so). 20 messages a
//     minute; past that DingTalk throttles the robot for 10 minutes, and
//     its rate-limit reply (130101) is retried after those 10 minutes.
//   - Work notices (app_key, agent_id, secret): gettoken for an access
//     token, cached until it expires and fetched again, once per delivery,
//     when DingTalk answers 40014 or 42001; then
//     topapi/message/corpconversation/asyncsend_v2 to the teacher's
//     dingtalk_userid. A personal channel.
//
// Both send markdown (Message.Markdown, else Message.Text) titled
// Message.Title. An @mention in a robot's markdown needs the phone both in
// at.atMobiles and as "@phone" in the text, which is appended; Limits keeps
// room for it.
//
// Neither API takes an idempotency key (the Idempotency-Key header is sent
// all the same; DingTalk ignores it): a retry after a lost reply can post
// twice.
//
// The APIs answer HTTP 200 with an errcode; non-zero is a failure,
// classified in codes.go: rate limits and a busy server are retried later,
// an expired token is fetched again once, and the rest (a wrong token, sign
// or keyword, a removed robot or dissolved group, an invalid user) fail at
// once. HTTP 408, 429, 5xx and network errors are retried, after
// Retry-After when given. No error contains the robot's access_token, the
// secret or an app token.
package dingtalk
