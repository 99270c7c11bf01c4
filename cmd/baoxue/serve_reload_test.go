package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"baoxue/civil"
	"baoxue/config"
	"baoxue/rules"
	"baoxue/scheduler"
	"baoxue/store"
)

// The rule files of the reload tests. The student imported fires
// grade9-absence and any-absence; grade9 is a rule added later.
const (
	twoRulesYAML = `rules:
  - id: grade9-absence
    name: 初三学生近两周缺勤两天以上
    severity: high
    when: student.grade == 9 && absences(14) >= 2
  - id: any-absence
    name: 近两周有缺勤
    severity: low
    when: absences(14) >= 1
`
	oneRuleYAML = `rules:
  - id: grade9-absence
    name: 初三学生近两周缺勤两天以上
    severity: high
    when: student.grade == 9 && absences(14) >= 2
`
	addedRuleYAML = `rules:
  - id: grade9
    name: 初三学生
    severity: info
    when: student.grade == 9
`
	brokenRuleYAML = `rules:
  - id: typo
    name: 拼错了
    severity: hgh
    when: student.grde == 9
`
)

// testAdminToken is the admin token testAdmin takes.
const testAdminToken = "test-admin-token"

// testAdmin stands in for the admin token check: it lets through a request
// bearing testAdminToken, named admin:test, and answers 401 to others.
func testAdmin(*daemon) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+testAdminToken {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, withCaller(r, "admin:test"))
		})
	}
}

// useAdmin puts admin in place of serveAdmin for the test.
func useAdmin(t *testing.T, admin func(*daemon) func(http.Handler) http.Handler) {
	old := serveAdmin
	serveAdmin = admin
	t.Cleanup(func() { serveAdmin = old })
}

// reloadFixture is a daemon on a database with one student and a rules
// directory, its HTTP server listening on loopback.
type reloadFixture struct {
	t        *testing.T
	dir      string
	db       string
	rulesDir string
	a        *app
	st       *store.Store
	d        *daemon
	logs     *syncBuffer
	base     string
}

