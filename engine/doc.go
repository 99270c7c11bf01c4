// Package engine turns roster, attendance, contacts and home-teaching data into
// alerts and follow-up tasks.
//
// An evaluation at date T reads what the rules need in a few streamed queries
// ordered by student, builds each student's facts once in a compact form
// (Facts), evaluates every compiled rule on them on all cores, and then
// compares what fired with the alert state in the database: alerts open,
// continue (re-notified after their cooldown), are inhibited (kept, marked,
// neither notified nor given a task, while a rule listing theirs in
// `inhibits` fires for the same student) or resolve, tasks are created,
// one-to-one pairing teachers assigned, overdue tasks escalated and
// notifications queued in the outbox, all in one transaction. A dry run
// computes the same and writes nothing.
//
// The engine never sends anything: the notifier delivers the outbox. Nor
// does it print: package report renders a Result (the summary, the JSON
// lines of `eval --json`).
package engine
