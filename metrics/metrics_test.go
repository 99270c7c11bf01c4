package metrics_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"baoxue/i18n"
	"baoxue/metrics"
	"baoxue/notifier"
	"baoxue/store"
	"baoxue/store/storetest"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// fixture writes a run that opened three alerts (one resolved since) with
// their tasks, a closed task, a job run done, and four outbox rows: sent
// and pending on log, failed on hook, one not routed yet.
func fixture(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	runID, err := st.InsertRun(ctx, &store.Run{Kind: "eval", StartedAt: "2026-03-10T11:00:00.000000Z",
		FinishedAt: sql.NullString{String: "2026-03-10T11:00:30.000000Z", Valid: true}, At: "2026-03-10",
		Students: 412, AlertsNew: 3, AlertsResolved: 2, AlertsRetired: 1})
	if err != nil {
		t.Fatal(err)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		ids, err := tx.InsertAlerts(ctx, runID, "2026-03-10", []store.NewAlert{
			{Rule: "unexcused-streak", SchoolID: "SCH01", Severity: "high", SID: 1},
			{Rule: "unexcused-streak", SchoolID: "SCH01", Severity: "high", SID: 2},
			{Rule: "grade9-absence", SchoolID: "SCH01", Severity: "medium", SID: 1},
			{Rule: "grade9-absence", SchoolID: "SCH01", Severity: "medium", SID: 3},
		})
		if err != nil {
			return err
		}
		id := func(rule string, sid int64) sql.NullInt64 {
			i := map[store.AlertKey]int{{Rule: "unexcused-streak", SID: 1}: 0, {Rule: "unexcused-streak", SID: 2}: 1,
				{Rule: "grade9-absence", SID: 1}: 2, {Rule: "grade9-absence", SID: 3}: 3}[store.AlertKey{Rule: rule, SID: sid}]
			return sql.NullInt64{Int64: ids[i], Valid: true}
		}
		if _, err := tx.InsertTasks(ctx, runID, "2026-03-10", []store.NewTask{
			{AlertID: id("unexcused-streak", 1), SID: 1, SchoolID: "SCH01", Kind: "home_visit", Assignee: "T1", Due: "2026-03-12"},
			{AlertID: id("unexcused-streak", 2), SID: 2, SchoolID: "SCH01", Kind: "home_visit", Assignee: "T1", Due: "2026-03-15"},
			{AlertID: id("grade9-absence", 1), SID: 1, SchoolID: "SCH01", Kind: "contact_guardian", Assignee: "T1", Due: "2026-03-16"},
			{AlertID: id("grade9-absence", 3), SID: 3, SchoolID: "SCH01", Kind: "contact_guardian", Assignee: "T1", Due: "2026-03-11"},
		}); err != nil {
			return err
		}
		// The alert of student 3 resolves: its task (the 4th) closes with it.
		if err := tx.ResolveAlerts(ctx, runID, "2026-03-11", "resolved",
			[]int64{id("grade9-absence", 3).Int64}); err != nil {
			return err
		}
		var task int64
		if err := tx.RawGet(ctx, &task, `SELECT id FROM tasks WHERE alert_id = ?`, id("grade9-absence", 3).Int64); err != nil {
			return err
		}
		if err := tx.CloseTasks(ctx, "2026-03-11T11:00:00.000000Z", "resolved", []int64{task}); err != nil {
			return err
		}
		var ms []store.OutboxMessage
		for i, r := range []string{"T1", "T2", "T3", "T4"} {
			ms = append(ms, store.OutboxMessage{DedupKey: "k" + string(rune('0'+i)), RunID: runID, Recipient: r, Kind: "digest", Payload: "{}"})
		}
		return tx.Enqueue(ctx, "2026-03-10T11:00:30.000000Z", ms)
	})
	if err != nil {
		t.Fatal(err)
	}
	t0, _ := store.ParseTime("2026-03-10T11:00:30.000000Z")
	if rows, err := st.ClaimOutbox(ctx, "d", t0, t0.Add(time.Hour), 3); err != nil || len(rows) != 3 {
		t.Fatalf("claim: %v %v", len(rows), err)
	}
	for id, r := range map[int64]store.OutboxResult{
		1: {Status: store.OutboxSent, Channel: "log", Attempted: true, SentAt: t0.Add(time.Second)},
		2: {Status: store.OutboxPending, Channel: "log", Attempted: true, Error: "timeout", NextAttempt: t0.Add(time.Hour)},
		3: {Status: store.OutboxFailed, Channel: "hook", Attempted: true, Error: "HTTP 404"},
	} {
		if ok, err := st.FinishOutbox(ctx, id, "d", r); !ok || err != nil {
			t.Fatalf("finish %d: %v %v", id, ok, err)
		}
	}
	if ok, err := st.ClaimJobRun(ctx, store.JobRun{Job: "evaluate", Scheduled: "2026-03-10T11:00:00.000000Z", At: "2026-03-10",
		Owner: "h 1", StartedAt: "2026-03-10T11:00:00.000000Z"}); !ok || err != nil {
		t.Fatalf("claim job run: %v %v", ok, err)
	}
	if err := st.FinishJobRun(ctx, "evaluate", "2026-03-10T11:00:00.000000Z", store.JobDone, "", t0); err != nil {
		t.Fatal(err)
	}
}

