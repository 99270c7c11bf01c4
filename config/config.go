package config

import (
	"time"
	// Embed the time zone database so Asia/Shanghai loads on machines
	// without one (Windows desktops, distroless images).
	_ "time/tzdata"

	"baoxue/i18n"
	"baoxue/inputerr"
	"baoxue/rules"
)

// Off is the schedule value that disables a job.
const Off = "off"

// DatabaseURLEnv is the environment variable that, when set and not empty,
// replaces database.dsn (SPEC §2). Load and LoadOrDefault apply it.
const DatabaseURLEnv = "BAOXUE_DATABASE_URL"

// Config is baoxue.yaml. The zero value is not useful: start from Default or
// Load. Every field documents its default.
type Config struct {
	// Lang is the language of what baoxue prints (summaries, messages,
	// warnings): "zh" (Chinese) or "en" (English), in any form
	// i18n.ParseLang reads ("english", "zh_CN.UTF-8"); another value is a
	// problem of the file. Load stores it as i18n.Chinese or i18n.English,
	// and "" when the file does not give it, which means Chinese. The
	// command line's --lang and BAOXUE_LANG take precedence. Default "".
	Lang i18n.Lang `yaml:"lang"`
	// Timezone is the IANA zone in which dates, school days and schedules
	// are read. Default "Asia/Shanghai".
	Timezone string `yaml:"timezone"`
	// Location is Timezone loaded; set by Default and Load.
	Location *time.Location `yaml:"-"`
	// Database selects the store.
	Database Database `yaml:"database"`
	// Rules is the rule file or directory; relative paths are relative to
	// the config file. Default "": the built-in default rules.
	Rules string `yaml:"rules"`
	// HTTP configures the daemon's HTTP server.
	HTTP HTTP `yaml:"http"`
	// Schedules are the daemon's cron jobs.
	Schedules Schedules `yaml:"schedules"`
	// Pairing configures one-to-one pairing (一对一帮扶).
	Pairing Pairing `yaml:"pairing"`
	// HomeTeaching is the weekly home-teaching (送教上门) norm.
	HomeTeaching HomeTeaching `yaml:"home_teaching"`
	// Ledger configures the campaign reconciliation (台账).
	Ledger Ledger `yaml:"ledger"`
	// Retention configures how long personal data is kept (SPEC §10).
	Retention Retention `yaml:"retention"`
	// Import bounds what reading one imported file may cost (SPEC §4).
	Import Import `yaml:"import"`
	// Notifier configures the notification channels.
	Notifier Notifier `yaml:"notifier"`

	src      source
	warnings []inputerr.Error
}

// Database selects the store.
type Database struct {
	// DSN is "file:PATH" for SQLite or "postgres://…" / "postgresql://…"
	// for PostgreSQL. Default "file:baoxue.db"; BAOXUE_DATABASE_URL, when
	// set, replaces it.
	DSN string `yaml:"dsn"`
}

