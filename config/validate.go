package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"baoxue/i18n"
	"baoxue/inputerr"
)

// Validate checks every value and returns all problems at once as an
// inputerr.List sorted by position (nil when there are none), each placed at FILE:LINE:COL when the config
// came from a file. It checks that the timezone loads; cron specs parse
// with robfig/cron's standard parser or are "off"; the DSN is file:… or
// postgres://…; counts, sizes and durations are positive; channel names are
// unique, types known, each type's required fields present and no field
// set that the type does not use; notifier.default and routes name existing
// channels. Messages never quote URLs, secrets or DSNs. Validate does not
// touch the file system or the network.
func (c *Config) Validate() error {
	v := validator{src: &c.src}
	v.lang(c.Lang)
	v.timezone(c.Timezone)
	v.dsn(c.Database.DSN)
	v.http(c.HTTP)
	v.schedules(c.Schedules)
	v.atLeast("pairing.max_per_teacher", c.Pairing.MaxPerTeacher, 1)
	v.atLeast("home_teaching.sessions_per_week", c.HomeTeaching.SessionsPerWeek, 1)
	v.atLeast("home_teaching.hours_per_session", c.HomeTeaching.HoursPerSession, 1)
	v.ledger(c.Ledger)
	v.positive("retention.graduated", c.Retention.Graduated)
	v.positive("retention.survey", c.Retention.Survey)
	if c.Import.XLSXMaxBytes <= 0 {
		v.add("import.xlsx_max_bytes", "config.size.positive", v.show("import.xlsx_max_bytes", c.Import.XLSXMaxBytes))
	}
	v.atLeast("import.max_rows", c.Import.MaxRows, 1)
	v.atLeast("import.max_columns", c.Import.MaxColumns, 1)
	v.notifier(c.Notifier)
	v.probs.Sort()
	return v.probs.Err()
}

// validator collects problems placed by the source's positions.
type validator struct {
	src   *source
	probs inputerr.List
}

// add records the problem of the catalog message key with args at key.
func (v *validator) add(key, msg string, args ...any) {
	p := v.src.at(key)
	p.Msg = i18n.M(msg, args...)
	v.probs = append(v.probs, &p)
}

func (v *validator) atLeast(key string, n, least int) {
	if n < least {
		v.add(key, "config.at_least", least, v.show(key, n))
	}
}

func (v *validator) positive(key string, d Duration) {
	if d <= 0 {
		v.add(key, "config.duration.positive", v.show(key, d))
	}
}

// lang checks the language of messages: "" (Chinese, the default) or what
// i18n.ParseLang reads (zh, en, …).
func (v *validator) lang(l i18n.Lang) {
	if _, err := i18n.ParseLang(string(l)); err != nil {
		v.add("lang", "config.lang.unknown", v.show("lang", string(l)))
	}
}

func (v *validator) timezone(tz string) {
	if tz == "" {
		v.add("timezone", "config.timezone.required")
		return
	}
	if _, err := time.LoadLocation(tz); err != nil {
		v.add("timezone", "config.timezone.unknown", v.show("timezone", tz))
	}
}

// dsn never quotes the DSN: a PostgreSQL URL may carry a password.
func (v *validator) dsn(dsn string) {
	switch {
	case dsn == "":
		v.add("database.dsn", "config.dsn.required")
	case strings.HasPrefix(dsn, "file:"):
		if len(dsn) == len("file:") {
			v.add("database.dsn", "config.dsn.file")
		}
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		if _, err := url.Parse(dsn); err != nil {
			v.add("database.dsn", "config.dsn.postgres")
		}
	case !strings.Contains(dsn, ":") && (strings.HasSuffix(dsn, ".db") || strings.HasSuffix(dsn, ".sqlite")):
		// A bare path of a SQLite file, as the store reads it (--db
		// city.db): nothing to check before it is opened.
	default:
		v.add("database.dsn", "config.dsn.unknown")
	}
}

func (v *validator) http(h HTTP) {
	if h.Listen == "" {
		v.add("http.listen", "config.listen.required")
	} else if _, port, err := net.SplitHostPort(h.Listen); err != nil {
		v.add("http.listen", "config.listen.bad")
	} else if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		v.add("http.listen", "config.listen.port", v.show("http.listen", port))
	}
	// Placed at the one given: the other is missing.
	switch {
	case h.TLSCert != "" && h.TLSKey == "":
		v.add("http.tls_cert", "config.tls.missing", "tls_cert", "tls_key")
	case h.TLSKey != "" && h.TLSCert == "":
		v.add("http.tls_key", "config.tls.missing", "tls_key", "tls_cert")
	}
	if h.PublicURL != "" && !isHTTPURL(h.PublicURL) {
		v.add("http.public_url", "config.url.http")
	}
}

// show quotes a value for a message, or names the environment variable it
// came from (a message: "${NAME} (value hidden)"): such a value may be a
// secret.
func (v *validator) show(key string, val any) any {
	if name, ok := v.src.vars[key]; ok {
		return i18n.M("config.value_hidden", ref(name))
	}
	if s, ok := val.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(val)
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func (v *validator) schedules(s Schedules) {
	for _, job := range []struct{ key, spec string }{
		{"schedules.evaluate", s.Evaluate},
		{"schedules.home_teaching", s.HomeTeaching},
		{"schedules.escalate", s.Escalate},
		{"schedules.campaigns.march", s.Campaigns.March},
		{"schedules.campaigns.may", s.Campaigns.May},
		{"schedules.campaigns.september", s.Campaigns.September},
	} {
		switch {
		case job.spec == Off:
		case job.spec == "":
			v.add(job.key, "config.cron.empty")
		default:
			_, err := cron.ParseStandard(job.spec)
			switch _, fromEnv := v.src.vars[job.key]; {
			case err != nil && fromEnv: // the error quotes the spec
				v.add(job.key, "config.cron.env", ref(v.src.vars[job.key]))
			case err != nil:
				v.add(job.key, "config.cron.bad", job.spec, err)
			}
		}
	}
	if s.CatchUp < 0 {
		v.add("schedules.catch_up", "config.catch_up.negative")
	}
}

func (v *validator) ledger(l Ledger) {
	r := l.CompulsoryAge
	if r.From < 0 || r.From > r.To || r.To > 30 {
		v.add("ledger.compulsory_age", "config.age_range", strconv.Itoa(r.From), strconv.Itoa(r.To))
	}
	v.atLeast("ledger.suspected_dropout_days", l.SuspectedDropoutDays, 1)
}
