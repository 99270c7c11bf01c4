package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"baoxue/i18n"
	"baoxue/inputerr"
	"baoxue/rules"
)

// secrets are the environment the fixtures use; no error may contain a value.
func secrets() map[string]string {
	return map[string]string{
		"WECOM_WEBHOOK_URL":   "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robot-key-Kq81",
		"WECOM_CORP":          "ww-corp-Zr52",
		"WECOM_SECRET":        "wecom-secret-Hv07",
		"HOOK_SECRET":         "hook-secret-Pm33",
		"DINGTALK_TOKEN":      "ding-token-Yt64",
		"DINGTALK_SECRET":     "SECding-secret-Lw19",
		"DINGTALK_APP_KEY":    "ding-app-key-Nc40",
		"DINGTALK_APP_SECRET": "ding-app-secret-Bx26",
		"SMTP_PASSWORD":       "smtp-password-Jd58",
	}
}

// en renders err in English, the language these tests pin wording in.
func en(err error) string { return i18n.NewPrinter(i18n.English).Error(err) }

// setEnv sets the fixtures' environment and unsets what must be unset,
// whatever the developer's shell holds.
func setEnv(t *testing.T) {
	t.Helper()
	for k, v := range secrets() {
		t.Setenv(k, v)
	}
	for _, k := range []string{DatabaseURLEnv, "BAOXUE_TEST_UNSET", "BAOXUE_TEST_DSN"} {
		t.Setenv(k, "") // restores the old value after the test
		os.Unsetenv(k)
	}
}

func TestLoadGoodFixtures(t *testing.T) {
	setEnv(t)
	files, _ := filepath.Glob("testdata/*.good.yaml")
	if len(files) < 4 {
		t.Fatalf("found %d good fixtures", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c, err := Load(f)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Location == nil || c.Location.String() != c.Timezone {
				t.Errorf("Location = %v, want %s", c.Location, c.Timezone)
			}
		})
	}
}

