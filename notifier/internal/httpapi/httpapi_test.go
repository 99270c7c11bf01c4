package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"baoxue/notifier"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 3, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":            0,
		"120":         2 * time.Minute,
		"0":           0,
		"-5":          0,
		"soon":        0,
		"86400000":    MaxRetryAfter, // 1,000 days: capped
		"99999999999": MaxRetryAfter, // would overflow time.Duration
		now.Add(3 * 24 * time.Hour).Format(http.TimeFormat): MaxRetryAfter,
		now.Add(90 * time.Second).Format(http.TimeFormat):   90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):         0,
	} {
		if got := RetryAfter(v, now); got != want {
			t.Errorf("RetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestScrubKeepsRetryAndCutsSecrets(t *testing.T) {
	secret := "a+b/c=d secret"
	err := notifier.Retry(errors.New("failed: "+secret+" and a%2Bb%2Fc%3Dd+secret"), time.Minute)
	got := Scrub(err, secret, "")
	if strings.Contains(got.Error(), "a+b") || got.Error() != "failed: *** and ***" {
		t.Errorf("Scrub = %q", got)
	}
	if retry, after := notifier.Retryable(got); !retry || after != time.Minute {
		t.Errorf("Scrub lost the retry: %v %v", retry, after)
	}
	if retry, _ := notifier.Retryable(Scrub(errors.New("x"), secret)); retry {
		t.Error("Scrub made a failure retryable")
	}
	if Scrub(nil, secret) != nil {
		t.Error("Scrub(nil) is not nil")
	}
}

func TestShort(t *testing.T) {
	for in, want := range map[string]string{
		"invalid webhook url, hint: [1755605200056773468916791], from ip: 1.2.3.4": "invalid webhook url",
		"  two\n lines  ":        "two lines",
		strings.Repeat("预", 100): strings.Repeat("预", 53) + "…",
	} {
		if got := Short(in); got != want {
			t.Errorf("Short(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokenCachesAndInvalidates(t *testing.T) {
	now := time.Date(2025, 3, 3, 12, 0, 0, 0, time.UTC)
	calls := 0
	tok := &Token{
		Fetch: func(context.Context) (string, time.Duration, error) {
			calls++
			return string(rune('A' + calls - 1)), 2 * time.Hour, nil
		},
		Now: func() time.Time { return now },
	}
	ctx := context.Background()
	get := func() string {
		s, err := tok.Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if a, a2 := get(), get(); a != "A" || a2 != "A" || calls != 1 {
		t.Fatalf("got %s, %s after %d fetches", a, a2, calls)
	}
	tok.Invalidate("stale") // not the cached one: kept
	if get() != "A" {
		t.Error("invalidating another token dropped the cached one")
	}
	tok.Invalidate("A")
	if get() != "B" {
		t.Error("invalidated token still served")
	}
	now = now.Add(2*time.Hour - 4*time.Minute) // within the early-renewal margin
	if get() != "C" {
		t.Error("a token about to expire was still served")
	}
}

func TestTokenWaitGivesUpWithItsContext(t *testing.T) {
	release := make(chan struct{})
	tok := &Token{Fetch: func(ctx context.Context) (string, time.Duration, error) {
		<-release
		return "A", time.Hour, nil
	}}
	go func() { _, _ = tok.Get(context.Background()) }()
	time.Sleep(20 * time.Millisecond) // the first Get holds the fetch
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := tok.Get(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting Get = %v, want its deadline", err)
	}
	close(release)
}
