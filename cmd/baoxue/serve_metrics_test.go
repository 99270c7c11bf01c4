package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"baoxue/i18n"
	"baoxue/idnum"
	"baoxue/store"
)

// settableClock is the daemon's clock in a test: it stays where it is set.
type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *settableClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// metricValues parses a Prometheus text exposition into `name{label="value",...}`
// (labels sorted) -> value, histograms as their _count and _sum, and the
// HELP text of each family.
func metricValues(t *testing.T, body []byte) (map[string]float64, map[string]string) {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, body)
	}
	values, help := map[string]float64{}, map[string]string{}
	for name, f := range fams {
		help[name] = f.GetHelp()
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			slices.Sort(labels)
			suffix := ""
			if len(labels) > 0 {
				suffix = "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.Counter != nil:
				values[name+suffix] = m.Counter.GetValue()
			case m.Gauge != nil:
				values[name+suffix] = m.Gauge.GetValue()
			case m.Histogram != nil:
				values[name+"_count"+suffix] = float64(m.Histogram.GetSampleCount())
				values[name+"_sum"+suffix] = m.Histogram.GetSampleSum()
			}
		}
	}
	return values, help
}

// series returns the values of the series of name, by their labels.
func series(values map[string]float64, name string) map[string]float64 {
	out := map[string]float64{}
	for k, v := range values {
		if k == name || strings.HasPrefix(k, name+"{") {
			out[strings.TrimPrefix(k, name)] = v
		}
	}
	return out
}

