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
		v.add("import.xlsx_max_bytes", "must be a positive size, got %s", v.show("import.xlsx_max_bytes", c.Import.XLSXMaxBytes))
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

func (v *validator) add(key, format string, args ...any) {
	p := v.src.at(key)
	p.Msg = i18n.Raw(fmt.Sprintf(format, args...))
	v.probs = append(v.probs, &p)
}

func (v *validator) atLeast(key string, n, least int) {
	if n < least {
		v.add(key, "must be at least %d, got %s", least, v.show(key, n))
	}
}

func (v *validator) positive(key string, d Duration) {
	if d <= 0 {
		v.add(key, "must be a positive duration, got %s", v.show(key, d))
	}
}

func (v *validator) timezone(tz string) {
	if tz == "" {
		v.add("timezone", "required, for example Asia/Shanghai")
		return
	}
	if _, err := time.LoadLocation(tz); err != nil {
		v.add("timezone", "unknown time zone %s", v.show("timezone", tz))
	}
}

// dsn never quotes the DSN: a PostgreSQL URL may carry a password.
func (v *validator) dsn(dsn string) {
	const want = "want file:PATH (SQLite) or postgres://… (PostgreSQL)"
	switch {
	case dsn == "":
		v.add("database.dsn", "required; %s", want)
	case strings.HasPrefix(dsn, "file:"):
		if len(dsn) == len("file:") {
			v.add("database.dsn", "file: needs a path, for example file:baoxue.db")
		}
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		if _, err := url.Parse(dsn); err != nil {
			v.add("database.dsn", "not a valid postgres:// URL")
		}
	default:
		v.add("database.dsn", "unknown kind of database; %s", want)
	}
}

func (v *validator) http(h HTTP) {
	if h.Listen == "" {
		v.add("http.listen", "required, for example 127.0.0.1:8080")
	} else if _, port, err := net.SplitHostPort(h.Listen); err != nil {
		v.add("http.listen", "want host:port, for example 127.0.0.1:8080")
	} else if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		v.add("http.listen", "bad port %s: want a number from 0 to 65535", v.show("http.listen", port))
	}
	if (h.TLSCert == "") != (h.TLSKey == "") {
		v.add("http", "tls_cert and tls_key go together: set both or neither")
	}
	if h.PublicURL != "" && !isHTTPURL(h.PublicURL) {
		v.add("http.public_url", "must be an absolute http:// or https:// URL")
	}
}

// show quotes a value for a message, or names the environment variable it
// came from: such a value may be a secret.
func (v *validator) show(key string, val any) string {
	if name, ok := v.src.vars[key]; ok {
		return "${" + name + "} (value hidden)"
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
			v.add(job.key, `empty: write a cron spec such as "0 19 * * *", or "off"`)
		default:
			_, err := cron.ParseStandard(job.spec)
			switch _, fromEnv := v.src.vars[job.key]; {
			case err != nil && fromEnv: // the error quotes the spec
				v.add(job.key, "the value of ${%s} is not a cron spec", v.src.vars[job.key])
			case err != nil:
				v.add(job.key, "bad cron spec %q: %v", job.spec, err)
			}
		}
	}
	if s.CatchUp < 0 {
		v.add("schedules.catch_up", "must not be negative (0 disables catching up)")
	}
}

func (v *validator) ledger(l Ledger) {
	r := l.CompulsoryAge
	if r.From < 0 || r.From > r.To || r.To > 30 {
		v.add("ledger.compulsory_age", "want 0 <= from <= to <= 30, got from %d to %d", r.From, r.To)
	}
	v.atLeast("ledger.suspected_dropout_days", l.SuspectedDropoutDays, 1)
}
