package httpapi

import (
	"context"
	"sync"
	"time"
)

// Token caches an application's access token (WeCom and DingTalk both hand
// one out for 7,200 s) until shortly before it expires, and fetches a new
// one when it has none, when it has expired, or after Invalidate. Its zero
// value is not usable: set Fetch. Safe for concurrent use; concurrent
// callers wait for one fetch rather than each making their own.
type Token struct {
	// Fetch asks the platform for a token and how long it lives.
	Fetch func(ctx context.Context) (token string, ttl time.Duration, err error)
	// Now is the clock; nil is time.Now.
	Now func() time.Time

	// lock is a one-slot semaphore rather than a mutex so that a caller
	// waiting behind a slow fetch gives up when its context ends.
	lock  chan struct{}
	once  sync.Once
	tok   string
	until time.Time
}

// minTTL is how long a token is kept when the platform gives no lifetime.
const minTTL = 5 * time.Minute

// Get returns the cached token, fetching one when needed.
func (t *Token) Get(ctx context.Context) (string, error) {
	t.once.Do(func() { t.lock = make(chan struct{}, 1) })
	select {
	case t.lock <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-t.lock }()
	now := t.now()
	if t.tok != "" && now.Before(t.until) {
		return t.tok, nil
	}
	tok, ttl, err := t.Fetch(ctx)
	if err != nil {
		return "", err
	}
	if ttl <= 0 {
		ttl = minTTL
	}
	// Renew a little early: a token that expires in flight costs a retry.
	t.tok, t.until = tok, now.Add(ttl-min(ttl/10, minTTL))
	return tok, nil
}

// Invalidate drops tok, which the platform said has expired or is invalid,
// so that the next Get fetches a new one. A token other than the cached
// one (another caller already replaced it) is left alone.
func (t *Token) Invalidate(tok string) {
	t.once.Do(func() { t.lock = make(chan struct{}, 1) })
	t.lock <- struct{}{}
	defer func() { <-t.lock }()
	if t.tok == tok {
		t.tok, t.until = "", time.Time{}
	}
}

func (t *Token) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}