// TestLoadBadFixtures loads each *.bad.yaml and compares every problem,
// rendered in English, with the fixture's "# want:" lines, and in Chinese,
// the default, with its "# want-zh:" lines when it has them, FILE standing
// for the fixture's path.
func TestLoadBadFixtures(t *testing.T) {
	setEnv(t)
	files, _ := filepath.Glob("testdata/*.bad.yaml")
	if len(files) < 8 {
		t.Fatalf("found %d bad fixtures", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want := wantLines(t, f, "# want: ")
			c, err := Load(f)
			if err == nil {
				t.Fatalf("Load = %+v, want problems", c)
			}
			var ps inputerr.List
			if !errors.As(err, &ps) {
				t.Fatalf("Load error %v is %T, want an inputerr.List", err, err)
			}
			en := ps.Localize(i18n.NewPrinter(i18n.English))
			got := strings.Split(en, "\n")
			if !slices.Equal(got, want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if want := wantLines(t, f, "# want-zh: "); len(want) > 0 {
				if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, want) {
					t.Errorf("problems in Chinese:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
			for name, v := range secrets() {
				if strings.Contains(en, v) || strings.Contains(err.Error(), v) {
					t.Errorf("error contains the value of %s", name)
				}
			}
		})
	}
}

// wantLines returns the lines of file that start with prefix, without it,
// FILE standing for the file's path. A fixture must have "# want: " lines.
func wantLines(t *testing.T, file, prefix string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, line := range strings.Split(string(data), "\n") {
		if w, ok := strings.CutPrefix(line, prefix); ok {
			want = append(want, strings.ReplaceAll(w, "FILE", file))
		}
	}
	if len(want) == 0 && prefix == "# want: " {
		t.Fatalf("%s has no # want: lines", file)
	}
	return want
}

func TestLoadSpecExample(t *testing.T) {
	setEnv(t)
	c, err := Load("testdata/spec.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := secrets()
	checks := []struct {
		name      string
		got, want any
	}{
		{"lang", c.Lang, i18n.Chinese},
		{"dsn", c.Database.DSN, "postgres://baoxue@db/baoxue?sslmode=require"},
		{"rules", c.Rules, filepath.Join("testdata", "rules")},
		{"listen", c.HTTP.Listen, "127.0.0.1:8080"},
		{"public_url", c.HTTP.PublicURL, "https://baoxue.example"},
		{"evaluate", c.Schedules.Evaluate, "0 19 * * *"},
		{"home_teaching schedule", c.Schedules.HomeTeaching, "0 18 * * 0"},
		{"september", c.Schedules.Campaigns.September, "0 8 1 9 *"},
		{"catch_up", c.Schedules.CatchUp, Duration(7 * 24 * time.Hour)},
		{"max_per_teacher", c.Pairing.MaxPerTeacher, 5},
		{"hours_per_session", c.HomeTeaching.HoursPerSession, 2},
		{"compulsory_age", c.Ledger.CompulsoryAge, AgeRange{6, 15}},
		{"retention.graduated", c.Retention.Graduated, Duration(3 * 365 * 24 * time.Hour)},
		{"channels", len(c.Notifier.Channels), 3},
		{"robot url", c.Notifier.Channels[0].URL, s["WECOM_WEBHOOK_URL"]},
		{"robot is group", c.Notifier.Channels[0].Group(), true},
		{"corp_id", c.Notifier.Channels[1].CorpID, s["WECOM_CORP"]},
		{"agent_id", c.Notifier.Channels[1].AgentID, int64(1000002)},
		{"app secret", c.Notifier.Channels[1].Secret, s["WECOM_SECRET"]},
		{"app is personal", c.Notifier.Channels[1].Group(), false},
		{"hook secret", c.Notifier.Channels[2].Secret, s["HOOK_SECRET"]},
		{"timeout default", c.Notifier.Channels[2].Timeout, Duration(10 * time.Second)},
		{"default", c.Notifier.Default, "teachers"},
		{"route", c.Notifier.Route("SCH02", "", "teacher", "high"), "hook"},
		{"unrouted", c.Notifier.Route("SCH01", "", "teacher", "high"), "teachers"},
		{"retry", c.Notifier.Retry, Retry{8, Duration(30 * time.Second), Duration(time.Hour)}},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestLoadFullExample(t *testing.T) {
	setEnv(t)
	t.Setenv("BAOXUE_TEST_DSN", "postgresql://baoxue@127.0.0.1/baoxue")
	c, err := Load("testdata/full.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ding, _ := c.Notifier.Channel("ding-groups")
	mail, _ := c.Notifier.Channel("mail")
	hook, _ := c.Notifier.Channel("hook")
	groups, _ := c.Notifier.Channel("school-groups")
	checks := []struct {
		name      string
		got, want any
	}{
		{"dsn from ${VAR:-default}", c.Database.DSN, "postgresql://baoxue@127.0.0.1/baoxue"},
		{"channels", len(c.Notifier.Channels), 7},
		{"ding url", ding.URL, "https://oapi.dingtalk.com/robot/send?access_token=" + secrets()["DINGTALK_TOKEN"]},
		{"ding group", ding.Group(), true},
		{"smtp", mail.SMTP, SMTP{Host: "smtp.edu.example", Port: 465, TLS: TLSImplicit, Username: "baoxue@edu.example", Password: secrets()["SMTP_PASSWORD"]}},
		{"hook header", hook.Headers["X-District"], "500154"},
		{"hook timeout", hook.Timeout, Duration(5 * time.Second)},
		{"per_minute", groups.PerMinute, 18},
		{"per_minute default", hook.PerMinute, 0},
		{"route by role list", c.Notifier.Route("SCH01", "", "district_admin", "critical"), "mail"},
		{"route needs all keys", c.Notifier.Route("SCH01", "", "district_admin", "high"), "teachers"},
		{"route by center", c.Notifier.Route("SCH05", "临江片区", "teacher", "low"), "ding-teachers"},
		{"survey", c.Retention.Survey.String(), "730d"},
		{"xlsx_max_bytes", c.Import.XLSXMaxBytes.String(), "512MiB"},
		{"import, every key at its default", c.Import, Default().Import},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

// TestLoadPartial checks that keys left out keep their defaults, also next
// to keys given in the same mapping.
func TestLoadPartial(t *testing.T) {
	setEnv(t)
	c, err := Load("testdata/partial.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	if len(c.Notifier.Channels) != 1 {
		t.Fatalf("channels = %d, want the default one", len(c.Notifier.Channels))
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"evaluate", c.Schedules.Evaluate, "30 18 * * 1-5"},
		{"escalate kept", c.Schedules.Escalate, d.Schedules.Escalate},
		{"may off", c.Schedules.Campaigns.May, Off},
		{"march kept", c.Schedules.Campaigns.March, d.Schedules.Campaigns.March},
		{"catch_up 0 kept as 0", c.Schedules.CatchUp, Duration(0)},
		{"max_attempts", c.Notifier.Retry.MaxAttempts, 3},
		{"initial kept", c.Notifier.Retry.Initial, d.Notifier.Retry.Initial},
		{"sessions", c.HomeTeaching.SessionsPerWeek, 2},
		{"hours kept", c.HomeTeaching.HoursPerSession, 2},
		{"log channel", c.Notifier.Channels[0].Name + "/" + c.Notifier.Channels[0].Type, "log/log"},
		{"default channel", c.Notifier.Default, "log"},
		{"import kept", c.Import, d.Import},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestDefault(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"timezone", c.Location.String(), "Asia/Shanghai"},
		{"dsn", c.Database.DSN, "file:baoxue.db"},
		{"rules", c.Rules, ""},
		{"listen", c.HTTP.Listen, "127.0.0.1:8080"},
		{"evaluate", c.Schedules.Evaluate, "0 19 * * *"},
		{"home_teaching", c.Schedules.HomeTeaching, "0 18 * * 0"},
		{"escalate", c.Schedules.Escalate, "0 12 * * *"},
		{"march", c.Schedules.Campaigns.March, "0 8 1 3 *"},
		{"may", c.Schedules.Campaigns.May, "0 8 1 5 *"},
		{"catch_up", c.Schedules.CatchUp.String(), "7d"},
		{"max_per_teacher", c.Pairing.MaxPerTeacher, 5},
		{"sessions", c.HomeTeaching.SessionsPerWeek, 1},
		{"hours", c.HomeTeaching.HoursPerSession, 2},
		{"age", c.Ledger.CompulsoryAge, AgeRange{6, 15}},
		{"suspected", c.Ledger.SuspectedDropoutDays, 10},
		{"graduated", c.Retention.Graduated.String(), "1095d"},
		{"survey", c.Retention.Survey.String(), "730d"},
		{"import", c.Import, Import{XLSXMaxBytes: 512 << 20, MaxRows: 5_000_000, MaxColumns: 300}},
		{"channels", len(c.Notifier.Channels), 1},
		{"log", c.Notifier.Channels[0].Type, TypeLog},
		{"default", c.Notifier.Default, "log"},
		{"retry", c.Notifier.Retry, Retry{8, Duration(30 * time.Second), Duration(time.Hour)}},
		{"where", c.Where("database.dsn"), ""},
		{"norms are the rules' defaults", c.Norms(), rules.DefaultNorms()},
		{"no warnings", len(c.Warnings()), 0},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestLoadOrDefault(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "baoxue.yaml")
	cases := []struct {
		name     string
		path     string
		explicit bool
		dbURL    string // BAOXUE_DATABASE_URL; "" unset
		wantDSN  string
		wantErr  string
	}{
		{"absent, implicit", missing, false, "", "file:baoxue.db", ""},
		{"absent, implicit, env dsn", missing, false, "postgres://baoxue:pw-Tg44@db/baoxue", "postgres://baoxue:pw-Tg44@db/baoxue", ""},
		{"absent, explicit", missing, true, "", "", "read config: open " + missing},
		{"present, env dsn wins", "testdata/spec.good.yaml", true, "file:other.db", "file:other.db", ""},
		{"bad env dsn", "testdata/spec.good.yaml", false, "mysql://root:pw-Tg44@db/baoxue",
			"", "BAOXUE_DATABASE_URL: database.dsn: unknown kind of database; want file:PATH (SQLite) or postgres://… (PostgreSQL)"},
		{"bad env dsn, no file", missing, false, "mysql://root:pw-Tg44@db/baoxue",
			"", "BAOXUE_DATABASE_URL: database.dsn: unknown kind of database; want file:PATH (SQLite) or postgres://… (PostgreSQL)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			setEnv(t)
			if tc.dbURL != "" {
				t.Setenv(DatabaseURLEnv, tc.dbURL)
			}
			c, err := LoadOrDefault(tc.path, tc.explicit)
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(en(err), tc.wantErr) {
					t.Fatalf("err = %v, want prefix %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "pw-Tg44") {
					t.Errorf("error shows the password: %v", err)
				}
				if tc.explicit && !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("err = %v, want fs.ErrNotExist", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Database.DSN != tc.wantDSN {
				t.Errorf("dsn = %q, want %q", c.Database.DSN, tc.wantDSN)
			}
		})
	}
}

func TestWhere(t *testing.T) {
	setEnv(t)
	c, err := Load("testdata/spec.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ key, want string }{
		{"rules", "testdata/spec.good.yaml:4:8"},
		{"notifier.channels[1].secret", "testdata/spec.good.yaml:18:90"},
		{"notifier.channels[1].smtp.host", "testdata/spec.good.yaml:18:7"}, // absent: its channel
		{"retention", "testdata/spec.good.yaml:2:1"},                       // absent: the document
	}
	for _, tc := range cases {
		if got := c.Where(tc.key); got != tc.want {
			t.Errorf("Where(%q) = %q, want %q", tc.key, got, tc.want)
		}
	}
	c.Database.DSN = "sqlite:baoxue.db"
	c.SetOrigin("database.dsn", "--db")
	if got := c.Where("database.dsn"); got != "--db" {
		t.Errorf("Where after SetOrigin = %q, want --db", got)
	}
	const want = "--db: database.dsn: unknown kind of database; want file:PATH (SQLite) or postgres://… (PostgreSQL)"
	if err := c.Validate(); err == nil || en(err) != want {
		t.Errorf("Validate = %v, want %s", err, want)
	}
}

// TestSyntaxLines checks the line of YAML syntax errors, which yaml.v3
// reports 0-based for parser errors.
func TestSyntaxLines(t *testing.T) {
	cases := []struct{ doc, want string }{
		{"a: 1\nb: 2\nc: {x: ${Y}}\n", "f.yaml:3: did not find expected ',' or '}'"},
		{"a: 1\nb: [1, 2\nc: 3\n", "f.yaml:2: did not find expected ',' or ']'"},
		{"a: 1\nb: 2\n  c: 3\n", "f.yaml:3: mapping values are not allowed in this context"},
		{"a: 1\nb: 2\nc: \"x\n", "f.yaml:3: found unexpected end of stream"},
		{"a: 1\nb: 2\nc: @x\n", "f.yaml:3: found character that cannot start any token"},
	}
	for _, tc := range cases {
		_, err := parse("f.yaml", []byte(tc.doc), func(string) (string, bool) { return "", false })
		if err == nil || err.Error() != tc.want {
			t.Errorf("parse(%q) = %v, want %s", tc.doc, err, tc.want)
		}
	}
}

// TestDeprecatedHoursPerWeek: hours_per_week, the old name of
// hours_per_session, is still read, with a warning placed at the key, and
// a problem with its value is reported under the name the file used.
func TestDeprecatedHoursPerWeek(t *testing.T) {
	setEnv(t)
	const file = "testdata/deprecated-hours.good.yaml"
	c, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if c.HomeTeaching.HoursPerSession != 3 || c.HomeTeaching.HoursPerWeek != nil || c.Norms().HomeTeachingHoursPerSession != 3 {
		t.Errorf("hours_per_session = %d (hours_per_week %v), want 3 from the old key", c.HomeTeaching.HoursPerSession, c.HomeTeaching.HoursPerWeek)
	}
	const want = file + ":5:19: home_teaching.hours_per_week: deprecated: the norm is class hours per session (每次2课时), not per week; rename the key to hours_per_session"
	if ws := c.Warnings(); len(ws) != 1 || ws[0].Localize(i18n.NewPrinter(i18n.English)) != want {
		t.Errorf("warnings = %v, want [%s]", ws, want)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "baoxue.yaml")
	t.Setenv("BAOXUE_TEST_HOURS", "0")
	if err := os.WriteFile(bad, []byte("home_teaching: {hours_per_week: \"${BAOXUE_TEST_HOURS}\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(bad)
	if want := bad + ":1:33: home_teaching.hours_per_week: must be at least 1, got ${BAOXUE_TEST_HOURS} (value hidden)"; err == nil || en(err) != want {
		t.Errorf("Load = %v, want %s", err, want)
	}
}

// TestSpecExampleIsVerbatim keeps testdata/spec.good.yaml, which
// TestLoadSpecExample loads, the baoxue.yaml example of SPEC §8.
func TestSpecExampleIsVerbatim(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join("..", "docs", "SPEC.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(spec), "\n## 8. ")
	_, block, ok := strings.Cut(section, "```yaml\n")
	block, _, _ = strings.Cut(block, "```")
	fixture, err := os.ReadFile("testdata/spec.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(fixture), "\n") // after the fixture's own comment
	if !ok || body != block {
		t.Errorf("testdata/spec.good.yaml differs from the example of SPEC §8:\n%s\nwant:\n%s", body, block)
	}
}

// TestLang: lang is read in the forms i18n.ParseLang knows and stored as
// zh or en; left out, it is "" (Chinese); anything else is a problem at
// its line, without the value when it came from the environment.
func TestLang(t *testing.T) {
	setEnv(t)
	t.Setenv("BAOXUE_TEST_LANG", "klingon")
	none := func(string) (string, bool) { return "", false }
	for _, tc := range []struct {
		doc  string
		want i18n.Lang
	}{
		{"timezone: Asia/Shanghai\n", ""},
		{"lang: zh\n", i18n.Chinese},
		{"lang: en\n", i18n.English},
		{"lang: English\n", i18n.English},
		{"lang: zh_CN.UTF-8\n", i18n.Chinese},
		{"lang: \"\"\n", ""},
	} {
		c, err := parse("f.yaml", []byte(tc.doc), none)
		if err != nil || c.Lang != tc.want {
			t.Errorf("parse(%q): Lang = %q, %v; want %q", tc.doc, c.Lang, err, tc.want)
		}
	}
	for _, tc := range []struct{ doc, en, zh string }{
		{"timezone: Asia/Shanghai\nlang: fr\n",
			`f.yaml:2:7: lang: unknown language "fr" (want zh or en)`,
			`f.yaml:2:7: lang: 不支持的语言 "fr"（可用 zh 或 en）`},
		{"lang: ${BAOXUE_TEST_LANG}\n",
			`f.yaml:1:7: lang: unknown language ${BAOXUE_TEST_LANG} (value hidden) (want zh or en)`,
			`f.yaml:1:7: lang: 不支持的语言 ${BAOXUE_TEST_LANG}（值已隐藏）（可用 zh 或 en）`},
	} {
		_, err := parse("f.yaml", []byte(tc.doc), os.LookupEnv)
		if err == nil || en(err) != tc.en || err.Error() != tc.zh {
			t.Errorf("parse(%q) = %v\nwant %s\nand  %s", tc.doc, err, tc.zh, tc.en)
		}
	}
	if c := Default(); c.Lang != "" || c.Validate() != nil {
		t.Errorf("Default().Lang = %q", c.Lang)
	}
}

// TestBarePathDSN: a bare path of a SQLite file is read as the store reads
// it (--db city.db), not refused as an unknown kind of database.
func TestBarePathDSN(t *testing.T) {
	for dsn, ok := range map[string]bool{"city.db": true, "data/x.sqlite": true, "sqlite:x.db": false, "city": false} {
		c := Default()
		c.Database.DSN = dsn
		if err := c.Validate(); (err == nil) != ok {
			t.Errorf("Validate with dsn %q = %v, want ok %v", dsn, err, ok)
		}
	}
}
