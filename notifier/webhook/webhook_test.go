package webhook

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/config"
	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/notifier"
	"baoxue/report"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

var sentAt = time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC)

// request is what the test server received.
type request struct {
	header http.Header
	body   []byte
}

// receiver is a webhook receiver on loopback that answers each request
// with the next of answers (the last one repeats) and keeps what it got.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []request
	answers []func(w http.ResponseWriter)
}

func newReceiver(t *testing.T, answers ...func(w http.ResponseWriter)) *receiver {
	r := &receiver{answers: answers}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, request{header: req.Header.Clone(), body: b})
		a := r.answers[min(len(r.got), len(r.answers))-1]
		r.mu.Unlock()
		a(w)
	}))
	t.Cleanup(r.Close)
	return r
}

func status(code int, header ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		fmt.Fprintf(w, "answer %d", code)
	}
}

func channel(t *testing.T, url, secret string) notifier.Channel {
	t.Helper()
	ch, err := New(config.Channel{Name: "hook", Type: config.TypeWebhook, URL: url, Secret: secret,
		Headers: map[string]string{"X-District": "500154"}, Timeout: config.Duration(2 * time.Second)},
		notifier.Deps{Now: func() time.Time { return sentAt }})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// message renders the shared fixture digest as a personal channel shows it.
func message(t *testing.T) *notifier.Message {
	t.Helper()
	b, err := os.ReadFile("../../report/testdata/digest.json")
	if err != nil {
		t.Fatal(err)
	}
	var d engine.Digest
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	r, err := report.RenderDigest(i18n.Default(), &d, report.DigestTo{Teacher: "T001", Name: "王芳"},
		report.DigestOptions{Mode: report.DigestPersonal, Link: "https://baoxue.example/t/T001"})
	if err != nil {
		t.Fatal(err)
	}
	return &notifier.Message{Key: "bx-0123456789abcdef0123456789abcdef", To: notifier.Recipient{Teacher: "T001", Name: "王芳"},
		Title: r.Title, Text: r.Text, Markdown: r.Markdown, HTML: r.HTML, Payload: r.Payload, SentAt: sentAt}
}

// TestGolden: the request a receiver gets, headers and body, is the golden
// file's; the signature is the HMAC of the exact body bytes; no identity
// number is in it, and the student's name is (a webhook is personal).
func TestGolden(t *testing.T) {
	rcv := newReceiver(t, status(204))
	if err := channel(t, rcv.URL+"/hook?key=SECRETKEY", "s3cret").Notify(context.Background(), message(t)); err != nil {
		t.Fatal(err)
	}
	got := rcv.got[0]
	if sig := got.header.Get("X-Baoxue-Signature"); sig != Sign([]byte("s3cret"), got.body) {
		t.Errorf("signature %s is not the HMAC of the body", sig)
	}
	var b Body
	if err := json.Unmarshal(got.body, &b); err != nil {
		t.Fatal(err)
	}
	if b.Key != got.header.Get("Idempotency-Key") || b.SentAt != "2026-03-10T11:00:00Z" {
		t.Errorf("body key %q (header %q), sent_at %q", b.Key, got.header.Get("Idempotency-Key"), b.SentAt)
	}
	var out strings.Builder
	for _, h := range []string{"Content-Type", "Idempotency-Key", "User-Agent", "X-Baoxue-Signature", "X-District"} {
		fmt.Fprintf(&out, "%s: %s\n", h, got.header.Get(h))
	}
	out.WriteString("\n")
	out.Write(got.body)
	out.WriteString("\n")
	golden(t, "testdata/request.golden", out.String())
	if m := regexp.MustCompile(`(^|[^0-9])([0-9]{17}[0-9Xx]|[0-9]{15})([^0-9Xx]|$)`).FindString(out.String()); m != "" {
		t.Errorf("an identity number in the request: %s", m)
	}
	if !strings.Contains(out.String(), "张三丰") {
		t.Error("the personal webhook does not name the student")
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
	}
}

// TestAnswers: 2xx is delivered; 408, 429 and 5xx are retried, after
// Retry-After when given; any other answer fails at once; no error shows
// the URL's key.
func TestAnswers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ans   func(w http.ResponseWriter)
		ok    bool
		retry bool
		after time.Duration
	}{
		{"200", status(200), true, false, 0},
		{"202", status(202), true, false, 0},
		{"408", status(408), false, true, 0},
		{"429 seconds", status(429, "Retry-After", "120"), false, true, 2 * time.Minute},
		{"503 date", status(503, "Retry-After", sentAt.Add(90*time.Second).Format(http.TimeFormat)), false, true, 90 * time.Second},
		{"500", status(500), false, true, 0},
		{"400", status(400), false, false, 0},
		{"404", status(404), false, false, 0},
		{"410", status(410), false, false, 0},
		{"302 not followed", status(302, "Location", "/elsewhere"), false, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rcv := newReceiver(t, tc.ans)
			err := channel(t, rcv.URL+"/hook?key=SECRETKEY", "").Notify(context.Background(), message(t))
			if (err == nil) != tc.ok {
				t.Fatalf("Notify = %v, want ok %v", err, tc.ok)
			}
			retry, after := notifier.Retryable(err)
			if retry != tc.retry || after != tc.after {
				t.Errorf("Retryable = %v, %v; want %v, %v (%v)", retry, after, tc.retry, tc.after, err)
			}
			if err != nil && (strings.Contains(err.Error(), "SECRETKEY") || !strings.Contains(err.Error(), "answer")) {
				t.Errorf("error %q: the URL's key shown, or the answer not", err)
			}
			if len(rcv.got) != 1 || rcv.got[0].header.Get("X-Baoxue-Signature") != "" {
				t.Errorf("%d requests; unsigned without a secret: %q", len(rcv.got), rcv.got[0].header.Get("X-Baoxue-Signature"))
			}
		})
	}
}

// TestUnreachable: a receiver that is not there is retried, and the error
// does not show the URL's key.
func TestUnreachable(t *testing.T) {
	rcv := newReceiver(t, status(200))
	url := rcv.URL + "/hook?key=SECRETKEY"
	rcv.Close()
	err := channel(t, url, "").Notify(context.Background(), message(t))
	if retry, _ := notifier.Retryable(err); !retry || strings.Contains(err.Error(), "SECRETKEY") {
		t.Errorf("Notify to a closed server = %v (retry %v)", err, retry)
	}
}

func TestRetryAfter(t *testing.T) {
	for v, want := range map[string]time.Duration{
		"": 0, "0": 0, "-5": 0, "30": 30 * time.Second, "soon": 0, "999999999": 24 * time.Hour,
		sentAt.Add(-time.Minute).Format(http.TimeFormat): 0,
		sentAt.Add(time.Hour).Format(http.TimeFormat):    time.Hour,
	} {
		if got := RetryAfter(v, sentAt); got != want {
			t.Errorf("RetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestSignatureIsOverExactBytes: a receiver that checks the signature over
// the bytes it got accepts the request; a changed byte fails the check.
func TestSignatureIsOverExactBytes(t *testing.T) {
	rcv := newReceiver(t, status(200))
	if err := channel(t, rcv.URL, "k").Notify(context.Background(), message(t)); err != nil {
		t.Fatal(err)
	}
	body := rcv.got[0].body
	sig := rcv.got[0].header.Get("X-Baoxue-Signature")
	if Sign([]byte("k"), body) != sig {
		t.Fatal("signature does not match the body")
	}
	changed := slices.Clone(body)
	changed[len(changed)/2] ^= 1
	if Sign([]byte("k"), changed) == sig {
		t.Error("a changed body has the same signature")
	}
}
