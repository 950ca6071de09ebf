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

// RetryAfter returns the wait; the faces read it (httpapi.RetryAfter) for
// the Retry-After header.
func (e *RetryAfterError) RetryAfter() time.Duration { return e.After }

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
// ends. Attempts in flight count too: check reserves an attempt (pending),
// which fail turns into a failure and done (or reset) releases, so
// concurrent guesses cannot all pass check before the first failure is
// recorded. It is safe for concurrent use.
type throttle struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	seen   map[string]*failures
	adds   int
}

type failures struct {
	count   int       // failures in the window starting at first
	pending int       // attempts reserved by check and not yet settled
	first   time.Time // start of the failure window; zero before any failure
}

func newThrottle(max int, window time.Duration) *throttle {
	return &throttle{max: max, window: window, seen: map[string]*failures{}}
}

// check reserves one attempt for key at now, or returns a RateLimited
// error when key's failures plus its attempts in flight reach max. Every
// nil return must be settled by exactly one call of fail, done or reset.
func (t *throttle) check(key string, now time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.seen[key]
	if !ok {
		f = &failures{}
		t.seen[key] = f
		t.sweep(now)
	}
	if f.count > 0 && now.Sub(f.first) >= t.window {
		f.count, f.first = 0, time.Time{} // the window has ended
	}
	if f.pending+f.count >= t.max {
		// Attempts in flight settle within a request: retry soon.
		wait := time.Second
		if f.count > 0 {
			wait = f.first.Add(t.window).Sub(now)
		}
		return &hub.Error{Kind: hub.RateLimited, Message: "too many failed attempts; retry later", Err: &RetryAfterError{After: wait}}
	}
	f.pending++
	return nil
}

// blocked returns a RateLimited error when key's recorded failures alone
// reach max at now; it reserves nothing. It guards cheap paths (a cache
// hit) that need no reservation.
func (t *throttle) blocked(key string, now time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.seen[key]
	if !ok || f.count < t.max || now.Sub(f.first) >= t.window {
		return nil
	}
	return &hub.Error{Kind: hub.RateLimited, Message: "too many failed attempts; retry later",
		Err: &RetryAfterError{After: f.first.Add(t.window).Sub(now)}}
}

// fail turns one attempt of key reserved by check into a failure at now.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.seen[key]
	if !ok {
		f = &failures{}
		t.seen[key] = f
	}
	if f.pending > 0 {
		f.pending--
	}
	if f.count == 0 || now.Sub(f.first) >= t.window {
		f.count, f.first = 0, now
	}
	f.count++
	t.sweep(now)
}

// done releases one attempt of key reserved by check that did not fail
// (an error other than bad credentials, or a success that keeps the
// recorded failures).
func (t *throttle) done(key string) { t.release(key, false) }

// reset releases one attempt of key reserved by check and forgets key's
// failures (after a success). Other attempts in flight stay reserved.
func (t *throttle) reset(key string) { t.release(key, true) }

// release gives back one reserved attempt of key and, when forget is set,
// clears its failures; an entry with nothing left is dropped.
func (t *throttle) release(key string, forget bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.seen[key]
	if !ok {
		return
	}
	if f.pending > 0 {
		f.pending--
	}
	if forget {
		f.count, f.first = 0, time.Time{}
	}
	if f.pending == 0 && f.count == 0 {
		delete(t.seen, key)
	}
}

// sweep bounds memory: every 1024 new entries it forgets keys with no
// attempt in flight whose failure window has ended. t.mu must be held.
func (t *throttle) sweep(now time.Time) {
	if t.adds++; t.adds%1024 != 0 {
		return
	}
	for k, v := range t.seen {
		if v.pending == 0 && (v.count == 0 || now.Sub(v.first) >= t.window) {
			delete(t.seen, k)
		}
	}
}