// scrape is one GET of url's /metrics, parsed.
type scrape struct {
	values map[string]float64 // `name{label="value",...}` (labels sorted) -> value; histograms as _count, _sum
	help   map[string]string
	types  map[string]string
}

func get(t *testing.T, url string) scrape {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d\n%s", url, resp.StatusCode, body)
	}
	return parse(t, body)
}

func parse(t *testing.T, body []byte) scrape {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse the exposition: %v\n%s", err, body)
	}
	s := scrape{values: map[string]float64{}, help: map[string]string{}, types: map[string]string{}}
	for name, f := range fams {
		s.help[name] = f.GetHelp()
		s.types[name] = f.GetType().String()
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			slices.Sort(labels)
			key := name
			if len(labels) > 0 {
				key += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.Counter != nil:
				s.values[key] = m.Counter.GetValue()
			case m.Gauge != nil:
				s.values[key] = m.Gauge.GetValue()
			case m.Histogram != nil:
				k := strings.Replace(key, name, name+"_count", 1)
				s.values[k] = float64(m.Histogram.GetSampleCount())
				s.values[strings.Replace(key, name, name+"_sum", 1)] = m.Histogram.GetSampleSum()
			}
		}
	}
	return s
}

// expect checks the values of want in s.
func (s scrape) expect(t *testing.T, want map[string]float64) {
	t.Helper()
	for k, v := range want {
		got, ok := s.values[k]
		if !ok {
			t.Errorf("%s: missing", k)
		} else if got != v {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
}

// absent checks that no series of the names is in s.
func (s scrape) absent(t *testing.T, names ...string) {
	t.Helper()
	for k := range s.values {
		for _, n := range names {
			if k == n || strings.HasPrefix(k, n+"{") {
				t.Errorf("%s is there: %v", k, s.values[k])
			}
		}
	}
}

// syncBuffer is a log written by the handler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func options(st *store.Store, log io.Writer) metrics.Options {
	now := time.Date(2026, 3, 15, 7, 0, 0, 0, shanghai) // 2026-03-15 in Shanghai, still the 14th in UTC
	reloaded := time.Date(2026, 3, 14, 7, 0, 0, 0, time.UTC)
	snap := notifier.MetricsSnapshot{
		Sent: map[string]int64{"log": 5}, Failed: map[string]int64{"hook": 1}, Retried: map[string]int64{"hook": 3},
		Undeliverable: map[string]int64{"log": 2},
		Latency: map[string]notifier.Histogram{"log": {Bounds: notifier.LatencyBounds,
			Counts: []uint64{1, 4, 5, 5, 5, 5, 5, 5}, Count: 5, Sum: 12.5}},
	}
	return metrics.Options{Store: st, Logger: slog.New(slog.NewJSONHandler(log, nil)), Location: shanghai,
		Now: func() time.Time { return now }, Jobs: []string{"evaluate", "escalate"}, Channels: []string{"log", "hook"},
		Notifier: func() notifier.MetricsSnapshot { return snap }, Leading: func() bool { return true },
		Reload: func() (bool, time.Time) { return false, reloaded },
		Build:  metrics.Build{Version: "v1.2.3", Revision: "abc", GoVersion: "go1.26.8"}, TTL: time.Hour}
}

// TestScrape: /metrics, scraped over HTTP, shows what the database holds
// (alerts by rule and severity, tasks open and overdue in the configured
// zone, the outbox by channel and state, the latest run, the last done job
// run), what the process did (job runs, the dispatcher's counters), the
// leader, the reload, the build; every HELP of baoxue's metrics is the
// catalog's Chinese.
func TestScrape(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fixture(t, st)
		var log syncBuffer
		m := metrics.New(options(st, &log))
		srv := httptest.NewServer(m.Handler())
		defer srv.Close()
		m.ObserveRun("evaluate", store.JobDone, 2*time.Second)
		m.ObserveRun("escalate", store.JobNotBuilt, 0)
		s := get(t, srv.URL)
		s.expect(t, map[string]float64{
			`baoxue_alerts_open{rule="unexcused-streak",severity="high"}`: 2,
			`baoxue_alerts_open{rule="grade9-absence",severity="medium"}`: 1,
			`baoxue_tasks_open`:    3,
			`baoxue_tasks_overdue`: 2, // due 03-12 and 03-15; today is 03-15 in Shanghai
			`baoxue_outbox_notifications{channel="log",state="sent"}`:          1,
			`baoxue_outbox_notifications{channel="log",state="pending"}`:       1,
			`baoxue_outbox_notifications{channel="hook",state="failed"}`:       1,
			`baoxue_outbox_notifications{channel="",state="pending"}`:          1,
			`baoxue_outbox_notifications{channel="hook",state="sent"}`:         0,
			`baoxue_outbox_notifications{channel="log",state="undeliverable"}`: 0,
			`baoxue_last_evaluation_students`:                                  412,
			`baoxue_last_evaluation_alerts_opened`:                             3,
			`baoxue_last_evaluation_alerts_resolved`:                           2,
			`baoxue_last_evaluation_alerts_retired`:                            1,
			`baoxue_last_evaluation_timestamp_seconds`:                         float64(time.Date(2026, 3, 10, 11, 0, 30, 0, time.UTC).Unix()),
			`baoxue_job_last_success_timestamp_seconds{job="evaluate"}`:        float64(time.Date(2026, 3, 10, 11, 0, 30, 0, time.UTC).Unix()),
			`baoxue_job_runs_total{job="evaluate",status="done"}`:              1,
			`baoxue_job_runs_total{job="evaluate",status="failed"}`:            0,
			`baoxue_job_runs_total{job="escalate",status="failed"}`:            0,
			`baoxue_job_runs_total{job="escalate",status="not_built"}`:         1,
			`baoxue_job_run_duration_seconds_count{job="evaluate"}`:            1,
			`baoxue_job_run_duration_seconds_sum{job="evaluate"}`:              2,
			`baoxue_job_run_duration_seconds_count{job="escalate"}`:            0,
			`baoxue_leader`:                                                            1,
			`baoxue_rules_last_reload_success`:                                         0,
			`baoxue_rules_last_reload_success_timestamp_seconds`:                       float64(time.Date(2026, 3, 14, 7, 0, 0, 0, time.UTC).Unix()),
			`baoxue_build_info{goversion="go1.26.8",revision="abc",version="v1.2.3"}`:  1,
			`baoxue_metrics_store_up`:                                                  1,
			`baoxue_metrics_store_errors_total`:                                        0,
			`baoxue_notifier_notifications_total{channel="log",state="sent"}`:          5,
			`baoxue_notifier_notifications_total{channel="log",state="undeliverable"}`: 2,
			`baoxue_notifier_notifications_total{channel="hook",state="failed"}`:       1,
			`baoxue_notifier_notifications_total{channel="hook",state="sent"}`:         0,
			`baoxue_notifier_retries_total{channel="hook"}`:                            3,
			`baoxue_notifier_retries_total{channel="log"}`:                             0,
			`baoxue_notifier_delivery_latency_seconds_count{channel="log"}`:            5,
			`baoxue_notifier_delivery_latency_seconds_sum{channel="log"}`:              12.5,
			`baoxue_notifier_delivery_latency_seconds_count{channel="hook"}`:           0,
			`baoxue_notifier_call_duration_seconds_count{channel="hook"}`:              0,
		})
		if _, ok := s.values["go_goroutines"]; !ok {
			t.Error("no go_goroutines: the Go collector is not registered")
		}
		zh := i18n.NewPrinter(i18n.Chinese)
		for name, help := range s.help {
			if !strings.HasPrefix(name, "baoxue_") {
				continue
			}
			if !strings.ContainsFunc(help, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Errorf("HELP of %s is not Chinese: %q", name, help)
			}
		}
		if got, want := s.help["baoxue_alerts_open"], zh.Sprintf("metrics.help.alerts_open"); got != want {
			t.Errorf("HELP of baoxue_alerts_open = %q, want the catalog's %q", got, want)
		}
		for name, typ := range map[string]string{"baoxue_job_runs_total": "COUNTER", "baoxue_job_run_duration_seconds": "HISTOGRAM",
			"baoxue_alerts_open": "GAUGE", "baoxue_metrics_store_errors_total": "COUNTER",
			"baoxue_notifier_notifications_total": "COUNTER", "baoxue_notifier_call_duration_seconds": "HISTOGRAM"} {
			if s.types[name] != typ {
				t.Errorf("type of %s = %s, want %s", name, s.types[name], typ)
			}
		}
		if log.String() != "" {
			t.Errorf("log: %s", log.String())
		}
	})
}

