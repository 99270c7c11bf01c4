package store

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestRedactDSN: every place a DSN can carry a secret is redacted, and the
// rest (user, host, port, database, harmless parameters) is kept so that a
// message still says which database it is about.
func TestRedactDSN(t *testing.T) {
	for _, tc := range []struct {
		dsn, want string
		secrets   []string
	}{
		{"postgres://u:Pw-Secret1@db.example:5432/baoxue?sslmode=require",
			"postgres://u:xxxxx@db.example:5432/baoxue?sslmode=require", []string{"Pw-Secret1"}},
		{"postgresql://u:p%40ss%3Aw%2Frd@db/baoxue",
			"postgresql://u:xxxxx@db/baoxue", []string{"p%40ss%3Aw%2Frd", "p@ss:w/rd"}},
		{"postgres://u@db/baoxue?password=QuerySecret2&sslmode=disable",
			"postgres://u@db/baoxue?password=xxxxx&sslmode=disable", []string{"QuerySecret2"}},
		{"postgres://db/baoxue?sslpassword=KeyPass3&sslkey=-----BEGIN%20KEY-----abc&sslinline=true",
			"postgres://db/baoxue?sslpassword=xxxxx&sslkey=xxxxx&sslinline=true", []string{"KeyPass3", "-----BEGIN%20KEY-----abc"}},
		{"postgres://db/baoxue?PASSWORD=Upper4&x_password_y=Any5&client_secret=Sec6",
			"postgres://db/baoxue?PASSWORD=xxxxx&x_password_y=xxxxx&client_secret=xxxxx", []string{"Upper4", "Any5", "Sec6"}},
		{"postgres://db/baoxue?pass%77ord=Escaped7", "postgres://db/baoxue?pass%77ord=xxxxx", []string{"Escaped7"}},
		{"postgres://u:Frag8@db/baoxue#Frag9", "postgres://u:xxxxx@db/baoxue", []string{"Frag8", "Frag9"}},
		{"postgres://u:Pw10@db/baoxue?search_path=t_1&application_name=a%40b",
			"postgres://u:xxxxx@db/baoxue?search_path=t_1&application_name=a%40b", []string{"Pw10"}},
		// Not URLs: the parser gives up, the redaction does not.
		{"postgres://u:Bad Space11@db/baoxue", "postgres://u:xxxxx@db/baoxue", []string{"Bad Space11"}},
		{"postgres://u:Port12@db:xx/baoxue?password=Q13", "postgres://u:xxxxx@db:xx/baoxue?password=xxxxx", []string{"Port12", "Q13"}},
		{"postgres://u:at@in14@db/baoxue", "postgres://u:xxxxx@db/baoxue", []string{"at@in14"}},
		{"postgres://u:pa/ss?15@db/baoxue", "postgres://u:xxxxx@db/baoxue", []string{"pa/ss?15"}},
		{"postgres://u:pct%zz16@db/baoxue", "postgres://u:xxxxx@db/baoxue", []string{"pct%zz16"}},
		// A password starting with digits and holding '/', '?' or '#' reads
		// as a host and port to a URL parser.
		{"postgres://bob:1234/Secret21@127.0.0.1:1/baoxue", "postgres://bob:xxxxx@127.0.0.1:1/baoxue", []string{"1234/Secret21"}},
		{"postgres://bob:5432?Secret22@127.0.0.1:1/baoxue", "postgres://bob:xxxxx@127.0.0.1:1/baoxue", []string{"5432?Secret22"}},
		{"postgres://bob:1234#Sec23@db/x", "postgres://bob:xxxxx@db/x", []string{"1234#Sec23"}},
		// key=value DSNs, as lib/pq reads them.
		{"host=db user=u password=KV17 dbname=baoxue", "host=db user=u password=xxxxx dbname=baoxue", []string{"KV17"}},
		{"host=db password = 'quoted \\' KV18' sslmode=disable", "host=db password=xxxxx sslmode=disable", []string{"quoted ' KV18", `quoted \' KV18`}},
		{"host=db sslpassword=KV19 sslkey=/etc/k.pem", "host=db sslpassword=xxxxx sslkey=xxxxx", []string{"KV19", "/etc/k.pem"}},
		{"host=db password='unterminated KV20", "host=db password=xxxxx …", []string{"unterminated KV20"}},
		{"host=db password", "host=db …", nil},
		// SQLite holds no secret.
		{"file:baoxue.db", "file:baoxue.db", nil},
		{"file:/var/lib/baoxue/b.db?_pragma=busy_timeout(100)", "file:/var/lib/baoxue/b.db?_pragma=busy_timeout(100)", nil},
	} {
		t.Run(tc.dsn, func(t *testing.T) {
			got := RedactDSN(tc.dsn)
			if got != tc.want {
				t.Errorf("RedactDSN = %q, want %q", got, tc.want)
			}
			for _, s := range tc.secrets {
				if strings.Contains(got, s) {
					t.Errorf("RedactDSN = %q shows %q", got, s)
				}
			}
			// A driver or parser error quoting the DSN, in any spelling,
			// comes out scrubbed.
			err := fmt.Errorf("dial %s / %q / %s: %w", tc.dsn, tc.dsn, url.QueryEscape(tc.dsn), errors.ErrUnsupported)
			for _, s := range tc.secrets {
				err = fmt.Errorf("%w (%s)", err, s)
			}
			clean := scrub(err, tc.dsn)
			for _, s := range tc.secrets {
				if strings.Contains(clean.Error(), s) {
					t.Errorf("scrub left %q in %q", s, clean)
				}
			}
			if !errors.Is(clean, errors.ErrUnsupported) {
				t.Errorf("scrub lost the wrapped error")
			}
		})
	}
}

// TestParseDSNNeverQuotesASecret: the errors and the Where of a DSN the
// store refuses or opens show no secret.
func TestParseDSNNeverQuotesASecret(t *testing.T) {
	for _, dsn := range []string{
		"postgres://u:Sekrit-1@db:xx/baoxue",
		"postgres://u:Sekrit-1 x@db/baoxue",
		"postgres://u@db/baoxue?password=Sekrit-1",
		"host=db password=Sekrit-1",
		"mysql://u:Sekrit-1@db/baoxue",
	} {
		_, _, _, where, err := parseDSN(dsn, OpenOptions{})
		if strings.Contains(where, "Sekrit-1") || err != nil && strings.Contains(err.Error(), "Sekrit-1") {
			t.Errorf("%s: where %q, error %v", dsn, where, err)
		}
	}
}
