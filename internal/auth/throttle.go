package auth

import (
	"errors"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// RetryAfterError is the cause inside a RateLimited hub.Error: how long
// the caller should wait before trying again.
type RetryAfterError struct{ After time.Duration }

// Error describes the wait.
func (e *RetryAfterError) Error() string { return "retry after " + e.After.Round(time.Second).String() }

// RetryAfter returns the wait carried by a RateLimited error from this
// package, and whether there was one.
func RetryAfter(err error) (time.Duration, bool) {
	var ra *RetryAfterError
	if errors.As(err, &ra) {
		return ra.After, true
	}
	return 0, false
}

// throttle counts failures per key in fixed windows: after max failures
// within window of the first one, the key is blocked until the window
// ends. It is safe for concurrent use.
type throttle struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	seen   map[string]*failures
	adds   int
}

type failures struct {
	count int
	first time.Time
}

func newThrottle(max int, window time.Duration) *throttle {
	return &throttle{max: max, window: window, seen: map[string]*failures{}}
}

// check returns a RateLimited error when key is blocked at now.
func (t *throttle) check(key string, now time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.seen[key]
	if !ok || now.Sub(f.first) >= t.window || f.count < t.max {
		return nil
	}
	wait := f.first.Add(t.window).Sub(now)
	return &hub.Error{Kind: hub.RateLimited, Message: "too many failed attempts; retry later", Err: &RetryAfterError{After: wait}}
}

// fail records one failure of key at now.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.seen[key]
	if !ok || now.Sub(f.first) >= t.window {
		f = &failures{first: now}
		t.seen[key] = f
	}
	f.count++
	if t.adds++; t.adds%1024 == 0 {
		// Bound memory: forget windows that have ended.
		for k, v := range t.seen {
			if now.Sub(v.first) >= t.window {
				delete(t.seen, k)
			}
		}
	}
}

// reset forgets key's failures (after a success).
func (t *throttle) reset(key string) {
	t.mu.Lock()
	delete(t.seen, key)
	t.mu.Unlock()
}
