package config

import (
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	env := map[string]string{"HOST": "db", "EMPTY": "", "PW": "p$w"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cases := []struct {
		in, want, first, err string
	}{
		{in: "plain", want: "plain"},
		{in: "postgres://${HOST}/baoxue", want: "postgres://db/baoxue", first: "HOST"},
		{in: "${HOST}:${PW}", want: "db:p$w", first: "HOST"},
		{in: "${MISSING:-fallback}", want: "fallback", first: "MISSING"},
		{in: "${EMPTY:-fallback}", want: "fallback", first: "EMPTY"},
		{in: "${EMPTY}", want: "", first: "EMPTY"},
		{in: "${MISSING:-}", want: "", first: "MISSING"},
		{in: "cost $5 and $$HOME", want: "cost $5 and $HOME"},
		{in: "$${HOST}", want: "${HOST}"},
		{in: "trailing $", want: "trailing $"},
		{in: "${MISSING}", err: "environment variable MISSING is not set"},
		{in: "${1X}", err: "bad variable reference ${1X}"},
		{in: "${}", err: "bad variable reference ${}"},
		{in: "${HOST", err: "unterminated ${"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, first, err := expand(tc.in, lookup)
			if tc.err != "" {
				if err == nil || !strings.Contains(en(err), tc.err) {
					t.Fatalf("expand(%q) error = %v, want %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want || first != tc.first {
				t.Errorf("expand(%q) = %q, %q, %v; want %q, %q", tc.in, got, first, err, tc.want, tc.first)
			}
		})
	}
}

// TestExpandedTypes checks that an expanded value is typed by its text, not
// by the quotes around the reference, except that it is never null.
func TestExpandedTypes(t *testing.T) {
	const doc = `
notifier:
  channels:
    - name: "${NAME}"
      type: wecom
      corp_id: "${CORP}"
      agent_id: "${AGENT}"
      secret: ${SECRET}
`
	cases := []struct {
		name   string
		env    map[string]string
		agent  int64
		corp   string
		secret string
	}{
		{"numbers", map[string]string{"NAME": "t", "AGENT": "1000002", "CORP": "12", "SECRET": "007"}, 1000002, "12", "007"},
		{"null-like secret", map[string]string{"NAME": "t", "AGENT": "5", "CORP": "true", "SECRET": "null"}, 5, "true", "null"},
		{"tilde", map[string]string{"NAME": "t", "AGENT": "5", "CORP": "~", "SECRET": "a: b # c"}, 5, "~", "a: b # c"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse("baoxue.yaml", []byte(doc), func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if err != nil {
				t.Fatal(err)
			}
			ch := c.Notifier.Channels[0]
			if ch.AgentID != tc.agent || ch.CorpID != tc.corp || ch.Secret != tc.secret {
				t.Errorf("channel = agent %d corp %q secret %q, want %d %q %q", ch.AgentID, ch.CorpID, ch.Secret, tc.agent, tc.corp, tc.secret)
			}
		})
	}
}
