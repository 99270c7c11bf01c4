// Package notifier delivers the outbox (SPEC §8): the digests a writing run
// queued in its own transaction, each to its recipient on the channel its
// route chooses, once, paced within the platform's limits, retried with
// backoff, and never leaking what a channel may not show.
//
// The stages are apart, as in Alertmanager's notify package: a Dispatcher
// claims due outbox rows (FOR UPDATE SKIP LOCKED with a lease on
// PostgreSQL; a single writer on SQLite), routes each to a channel, renders
// it for that channel (report.RenderDigest: personal, group or masked,
// within its size limit, in the catalog's language), paces it, calls the
// channel's Notify, and records the outcome: sent, retried later, failed,
// or undeliverable. Flush does that until what was due has ended (the
// `outbox flush` command); Run does it until stopped (the daemon).
//
// A channel package (notifier/webhook, notifier/wecom, notifier/dingtalk,
// notifier/email, and the log channel here) knows only its wire format: it
// gets a rendered Message and says whether a failure is worth retrying
// (Retry). New builds the configured channels from the constructors the
// command hands it, so that notifier never imports a channel package.
//
// The notifier never evaluates anything.
package notifier