// TestScrapeEnglish: with the English printer the HELP texts are the
// catalog's English.
func TestScrapeEnglish(t *testing.T) {
	st := storetest.SQLite(t)
	opt := options(st, io.Discard)
	opt.Printer = i18n.NewPrinter(i18n.English)
	srv := httptest.NewServer(metrics.New(opt).Handler())
	defer srv.Close()
	s := get(t, srv.URL)
	if got := s.help["baoxue_tasks_overdue"]; !strings.HasPrefix(got, "Overdue follow-up tasks") {
		t.Errorf("HELP of baoxue_tasks_overdue = %q", got)
	}
	s.expect(t, map[string]float64{"baoxue_tasks_open": 0, "baoxue_tasks_overdue": 0, "baoxue_metrics_store_up": 1})
	s.absent(t, "baoxue_last_evaluation_students", "baoxue_alerts_open", "baoxue_job_last_success_timestamp_seconds")
}

// TestCountsAreCached: the database's counts are read once per TTL, the
// scrapes between reuse them; Refresh makes the next scrape read again.
func TestCountsAreCached(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		m := metrics.New(options(st, io.Discard))
		srv := httptest.NewServer(m.Handler())
		defer srv.Close()
		get(t, srv.URL).absent(t, "baoxue_alerts_open")
		runID, err := st.InsertRun(ctx, &store.Run{Kind: "eval", StartedAt: "2026-03-10T11:00:00.000000Z", At: "2026-03-10", Students: 7})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.InsertAlerts(ctx, runID, "2026-03-10", []store.NewAlert{{Rule: "r", SchoolID: "S", Severity: "low", SID: 1}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		get(t, srv.URL).absent(t, "baoxue_alerts_open", "baoxue_last_evaluation_students")
		m.Refresh()
		get(t, srv.URL).expect(t, map[string]float64{`baoxue_alerts_open{rule="r",severity="low"}`: 1,
			"baoxue_last_evaluation_students": 7})
	})
}

