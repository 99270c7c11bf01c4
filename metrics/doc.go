// Package metrics is the daemon's /metrics (SPEC §8): what baoxue serve
// did and what the database holds, in Prometheus's text format, on a
// registry of its own (never the process-wide default).
//
// Three sources, each read when Prometheus scrapes:
//
//   - what this process did: the scheduler's runs (ObserveRun, called
//     through scheduler.Options.Observe, so that the scheduler knows nothing
//     of Prometheus), whether it is the leader, the last reload of the rules,
//     and the dispatcher's counters and histograms (notifier.Metrics, the
//     one set the dispatcher keeps, exposed as they are);
//   - what the database holds, the same from every replica: open alerts by
//     rule and severity, open and overdue tasks, the outbox by channel and
//     status, the latest evaluation and each job's last successful run. They
//     are read at scrape, at most once per TTL (Refresh forces the next
//     read, after a run wrote), with a timeout; a read that fails leaves
//     them out of the scrape rather than showing stale numbers, sets
//     baoxue_metrics_store_up to 0, counts baoxue_metrics_store_errors_total
//     and is logged;
//   - the Go runtime and the process (go_*, process_*) and the build
//     (baoxue_build_info).
//
// The HELP texts of baoxue's own metrics come from the message catalog, in
// the language the daemon is given (the installation's, lang: in
// baoxue.yaml); the go_* and process_* metrics keep client_golang's.
package metrics
