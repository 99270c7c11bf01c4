package notifier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"baoxue/config"
	"baoxue/engine"
	"baoxue/notifier"
	"baoxue/store/storetest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestLogGolden: the log channel's lines for the fixture digest, and for a
// long one, are the golden file's: names masked, no message, no sensitive
// rule, no identity number; each line is one JSON object.
func TestLogGolden(t *testing.T) {
	st := storetest.SQLite(t)
	teachers(t, st, teacher("T001"), teacher("T002"))
	queue(t, st, fixture(t), nil, "T001")
	queue(t, st, fixture(t), func(d *engine.Digest) {
		for range 150 {
			d.Alerts = append(d.Alerts, d.Alerts[0])
		}
	}, "T002")
	var out bytes.Buffer
	chans, err := notifier.New(config.Notifier{Channels: []config.Channel{{Name: "log", Type: config.TypeLog}}}, notifier.Deps{Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	clock := newClock()
	d := dispatcher(t, st, config.Notifier{Default: "log"}, chans, clock, "a")
	if sum, err := d.Flush(context.Background(), 0); err != nil || sum.Sent != 2 {
		t.Fatalf("Flush = %+v, %v", sum, err)
	}
	got := out.String()
	if *update {
		os.WriteFile("testdata/log.golden", []byte(got), 0o644)
	}
	want, err := os.ReadFile("testdata/log.golden")
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("log lines differ from testdata/log.golden (go test -update rewrites it):\n%s", got)
	}
	lines := strings.Split(strings.TrimSpace(got), "\n")
	for _, line := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Errorf("not a JSON line: %v\n%s", err, line)
		}
		if len(v["text"].(string)) > notifier.LogMaxBytes {
			t.Errorf("a text of %d bytes, more than %d", len(v["text"].(string)), notifier.LogMaxBytes)
		}
	}
	if len(lines) != 2 || !strings.Contains(lines[1], "另有 ") {
		t.Errorf("the long digest was not cut: %d lines", len(lines))
	}
	for _, secret := range []string{"张三丰", "李小红", "王老师", "留守儿童", "left-behind-absence", "近14天", "500234"} {
		if strings.Contains(got, secret) {
			t.Errorf("the log shows %q", secret)
		}
	}
	if m := regexp.MustCompile(`(^|[^0-9])([0-9]{17}[0-9Xx]|[0-9]{15})([^0-9Xx]|$)`).FindString(got); m != "" {
		t.Errorf("an identity number in the log: %s", m)
	}
}