// HTTP configures the daemon's HTTP server.
type HTTP struct {
	// Listen is the host:port to serve on. Default "127.0.0.1:8080".
	Listen string `yaml:"listen"`
	// TLSCert and TLSKey are PEM files; both or neither. Relative paths are
	// relative to the config file. Default "": plain HTTP.
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`
	// PublicURL is the absolute http(s) URL teachers reach the server at,
	// used for links in notifications. Default "": no links.
	PublicURL string `yaml:"public_url"`
}

// Schedules are robfig/cron standard specs (5 fields or @descriptors) read
// in Config.Timezone; Off disables a job.
type Schedules struct {
	// Evaluate runs the rules; it runs only on school days. Default
	// "0 19 * * *".
	Evaluate string `yaml:"evaluate"`
	// HomeTeaching runs the weekly home-teaching check. Default "0 18 * * 0".
	HomeTeaching string `yaml:"home_teaching"`
	// Escalate escalates overdue tasks; school days only. Default
	// "0 12 * * *".
	Escalate string `yaml:"escalate"`
	// Campaigns are the campaign runs (SPEC §9).
	Campaigns Campaigns `yaml:"campaigns"`
	// CatchUp is the window within which a run missed while the daemon was
	// down runs once on start, at its own date; 0 disables. Default 7d.
	CatchUp Duration `yaml:"catch_up"`
}

// Campaigns are the campaign schedules; each runs on the first school day
// on or after the time the spec gives.
type Campaigns struct {
	// March is 控辍保学活动月. Default "0 8 1 3 *".
	March string `yaml:"march"`
	// May is 攻坚月. Default "0 8 1 5 *".
	May string `yaml:"may"`
	// September is 控辍保学活动月. Default "0 8 1 9 *".
	September string `yaml:"september"`
}

// Spec returns the schedule of the campaign called name ("march", "may" or
// "september") and whether there is one.
func (c Campaigns) Spec(name string) (string, bool) {
	switch name {
	case "march":
		return c.March, true
	case "may":
		return c.May, true
	case "september":
		return c.September, true
	}
	return "", false
}

// Pairing configures one-to-one pairing (一对一帮扶).
type Pairing struct {
	// MaxPerTeacher caps the students paired with one teacher. Default 5.
	MaxPerTeacher int `yaml:"max_per_teacher"`
}

// HomeTeaching is the weekly home-teaching norm (送教上门, the notice's
// 每周1次，每次2课时): a home-taught student with fewer than SessionsPerWeek
// sessions of at least HoursPerSession class hours each in the last 7 days
// is an alert. Rules read it as norms.home_teaching_sessions_per_week and
// norms.home_teaching_hours_per_session.
type HomeTeaching struct {
	// SessionsPerWeek is the sessions owed each week. Default 1.
	SessionsPerWeek int `yaml:"sessions_per_week"`
	// HoursPerSession is the class hours (课时) each session lasts at
	// least; shorter sessions do not add up. Default 2.
	HoursPerSession int `yaml:"hours_per_session"`
	// HoursPerWeek is the deprecated name of HoursPerSession, which it
	// always meant: Load copies it there and warns (Warnings). Giving both
	// is a problem. nil when the file does not give it.
	//
	// Deprecated: use HoursPerSession.
	HoursPerWeek *int `yaml:"hours_per_week"`
}

// Ledger configures the campaign reconciliation (台账).
type Ledger struct {
	// CompulsoryAge is the compulsory-education age range, in full years at
	// the evaluation date, both ends included.
	CompulsoryAge AgeRange `yaml:"compulsory_age"`
	// SuspectedDropoutDays is the unexcused-absence streak, in school days,
	// from which an enrolled student is a suspected dropout, for the ledger
	// and for the rules (norms.suspected_dropout_days). Default 10.
	SuspectedDropoutDays int `yaml:"suspected_dropout_days"`
}

// AgeRange is an inclusive range of ages in full years. Default 6–15.
type AgeRange struct {
	From int `yaml:"from"`
	To   int `yaml:"to"`
}

// Contains reports whether age lies in the range, both ends included.
func (r AgeRange) Contains(age int) bool { return age >= r.From && age <= r.To }

// Retention configures how long personal data is kept (SPEC §10).
type Retention struct {
	// Graduated is how long graduated and deceased students' personal data
	// is kept. Default 3y (3×365 days).
	Graduated Duration `yaml:"graduated"`
	// Survey is how long surveyed children who are not students are kept.
	// Default 2y.
	Survey Duration `yaml:"survey"`
}

// Import bounds what reading one XLSX workbook of `baoxue import` may cost,
// so that a damaged or hostile file (one of a megabyte that unzips to
// gigabytes) is refused at once with a message naming the key to raise
// (SPEC §4). The defaults are far above any real district's roster; the
// importer has the same ones (importer.Limits).
type Import struct {
	// XLSXMaxBytes caps the unzipped size of the parts of a workbook that
	// are read: its first sheet, its shared strings (held in memory, so
	// this also bounds the memory an import takes) and its list of sheets.
	// Default 512MiB: some 200,000–280,000 rows of 60 filled columns as
	// Excel writes them; a larger roster comes as CSV, which is not
	// limited.
	XLSXMaxBytes ByteSize `yaml:"xlsx_max_bytes"`
	// MaxRows caps the number of the last row of the first sheet that has a
	// value, header included. Default 5000000: above a province's roster,
	// and above the 1,048,576 rows a sheet of Excel can have.
	MaxRows int `yaml:"max_rows"`
	// MaxColumns caps the column of any value of the first sheet (A is 1);
	// cells without a value do not count. Default 300: a full registry
	// export has about 100 columns.
	MaxColumns int `yaml:"max_columns"`
}

// Default returns the built-in configuration used when there is no
// baoxue.yaml: SQLite "file:baoxue.db", Asia/Shanghai, the built-in rules,
// one log channel, and the schedules of SPEC §8. It does not read the
// environment: LoadOrDefault applies BAOXUE_DATABASE_URL.
func Default() *Config {
	norms := rules.DefaultNorms()
	c := &Config{
		Timezone: "Asia/Shanghai",
		Database: Database{DSN: "file:baoxue.db"},
		HTTP:     HTTP{Listen: "127.0.0.1:8080"},
		Schedules: Schedules{
			Evaluate:     "0 19 * * *",
			HomeTeaching: "0 18 * * 0",
			Escalate:     "0 12 * * *",
			Campaigns:    Campaigns{March: "0 8 1 3 *", May: "0 8 1 5 *", September: "0 8 1 9 *"},
			CatchUp:      Duration(7 * day),
		},
		Pairing: Pairing{MaxPerTeacher: 5},
		HomeTeaching: HomeTeaching{
			SessionsPerWeek: norms.HomeTeachingSessionsPerWeek,
			HoursPerSession: norms.HomeTeachingHoursPerSession,
		},
		Ledger:    Ledger{CompulsoryAge: AgeRange{From: 6, To: 15}, SuspectedDropoutDays: norms.SuspectedDropoutDays},
		Retention: Retention{Graduated: Duration(3 * 365 * day), Survey: Duration(2 * 365 * day)},
		Import:    Import{XLSXMaxBytes: 512 << 20, MaxRows: 5_000_000, MaxColumns: 300},
		Notifier:  defaultNotifier(),
	}
	c.fill()
	return c
}

// fill sets what is derived or defaulted after decoding: the location, the
// notifier's default channel and per-channel defaults.
func (c *Config) fill() {
	if loc, err := time.LoadLocation(c.Timezone); err == nil && c.Timezone != "" {
		c.Location = loc
	}
	c.Notifier.fill()
}

// Norms returns the configured thresholds that rules read as `norms`
// (SPEC §5): home_teaching.sessions_per_week, home_teaching.hours_per_session
// and ledger.suspected_dropout_days. The engine takes them in its Options,
// so that a rule and the ledger cannot disagree.
func (c *Config) Norms() rules.Norms {
	return rules.Norms{
		HomeTeachingSessionsPerWeek: c.HomeTeaching.SessionsPerWeek,
		HomeTeachingHoursPerSession: c.HomeTeaching.HoursPerSession,
		SuspectedDropoutDays:        c.Ledger.SuspectedDropoutDays,
	}
}

// Warnings returns what Load accepted but the file should change, such as a
// deprecated key, each placed at FILE:LINE:COL with its key. The command
// line prints them; they never stop a load.
func (c *Config) Warnings() []inputerr.Error { return c.warnings }
