package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"baoxue/inputerr"
)

// FuzzConfig: whatever the bytes of baoxue.yaml, the loader returns a
// validated config or an inputerr.List, in bounded time, without panicking; and no
// problem shows a value that came from the environment (a secret), unless
// the file itself spelled it out. Seeded with every fixture in testdata and
// a few hostile documents.
//
//	go test -run XXX -fuzz=FuzzConfig -fuzztime=10s ./config/
func FuzzConfig(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	if len(files) == 0 {
		f.Fatal("no fixtures in testdata")
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"",
		"~",
		"database: {dsn: \"${BAOXUE_TEST_DSN}\"}\n",
		"database: {dsn: \"${BAOXUE_TEST_DSN:-file:x.db}\"}\nrules: \"${HOOK_SECRET}\"\n",
		"timezone: ${WECOM_SECRET}\nhttp: {listen: \"${SMTP_PASSWORD}\"}\n",
		"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
		strings.Repeat("[", 5000) + strings.Repeat("]", 5000),
		"notifier: {channels: [{name: x, type: wecom, url: \"${" + strings.Repeat("A", 10000) + "}\"}]}\n",
		"schedules: {evaluate: \"${WECOM_CORP}\"}\npairing: {max_per_teacher: \"${HOOK_SECRET}\"}\n",
		"home_teaching: {hours_per_week: 2, hours_per_session: 3}\n",
		"\xef\xbb\xbftimezone: Asia/Shanghai\n",
		"timezone: \x00\n",
	} {
		f.Add([]byte(s))
	}
	env := secrets()
	env["BAOXUE_TEST_DSN"] = "postgres://baoxue:dsn-password-Qe71@db/baoxue"
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	f.Fuzz(func(t *testing.T, data []byte) {
		type result struct {
			c   *Config
			err error
		}
		done := make(chan result, 1)
		go func() {
			c, err := parse("fuzz.yaml", data, lookup)
			done <- result{c, err}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("the loader did not return within 10s on %q", data)
		}
		if r.err == nil {
			if r.c == nil || r.c.Location == nil {
				t.Fatalf("no error and no usable config: %+v", r.c)
			}
			return
		}
		var ps inputerr.List
		if !errors.As(r.err, &ps) || len(ps) == 0 {
			t.Fatalf("error %v (%T) is not an inputerr.List", r.err, r.err)
		}
		msg := r.err.Error()
		for name, v := range env {
			if strings.Contains(msg, v) && !strings.Contains(string(data), v) {
				t.Errorf("a problem shows the value of %s: %s", name, msg)
			}
		}
	})
}