// outboxHooks are two webhook receivers: /refuse answers 400 (a failure
// not worth retrying), /busy 503 (retried).
func outboxHooks(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/refuse":
			http.Error(w, "bad request", http.StatusBadRequest)
		default:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestServeMetrics: a running daemon, on each engine, runs the evening
// evaluation it missed, delivers the digests to four channels (sent,
// failed, undeliverable, waiting for a retry), and /metrics, scraped over
// HTTP, says so: the run counted, the open alerts by rule and severity and
// the open and overdue tasks equal to what the database lists, the outbox
// by channel and state, the dispatcher's counters, the latest evaluation,
// the leader.
func TestServeMetrics(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			hooks := outboxHooks(t)
			dir := t.TempDir()
			db := secretDB(t, engine, dir)
			write(t, filepath.Join(dir, "baoxue.yaml"), fmt.Sprintf(`database: {dsn: "%s"}
http: {listen: "127.0.0.1:0"}
schedules: {evaluate: "0 19 10 3 *", home_teaching: "off", escalate: "off", campaigns: {march: "off", may: "off", september: "off"}, catch_up: 7d}
notifier:
  channels:
    - {name: log, type: log}
    - {name: hook, type: webhook, url: "%[2]s/refuse"}
    - {name: app, type: wecom, corp_id: ww-corp, agent_id: 1000002, secret: app-secret}
    - {name: busy, type: webhook, url: "%[2]s/busy"}
  default: log
  routes:
    - {match: {school: SCH02}, channel: hook}
    - {match: {school: SCH03}, channel: app}
    - {match: {school: SCH04}, channel: busy}
  retry: {max_attempts: 8, initial: 1h, max: 2h}
`, db, hooks.URL))
			write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\nSCH02,二中,C1\nSCH03,三中,C1\nSCH04,四中,C1\n")
			write(t, filepath.Join(dir, "teachers.csv"), "id,name,school_id,role,phone\n"+
				"T1,王老师,SCH01,teacher,13800000001\nT2,李老师,SCH02,teacher,13800000002\n"+
				"T3,张老师,SCH03,teacher,13800000003\nT4,赵老师,SCH04,teacher,13800000004\n")
			var students, attendance strings.Builder
			students.WriteString("id,name,birth_date,school_id,grade,homeroom_teacher_id\n")
			attendance.WriteString("student_id,date,status\n")
			// A ninth-grader absent twice in each school (grade9-absence,
			// high); in SCH01 also an eighth-grader absent three school
			// days running (repeated-absence, medium; unexcused-streak, high).
			for i, s := range []struct {
				school, grade string
				days          []string
			}{
				{"SCH01", "9", []string{"03-09", "03-10"}},
				{"SCH02", "9", []string{"03-09", "03-10"}},
				{"SCH03", "9", []string{"03-09", "03-10"}},
				{"SCH04", "9", []string{"03-09", "03-10"}},
				{"SCH01", "8", []string{"03-06", "03-09", "03-10"}},
			} {
				first17 := fmt.Sprintf("50023420110501%03d", i+1)
				check, err := idnum.CheckDigit(first17)
				if err != nil {
					t.Fatal(err)
				}
				id := "G" + first17 + string(check)
				fmt.Fprintf(&students, "%s,学生%d,2011-05-01,%s,%s,T%s\n", id, i+1, s.school, s.grade, s.school[4:])
				for _, d := range s.days {
					fmt.Fprintf(&attendance, "%s,2026-%s,absent\n", id, d)
				}
			}
			write(t, filepath.Join(dir, "students.csv"), students.String())
			write(t, filepath.Join(dir, "attendance.csv"), attendance.String())
			for _, kind := range []string{"schools", "teachers", "students", "attendance"} {
				if code, _, errs := cli(t, dir, "--db", db, "import", kind, kind+".csv"); code != 0 {
					t.Fatalf("import %s: %s", kind, errs)
				}
			}
			t.Chdir(dir)

			// The daemon comes up on the evening of 10 March, after the
			// evaluation's time: it runs the evaluation it missed.
			clock := &settableClock{t: time.Date(2026, 3, 10, 19, 30, 0, 0, shanghai(t))}
			serveClock = clock
			defer func() { serveClock = nil }()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out, errb syncBuffer
			base, code := launchServe(t, ctx, &out, &errb)

			st, err := store.Open(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			// Wait for the run and the deliveries: one digest a teacher, each
			// ended as its channel makes it (T4's waits for its retry).
			want := map[string]string{"T1": "log sent", "T2": "hook failed", "T3": "app undeliverable", "T4": "busy pending 1"}
			deadline := time.Now().Add(60 * time.Second)
			for {
				got := map[string]string{}
				err := st.ListOutbox(ctx, store.OutboxFilter{}, func(r store.OutboxRow) error {
					got[r.Recipient] = r.Routed + " " + r.Status
					if r.Status == store.OutboxPending {
						got[r.Recipient] += fmt.Sprint(" ", r.Attempts)
					}
					return nil
				})
				runs, err2 := st.JobRuns(ctx, "evaluate")
				if err == nil && err2 == nil && len(runs) == 1 && runs[0].Status == store.JobDone && fmt.Sprint(got) == fmt.Sprint(want) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("outbox %v (%v), runs %+v (%v); want %v\nlog:\n%s", got, err, runs, err2, want, errb.String())
				}
				time.Sleep(50 * time.Millisecond)
			}

			// Two days on (no evaluation is due): the tasks due by 12 March
			// are overdue. The dispatcher counts a delivery just after it
			// records it: scrape until the counts are there.
			clock.Set(time.Date(2026, 3, 12, 12, 0, 0, 0, shanghai(t)))
			var values map[string]float64
			var help map[string]string
			var body []byte
			for {
				resp, err := http.Get(base + "/metrics")
				if err != nil {
					t.Fatal(err)
				}
				body, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
					t.Fatalf("/metrics: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
				}
				values, help = metricValues(t, body)
				if values[`baoxue_notifier_retries_total{channel="busy"}`] == 1 || time.Now().After(deadline) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}

			// What the database lists.
			alerts := map[string]float64{}
			if err := st.StreamAlerts(ctx, store.AlertFilter{State: store.AlertsOpen}, func(a *store.AlertRow) error {
				alerts[fmt.Sprintf(`{rule=%q,severity=%q}`, a.Rule, a.Severity)]++
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			countTasks := func(f store.TaskFilter) float64 {
				n := 0.0
				if err := st.StreamTasks(ctx, f, func(*store.TaskRow) error { n++; return nil }); err != nil {
					t.Fatal(err)
				}
				return n
			}
			open, overdue := countTasks(store.TaskFilter{State: store.TasksOpen}), countTasks(store.TaskFilter{State: store.TasksOverdue, At: "2026-03-12"})
			var latest store.Run
			if err := st.StreamRuns(ctx, 1, func(r *store.Run) error { latest = *r; return nil }); err != nil {
				t.Fatal(err)
			}
			if alerts[`{rule="grade9-absence",severity="high"}`] != 4 || alerts[`{rule="repeated-absence",severity="medium"}`] != 1 ||
				overdue == 0 || overdue >= open || latest.Students != 5 {
				t.Fatalf("the fixture is not what this test needs: alerts %v, tasks open %v, overdue %v, run %+v", alerts, open, overdue, latest)
			}

			if got := series(values, "baoxue_alerts_open"); fmt.Sprint(got) != fmt.Sprint(alerts) {
				t.Errorf("baoxue_alerts_open = %v, want the database's %v", got, alerts)
			}
			for k, v := range map[string]float64{
				"baoxue_tasks_open":    open,
				"baoxue_tasks_overdue": overdue,
				`baoxue_job_runs_total{job="evaluate",status="done"}`:                      1,
				`baoxue_job_runs_total{job="evaluate",status="failed"}`:                    0,
				`baoxue_job_run_duration_seconds_count{job="evaluate"}`:                    1,
				`baoxue_outbox_notifications{channel="log",state="sent"}`:                  1,
				`baoxue_outbox_notifications{channel="hook",state="failed"}`:               1,
				`baoxue_outbox_notifications{channel="app",state="undeliverable"}`:         1,
				`baoxue_outbox_notifications{channel="busy",state="pending"}`:              1,
				`baoxue_outbox_notifications{channel="log",state="failed"}`:                0,
				`baoxue_notifier_notifications_total{channel="log",state="sent"}`:          1,
				`baoxue_notifier_notifications_total{channel="hook",state="failed"}`:       1,
				`baoxue_notifier_notifications_total{channel="app",state="undeliverable"}`: 1,
				`baoxue_notifier_notifications_total{channel="busy",state="sent"}`:         0,
				`baoxue_notifier_retries_total{channel="busy"}`:                            1,
				`baoxue_notifier_delivery_latency_seconds_count{channel="log"}`:            1,
				`baoxue_notifier_call_duration_seconds_count{channel="busy"}`:              1,
				"baoxue_last_evaluation_students":                                          float64(latest.Students),
				"baoxue_last_evaluation_alerts_opened":                                     float64(latest.AlertsNew),
				"baoxue_leader":                                                            1,
				"baoxue_rules_last_reload_success":                                         1,
				"baoxue_metrics_store_up":                                                  1,
				"baoxue_metrics_store_errors_total":                                        0,
			} {
				if got, ok := values[k]; !ok || got != v {
					t.Errorf("%s = %v (present: %v), want %v", k, got, ok, v)
				}
			}
			if _, ok := values[`baoxue_job_last_success_timestamp_seconds{job="evaluate"}`]; !ok {
				t.Error("no baoxue_job_last_success_timestamp_seconds of evaluate")
			}
			if got, want := help["baoxue_tasks_overdue"], i18n.NewPrinter(i18n.Chinese).Sprintf("metrics.help.tasks_overdue"); got != want {
				t.Errorf("HELP of baoxue_tasks_overdue = %q, want the catalog's Chinese %q", got, want)
			}
			if strings.Contains(string(body), "学生1") || strings.Contains(string(body), "500234") {
				t.Error("/metrics names a student")
			}

			cancel()
			select {
			case c := <-code:
				if c != 0 {
					t.Errorf("serve exited %d:\n%s", c, errb.String())
				}
			case <-time.After(40 * time.Second):
				t.Fatal("serve did not stop")
			}
		})
	}
}

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
