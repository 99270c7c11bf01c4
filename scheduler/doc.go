// Package scheduler runs the daemon's jobs (SPEC §8): the schedules of
// baoxue.yaml on robfig/cron in the configured time zone, never missing a
// run, with one scheduler among replicas.
//
// Every run is claimed in the store before it starts (store.ClaimJobRun,
// unique by job and scheduled time), so that no scheduled run is recorded,
// or run, twice. robfig/cron does not catch up: on start, and on every
// tick after (which also covers a clock that jumped), a job whose latest
// scheduled time within catch_up has no recorded run is run once, as of
// that time's date.
//
// The evening evaluation and escalation run on school days only (the
// district-wide calendar: engine.Calendar with school ""); a campaign runs
// on the first school day on or after its time. On PostgreSQL the replica
// holding the scheduler lock (store.TakeLeader) schedules and the others
// wait to take over; on SQLite a second daemon on the same file is refused.
// The dispatcher is not scheduled: it runs continuously on every replica.
package scheduler