func newReloadFixture(t *testing.T, engine string) *reloadFixture {
	t.Helper()
	f := &reloadFixture{t: t, dir: t.TempDir(), logs: &syncBuffer{}}
	f.db = secretDB(t, engine, f.dir)
	imported(t, f.dir, f.db)
	f.rulesDir = filepath.Join(f.dir, "rules")
	if err := os.Mkdir(f.rulesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	f.write("a.yaml", twoRulesYAML)
	t.Chdir(f.dir)
	a, err := newApp(global{db: f.db, config: "baoxue.yaml", rules: f.rulesDir}, io.Discard, f.logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	f.a, a.name = a, "serve"
	ctx := context.Background()
	c, err := a.conf()
	if err != nil {
		t.Fatal(err)
	}
	set, err := a.ruleSet()
	if err != nil {
		t.Fatal(err)
	}
	if f.st, err = a.store(ctx, readWrite); err != nil {
		t.Fatal(err)
	}
	if f.d, err = newDaemon(ctx, a, c, f.st, set, slog.New(slog.NewJSONHandler(f.logs, nil))); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.d.reload.auditing.Wait)
	useAdmin(t, testAdmin)
	addr := make(chan string, 1)
	serveListening = func(a string) { addr <- a }
	defer func() { serveListening = nil }()
	srv, err := f.d.listen(config.HTTP{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	f.base = "http://" + <-addr
	return f
}

// write writes a rule file of the rules directory.
func (f *reloadFixture) write(name, content string) {
	f.t.Helper()
	write(f.t, filepath.Join(f.rulesDir, name), content)
}

// remove removes a rule file of the rules directory.
func (f *reloadFixture) remove(name string) {
	f.t.Helper()
	if err := os.Remove(filepath.Join(f.rulesDir, name)); err != nil {
		f.t.Fatal(err)
	}
}

// reloadAnswer is the answer of POST /-/reload, as a client reads it.
type reloadAnswer struct {
	Status   string        `json:"status"`
	Rules    int           `json:"rules"`
	Enabled  int           `json:"enabled"`
	Checksum string        `json:"checksum"`
	Changed  bool          `json:"changed"`
	Retire   []retireCount `json:"retire"`
	Error    string        `json:"error"`
	Errors   []ruleProblem `json:"errors"`
}

// post posts to /-/reload with the query and the token ("" for none).
func (f *reloadFixture) post(query, token string) (int, reloadAnswer) {
	f.t.Helper()
	return postReload(f.t, f.base, query, token)
}

func postReload(t *testing.T, base, query, token string) (int, reloadAnswer) {
	t.Helper()
	req, err := http.NewRequest("POST", base+"/-/reload"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var ans reloadAnswer
	if len(b) > 0 {
		if err := json.Unmarshal(b, &ans); err != nil {
			t.Fatalf("answer %d is not JSON: %v\n%s", resp.StatusCode, err, b)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
	}
	return resp.StatusCode, ans
}

// evaluate runs the daemon's evaluate job as the scheduler does.
func (f *reloadFixture) evaluate() error {
	at, _ := civil.ParseDay("2026-03-10")
	return f.d.jobs()[scheduler.Evaluate](context.Background(), at)
}

// alerts counts the alerts by rule: open ones, and those retired.
func alertsByRule(t *testing.T, st *store.Store) (open, retired map[string]int) {
	t.Helper()
	var rows []struct {
		Rule    string `db:"rule"`
		Open    bool   `db:"open"`
		Outcome string `db:"outcome"`
	}
	if err := st.RawSelect(context.Background(), &rows, `SELECT rule, resolved_at IS NULL AS open, COALESCE(outcome, '') AS outcome FROM alerts`); err != nil {
		t.Fatal(err)
	}
	open, retired = map[string]int{}, map[string]int{}
	for _, r := range rows {
		switch {
		case r.Open:
			open[r.Rule]++
		case r.Outcome == "rule_retired":
			retired[r.Rule]++
		}
	}
	return open, retired
}

// lastRunChecksum is the rules checksum the latest run recorded.
func lastRunChecksum(t *testing.T, st *store.Store) string {
	t.Helper()
	sum := ""
	if err := st.StreamRuns(context.Background(), 1, func(r *store.Run) error {
		sum = r.RulesChecksum
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return sum
}

// auditRow is an audit entry of a reload.
type auditRow struct {
	Actor  string `db:"actor"`
	Object string `db:"object"`
	Detail string `db:"detail"`
}

// reloadAudits returns the reloads' audit entries, in order; their
// details' status decoded.
func reloadAudits(t *testing.T, st *store.Store) ([]auditRow, []string) {
	t.Helper()
	var rows []auditRow
	if err := st.RawSelect(context.Background(), &rows, `SELECT actor, object, detail FROM audit WHERE action = 'reload' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, r := range rows {
		var d struct{ Status string }
		if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
			t.Fatalf("audit detail %q: %v", r.Detail, err)
		}
		statuses = append(statuses, d.Status)
	}
	return rows, statuses
}

// TestReloadHTTP: POST /-/reload keeps the old rules when the new ones do
// not compile (422 with the errors `rules check` reports, a log line, the
// reload status false), takes good rules at once (the next evaluation runs
// them), refuses rules that would retire open alerts unless retire=1 (409
// with the rules and counts), after which the evaluation retires exactly
// those rules' alerts and a reload retiring another rule needs consent
// again. Every reload is one log line and one audit entry.
func TestReloadHTTP(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			f := newReloadFixture(t, engine)
			set1 := f.d.rules.Load()
			if err := f.evaluate(); err != nil {
				t.Fatal(err)
			}
			if open, _ := alertsByRule(t, f.st); !maps.Equal(open, map[string]int{"grade9-absence": 1, "any-absence": 1}) {
				t.Fatalf("open alerts after the first run: %v", open)
			}

			if code, _ := f.post("", ""); code != http.StatusUnauthorized {
				t.Errorf("without a token: %d, want 401 (the admin check wraps the endpoint)", code)
			}

			// Rules that do not compile: 422, the old rules keep running.
			f.write("b.yaml", brokenRuleYAML)
			code, ans := f.post("", testAdminToken)
			if code != http.StatusUnprocessableEntity || ans.Status != "invalid" || len(ans.Errors) < 2 {
				t.Fatalf("broken rules: %d %+v", code, ans)
			}
			_, _, check := cli(t, f.dir, "rules", "check", f.rulesDir)
			for _, e := range ans.Errors {
				if !strings.HasSuffix(e.File, "b.yaml") || e.Line == 0 || e.Col == 0 || !strings.Contains(e.Message, "规则 typo：") {
					t.Errorf("error %+v: want b.yaml, its line and column, and the rule", e)
				}
				if placed := e.File + ":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col) + ": " + e.Message; !strings.Contains(check, placed) {
					t.Errorf("rules check does not report %q:\n%s", placed, check)
				}
				if !strings.Contains(ans.Error, e.Message) {
					t.Errorf("the answer's error does not say %q:\n%s", e.Message, ans.Error)
				}
			}
			if f.d.rules.Load() != set1 || f.d.reloadStatus().Success || f.d.reloadStatus().Checksum != set1.Checksum {
				t.Errorf("after broken rules: rules swapped %v, status %+v", f.d.rules.Load() != set1, f.d.reloadStatus())
			}
			if !strings.Contains(f.logs.String(), "规则未重新加载（POST /-/reload 请求），仍按原来的规则运行：新规则有错误") {
				t.Errorf("no log line of the broken reload:\n%s", f.logs.String())
			}
			if err := f.evaluate(); err != nil || lastRunChecksum(t, f.st) != set1.Checksum {
				t.Fatalf("a run after the broken reload: %v, checksum %s, want the old rules' %s", err, lastRunChecksum(t, f.st), set1.Checksum)
			}

			// Good rules take effect: the next run evaluates them.
			f.remove("b.yaml")
			f.write("c.yaml", addedRuleYAML)
			before := time.Now()
			code, ans = f.post("", testAdminToken)
			if code != http.StatusOK || ans.Status != "loaded" || ans.Rules != 3 || ans.Enabled != 3 || !ans.Changed ||
				ans.Checksum == set1.Checksum || ans.Retire == nil || len(ans.Retire) != 0 {
				t.Fatalf("good rules: %d %+v", code, ans)
			}
			st := f.d.reloadStatus()
			if !st.Success || st.Checksum != ans.Checksum || st.Rules != 3 || st.LoadedAt.Before(before) {
				t.Errorf("reload status after a good reload: %+v", st)
			}
			if err := f.evaluate(); err != nil {
				t.Fatal(err)
			}
			if got := lastRunChecksum(t, f.st); got != ans.Checksum {
				t.Errorf("the run after the reload recorded checksum %s, want the new rules' %s", got, ans.Checksum)
			}
			if open, _ := alertsByRule(t, f.st); open["grade9"] != 1 {
				t.Errorf("the added rule did not fire after the reload: %v", open)
			}
			set2 := f.d.rules.Load()
			if code, ans = f.post("", testAdminToken); code != http.StatusOK || ans.Changed {
				t.Errorf("the same rules again: %d %+v", code, ans)
			}
			if !strings.Contains(f.logs.String(), "规则文件没有变化") {
				t.Errorf("no log line of the unchanged reload:\n%s", f.logs.String())
			}

			// Rules that would retire open alerts: refused without consent.
			f.write("a.yaml", oneRuleYAML)
			code, ans = f.post("", testAdminToken)
			want := []retireCount{{Rule: "any-absence", OpenAlerts: 1, State: "removed"}}
			if code != http.StatusConflict || ans.Status != "retire_refused" || !slices.Equal(ans.Retire, want) ||
				!strings.Contains(ans.Error, "any-absence（已不在规则文件中；1 条未结预警）") || !strings.Contains(ans.Error, "retire=1") {
				t.Fatalf("retiring rules without consent: %d %+v", code, ans)
			}
			if f.d.rules.Load().Checksum != set2.Checksum || f.d.reloadStatus().Success {
				t.Errorf("a refused reload swapped the rules or reads as a success: %+v", f.d.reloadStatus())
			}
			if !strings.Contains(f.logs.String(), "规则未重新加载（POST /-/reload 请求），仍按原来的规则运行：规则已删除或停用：any-absence") {
				t.Errorf("no log line of the refused reload:\n%s", f.logs.String())
			}
			if err := f.evaluate(); err != nil {
				t.Fatal(err)
			}
			if _, retired := alertsByRule(t, f.st); len(retired) != 0 {
				t.Fatalf("alerts retired after a refused reload: %v", retired)
			}
			if code, ans = f.post("?retire=maybe", testAdminToken); code != http.StatusBadRequest || !strings.Contains(ans.Error, `"maybe"`) {
				t.Errorf("retire=maybe: %d %+v", code, ans)
			}

			// With consent: taken; the next run retires that rule's alerts.
			code, ans = f.post("?retire=1", testAdminToken)
			if code != http.StatusOK || ans.Status != "loaded" || !slices.Equal(ans.Retire, want) {
				t.Fatalf("retiring rules with consent: %d %+v", code, ans)
			}
			if !strings.Contains(f.logs.String(), "已同意注销，下次评估将注销这些规则的 1 条未结预警：any-absence") {
				t.Errorf("no log line of the consented reload:\n%s", f.logs.String())
			}
			// A reload of the same rules before the run keeps the consent.
			if code, ans = f.post("", testAdminToken); code != http.StatusOK || !slices.Equal(ans.Retire, want) {
				t.Fatalf("the consented rules again, without retire: %d %+v", code, ans)
			}
			if err := f.evaluate(); err != nil {
				t.Fatalf("the run after the consented reload: %v", err)
			}
			open, retired := alertsByRule(t, f.st)
			if !maps.Equal(retired, map[string]int{"any-absence": 1}) || !maps.Equal(open, map[string]int{"grade9-absence": 1, "grade9": 1}) {
				t.Errorf("after the consented run: open %v, retired %v", open, retired)
			}

			// Retiring another rule needs consent again.
			f.remove("c.yaml")
			code, ans = f.post("", testAdminToken)
			if code != http.StatusConflict || !slices.Equal(ans.Retire, []retireCount{{Rule: "grade9", OpenAlerts: 1, State: "removed"}}) {
				t.Fatalf("retiring another rule: %d %+v", code, ans)
			}

			f.d.reload.auditing.Wait()
			rows, statuses := reloadAudits(t, f.st)
			wantStatuses := []string{"invalid", "loaded", "loaded", "retire_refused", "loaded", "loaded", "retire_refused"}
			if !slices.Equal(statuses, wantStatuses) {
				t.Errorf("audit statuses %v, want %v", statuses, wantStatuses)
			}
			for _, r := range rows {
				if r.Actor != "admin:test" || r.Object != "rules:"+f.rulesDir {
					t.Errorf("audit entry %+v: want actor admin:test, object rules:%s", r, f.rulesDir)
				}
			}
		})
	}
}

// TestReloadDuringARun: a run under way finishes on the rules it started
// with; the reload does not wait for it, and the next run takes the new
// rules.
func TestReloadDuringARun(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			f := newReloadFixture(t, engine)
			set1 := f.d.rules.Load()
			ctx := context.Background()
			// Another writer holds the data lock: the run starts, takes its
			// rules and waits.
			other, err := store.Open(ctx, f.db)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			tx, err := other.BeginBulk(ctx, store.DataLock)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- f.evaluate() }()
			waitFor(t, f.logs, "正在等待另一个运行写完数据库")

			f.write("c.yaml", addedRuleYAML)
			code, ans := f.post("", testAdminToken)
			if code != http.StatusOK || ans.Rules != 3 {
				tx.Rollback()
				t.Fatalf("reload during a run: %d %+v", code, ans)
			}
			tx.Rollback()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if got := lastRunChecksum(t, f.st); got != set1.Checksum {
				t.Errorf("the run under way recorded checksum %s, want the rules it started with (%s)", got, set1.Checksum)
			}
			if open, _ := alertsByRule(t, f.st); open["grade9"] != 0 {
				t.Errorf("the run under way evaluated the new rule: %v", open)
			}
			if err := f.evaluate(); err != nil {
				t.Fatal(err)
			}
			if got := lastRunChecksum(t, f.st); got != ans.Checksum {
				t.Errorf("the next run recorded checksum %s, want %s", got, ans.Checksum)
			}
			if open, _ := alertsByRule(t, f.st); open["grade9"] != 1 {
				t.Errorf("the next run did not evaluate the new rule: %v", open)
			}
		})
	}
}

// waitFor waits until buf says want, failing after 20 seconds.
func waitFor(t *testing.T, buf *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(buf.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %q:\n%s", want, buf.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startServe runs `baoxue serve ARGS` in dir until the test ends, and
// returns the base URL it listens on, its log and its exit status.
func startServe(t *testing.T, dir string, args ...string) (base string, logs *syncBuffer, code <-chan int) {
	t.Helper()
	t.Chdir(dir)
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	base, c := launchServe(t, ctx, io.Discard, logs, args...)
	t.Cleanup(func() {
		cancel()
		select {
		case <-c:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return base, logs, c
}

// serveConfig writes a baoxue.yaml for serve on db, with the rules at
// rules ("" for the built-in ones), listening on a loopback port, no job
// scheduled.
func serveConfig(t *testing.T, dir, db, rules string) {
	t.Helper()
	conf := `database: {dsn: "` + db + `"}
http: {listen: "127.0.0.1:0"}
schedules: {evaluate: "off", home_teaching: "off", escalate: "off", campaigns: {march: "off", may: "off", september: "off"}, catch_up: 0}
`
	if rules != "" {
		conf += "rules: " + rules + "\n"
	}
	write(t, filepath.Join(dir, "baoxue.yaml"), conf)
}

// TestServeReloadsOnSignalAndFileChange: the daemon reloads on SIGHUP and
// on a change of a rule file, once for a burst of writes and not for
// files that are not rules; a broken file or one retiring open alerts
// keeps the old rules, with a log line and an audit entry each.
func TestServeReloadsOnSignalAndFileChange(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			db := secretDB(t, engine, dir)
			imported(t, dir, db)
			rulesDir := filepath.Join(dir, "rules")
			if err := os.Mkdir(rulesDir, 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(rulesDir, "a.yaml"), twoRulesYAML)
			if code, _, errs := cli(t, dir, "--db", db, "--rules", rulesDir, "eval", "--at", "2026-03-10"); code != 0 {
				t.Fatalf("eval: %s", errs)
			}
			serveConfig(t, dir, db, "./rules")
			hup := make(chan os.Signal, 1)
			old := serveHangup
			serveHangup = func() (<-chan os.Signal, func()) { return hup, func() {} }
			t.Cleanup(func() { serveHangup = old })
			oldDebounce := reloadDebounce
			reloadDebounce = 500 * time.Millisecond
			t.Cleanup(func() { reloadDebounce = oldDebounce })

			base, logs, _ := startServe(t, dir)
			waitFor(t, logs, "正在监视规则 rules：")
			const (
				byFile   = "（规则文件有改动）"
				bySignal = "（收到 SIGHUP 信号）"
				kept     = "规则未重新加载"
			)

			// A broken file: a change reloads, keeps the old rules.
			write(t, filepath.Join(rulesDir, "b.yaml"), brokenRuleYAML)
			waitFor(t, logs, kept+byFile+"，仍按原来的规则运行：新规则有错误")
			hup <- syscall.SIGHUP
			waitFor(t, logs, kept+bySignal+"，仍按原来的规则运行：新规则有错误")
			if !strings.Contains(logs.String(), "b.yaml:4:15: 规则 typo：") {
				t.Errorf("the log does not place the error:\n%s", logs.String())
			}

			// A burst of writes is one reload.
			os.Remove(filepath.Join(rulesDir, "b.yaml"))
			for i := range 5 {
				write(t, filepath.Join(rulesDir, "c.yaml"), addedRuleYAML+strings.Repeat("\n", i))
			}
			waitFor(t, logs, "已重新加载规则"+byFile+"：3 条规则")
			// Neither a rule test nor another file is a change of the rules.
			write(t, filepath.Join(rulesDir, "c.test.yaml"), "tests: []\n")
			write(t, filepath.Join(rulesDir, "notes.txt"), "备注\n")
			if err := os.Mkdir(filepath.Join(rulesDir, "old"), 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(rulesDir, "old", "x.yaml"), brokenRuleYAML)
			time.Sleep(3 * reloadDebounce)
			if n := strings.Count(logs.String(), byFile); n != 2 {
				t.Errorf("%d reloads on file changes, want 2 (broken, added): files that are not rules reloaded them:\n%s", n, logs.String())
			}

			// Rules retiring open alerts: refused on a change and on SIGHUP,
			// which cannot consent.
			write(t, filepath.Join(rulesDir, "a.yaml"), oneRuleYAML)
			refused := "，仍按原来的规则运行：规则已删除或停用：any-absence（已不在规则文件中；1 条未结预警）"
			waitFor(t, logs, kept+byFile+refused)
			hup <- syscall.SIGHUP
			waitFor(t, logs, kept+bySignal+refused)
			// Wait out two debounces: no other reload comes.
			time.Sleep(3 * reloadDebounce)
			if n := strings.Count(logs.String(), byFile); n != 3 {
				t.Errorf("%d reloads on file changes, want 3 (broken, added, retiring):\n%s", n, logs.String())
			}

			// The real admin token check: no token or a made-up one is
			// 401; an admin token gets through (to the same refusal).
			if code, _ := postReload(t, base, "", ""); code != http.StatusUnauthorized {
				t.Errorf("POST /-/reload without a token: %d, want 401", code)
			}
			if code, _ := postReload(t, base, "", "bxt_"+strings.Repeat("0", 52)); code != http.StatusUnauthorized {
				t.Errorf("POST /-/reload with a made-up token: %d, want 401", code)
			}
			code, out, errs := cli(t, dir, "--db", db, "token", "create", "--admin")
			if code != 0 {
				t.Fatalf("token create --admin: %s", errs)
			}
			if code, ans := postReload(t, base, "", strings.TrimSpace(out)); code != http.StatusConflict {
				t.Errorf("POST /-/reload with an admin token: %d %+v, want 409", code, ans)
			}

			st, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			deadline := time.Now().Add(20 * time.Second)
			var rows []auditRow
			var statuses []string
			for len(statuses) < 6 && time.Now().Before(deadline) {
				rows, statuses = reloadAudits(t, st)
				time.Sleep(20 * time.Millisecond)
			}
			var actors []string
			for _, r := range rows {
				actors = append(actors, r.Actor)
			}
			if want := []string{"invalid", "invalid", "loaded", "retire_refused", "retire_refused", "retire_refused"}; !slices.Equal(statuses, want) {
				t.Errorf("audit statuses %v, want %v", statuses, want)
			}
			if want := []string{"file", "signal", "file", "file", "signal", "token:1/admin"}; !slices.Equal(actors, want) {
				t.Errorf("audit actors %v, want %v", actors, want)
			}
			open, retired := alertsByRule(t, st)
			if len(retired) != 0 || open["any-absence"] != 1 {
				t.Errorf("alerts changed: open %v, retired %v", open, retired)
			}
		})
	}
}

// TestServeRetireAtStart: serve refuses to start on rules that would
// retire open alerts (exit 1, naming the rules and counts) unless
// --retire; its evaluations then retire those rules' alerts, no others.
func TestServeRetireAtStart(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			db := secretDB(t, engine, dir)
			imported(t, dir, db)
			write(t, filepath.Join(dir, "two.yaml"), twoRulesYAML)
			write(t, filepath.Join(dir, "one.yaml"), oneRuleYAML)
			if code, _, errs := cli(t, dir, "--db", db, "--rules", "two.yaml", "eval", "--at", "2026-03-10"); code != 0 {
				t.Fatalf("eval: %s", errs)
			}
			serveConfig(t, dir, db, "one.yaml")
			code, _, errs := cli(t, dir, "serve")
			if code != 1 || !strings.Contains(errs, "any-absence（已不在规则文件中；1 条未结预警）") || !strings.Contains(errs, "请加 --retire 启动 baoxue serve") {
				t.Fatalf("serve on rules retiring open alerts: exit %d\n%s", code, errs)
			}
			oldDebounce := reloadDebounce
			reloadDebounce = 500 * time.Millisecond
			t.Cleanup(func() { reloadDebounce = oldDebounce })
			_, logs, _ := startServe(t, dir, "--retire")
			waitFor(t, logs, "已加 --retire：评估将注销这些规则的 1 条未结预警：any-absence")
			waitFor(t, logs, "正在监视规则 one.yaml")

			// A rules file is watched through its directory: another file
			// of it changing is no reload; the file replaced by a rename,
			// as editors save, is.
			write(t, filepath.Join(dir, "two.yaml"), twoRulesYAML+"\n")
			time.Sleep(3 * reloadDebounce)
			if strings.Contains(logs.String(), "规则文件有改动") {
				t.Fatalf("another file of the directory reloaded the rules:\n%s", logs.String())
			}
			write(t, filepath.Join(dir, ".one.yaml.swp"), oneRuleYAML+addedRuleYAML[len("rules:\n"):])
			if err := os.Rename(filepath.Join(dir, ".one.yaml.swp"), filepath.Join(dir, "one.yaml")); err != nil {
				t.Fatal(err)
			}
			waitFor(t, logs, "已重新加载规则（规则文件有改动）：2 条规则")
		})
	}
}

// TestConsentAtStartIsNarrow: the consent of serve --retire covers the
// rules the start retires: the evaluation retires their alerts, and
// refuses when it would retire another rule's.
func TestConsentAtStartIsNarrow(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			f := newReloadFixture(t, engine)
			if err := f.evaluate(); err != nil {
				t.Fatal(err)
			}
			gone, err := rules.Compile(rules.File{Name: "c.yaml", Data: []byte(addedRuleYAML)})
			if err != nil {
				t.Fatal(err)
			}
			f.d.rules.Store(gone)
			f.d.reload.consent(map[string]int{"any-absence": 1})
			err = f.evaluate()
			if err == nil || !strings.Contains(err.Error(), "grade9-absence（已不在规则文件中；1 条未结预警）") ||
				strings.Contains(err.Error(), "any-absence") || !strings.Contains(err.Error(), "POST /-/reload?retire=1") {
				t.Fatalf("a run retiring a rule not consented to: %v", err)
			}
			f.d.reload.consent(map[string]int{"any-absence": 1, "grade9-absence": 1})
			if err := f.evaluate(); err != nil {
				t.Fatal(err)
			}
			if _, retired := alertsByRule(t, f.st); !maps.Equal(retired, map[string]int{"any-absence": 1, "grade9-absence": 1}) {
				t.Errorf("retired %v", retired)
			}
		})
	}
}
