// Package report renders what a run decided: the JSON lines of
// `eval --json`, the summary a district admin reads after a run, the demo's
// overview, the students most at risk, progress lines on a terminal, the
// lists of `baoxue alerts`, `tasks` and `runs` (listing.go), streamed row by
// row from what the command reads, and the digests the notifier sends
// (RenderDigest: personal, group or masked, cut to a channel's size).
//
// The engine decides; report only renders, from an engine.Result or an
// engine.Digest. It never writes to the database, and the engine never
// imports it (the engine writes its digests into the outbox itself, as
// data; the notifier renders them here when it sends).
package report