// TestStoreDown: when the database fails, /metrics still answers 200 with
// what the process knows, says so (store up 0, the error counted), leaves
// out the database's counts rather than show stale ones, and logs once in
// Chinese; when it answers again the counts come back, and that is logged.
func TestStoreDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		fixture(t, st)
		var log syncBuffer
		m := metrics.New(options(st, &log))
		srv := httptest.NewServer(m.Handler())
		defer srv.Close()
		get(t, srv.URL).expect(t, map[string]float64{"baoxue_metrics_store_up": 1, "baoxue_tasks_open": 3})
		// The tasks table gone: a query of the read fails as a lost database would.
		if err := st.RawExec(ctx, "ALTER TABLE tasks RENAME TO tasks_away"); err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			m.Refresh()
			s := get(t, srv.URL)
			s.expect(t, map[string]float64{"baoxue_metrics_store_up": 0, "baoxue_metrics_store_errors_total": float64(i + 1),
				"baoxue_leader": 1, `baoxue_job_runs_total{job="evaluate",status="done"}`: 0,
				`baoxue_notifier_notifications_total{channel="log",state="sent"}`: 5})
			s.absent(t, "baoxue_alerts_open", "baoxue_tasks_open", "baoxue_tasks_overdue", "baoxue_outbox_notifications",
				"baoxue_last_evaluation_students", "baoxue_job_last_success_timestamp_seconds")
		}
		if n := strings.Count(log.String(), "为 /metrics 读取数据库失败"); n != 1 {
			t.Errorf("the failure is logged %d times, want once:\n%s", n, log.String())
		}
		if err := st.RawExec(ctx, "ALTER TABLE tasks_away RENAME TO tasks"); err != nil {
			t.Fatal(err)
		}
		m.Refresh()
		get(t, srv.URL).expect(t, map[string]float64{"baoxue_metrics_store_up": 1, "baoxue_metrics_store_errors_total": 2,
			"baoxue_tasks_open": 3, `baoxue_alerts_open{rule="unexcused-streak",severity="high"}`: 2})
		if !strings.Contains(log.String(), "为 /metrics 读取数据库已恢复正常") {
			t.Errorf("the recovery is not logged:\n%s", log.String())
		}
	})
}
