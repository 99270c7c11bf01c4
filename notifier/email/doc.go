// Package email delivers notifications by SMTP: one message per delivery,
// a multipart/alternative of Message.Text and Message.HTML (either alone
// when the other is empty), subject Message.Title (UTF-8, RFC 2047
// encoded), to the recipient's email. A personal channel without a size
// limit.
//
// The connection is STARTTLS (required, not opportunistic), TLS from the
// first byte, or plain for a relay on loopback, as smtp.tls says; it
// authenticates with PLAIN when a username is set (never over an
// unencrypted link except to localhost). Mail is built and sent by
// github.com/wneessen/go-mail.
//
// The idempotency key goes in an X-Baoxue-Idempotency-Key header and makes
// the Message-ID (<key@sender's domain>): every attempt of one outbox row
// carries the same Message-ID, and servers and clients that drop
// duplicates by Message-ID show a retry that arrived twice once.
//
// Failures: a 4xx reply, a refused or dropped connection and a timeout are
// retried (notifier.Retry); a 5xx reply (a rejected recipient, failed
// authentication, a message refused) and a certificate that does not
// verify fail at once. No error contains the password.
package email
