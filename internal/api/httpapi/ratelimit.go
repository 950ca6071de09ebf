package httpapi

import (
	"hash/maphash"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// RateLimiter gives every caller a budget of requests per window (Bluefin:
// 36,000 an hour) and tells how much of it is left. It counts in this
// process only: replicas each count their own share. The window of a
// caller starts with its first request and lasts Window; the next request
// after it starts a new one. It is safe for concurrent use.
//
// A limiter meters success as well as failure, unlike the authenticator's
// throttles: it is the published quota of an API, not a defence against
// guessing.
type RateLimiter struct {
	limit  int
	window time.Duration
	now    func() time.Time
	seed   maphash.Seed
	shards [rateShards]rateShard
}

const rateShards = 32

type rateShard struct {
	mu    sync.Mutex
	m     map[string]*rateWindow
	sweep int // len(m) at which expired windows are dropped next
}

type rateWindow struct {
	reset time.Time // when the window ends
	used  int
}

// Quota is a caller's budget after one request.
type Quota struct {
	Limit     int       // requests per window
	Remaining int       // requests left in the current window
	Reset     time.Time // when the current window ends (UTC)
}

// NewRateLimiter returns a limiter allowing limit requests per window to
// each caller. limit must be positive.
func NewRateLimiter(limit int, window time.Duration) *RateLimiter {
	l := &RateLimiter{limit: limit, window: window, now: time.Now, seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].m = map[string]*rateWindow{}
		l.shards[i].sweep = 1024
	}
	return l
}

// SetClock replaces the limiter's clock, for tests.
func (l *RateLimiter) SetClock(now func() time.Time) { l.now = now }

// Limit is the number of requests a caller may make per window.
func (l *RateLimiter) Limit() int { return l.limit }

// Take counts one request of the caller key and returns its quota; ok is
// false when the window's budget was already spent (the request is then
// not counted and must be refused until q.Reset).
func (l *RateLimiter) Take(key string) (q Quota, ok bool) {
	now := l.now()
	sh := &l.shards[maphash.String(l.seed, key)%rateShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	w := sh.m[key]
	if w == nil || !now.Before(w.reset) {
		if w == nil {
			if len(sh.m) >= sh.sweep {
				sh.dropExpired(now)
			}
			w = &rateWindow{}
			sh.m[key] = w
		}
		w.reset, w.used = now.Add(l.window), 0
	}
	ok = w.used < l.limit
	if ok {
		w.used++
	}
	return Quota{Limit: l.limit, Remaining: l.limit - w.used, Reset: w.reset.UTC()}, ok
}

// dropExpired forgets the callers whose window has ended, so the map holds
// only the callers of the last window; the next sweep waits until the map
// has doubled again.
func (sh *rateShard) dropExpired(now time.Time) {
	for k, w := range sh.m {
		if !now.Before(w.reset) {
			delete(sh.m, k)
		}
	}
	sh.sweep = max(1024, 2*len(sh.m))
}

// RateLimitKey is the caller a principal's requests count against: its
// user (whatever credential it uses: Basic, a token), or else the key or
// system actor it acts as.
func RateLimitKey(pr hub.Principal) string {
	if pr.UserID != 0 {
		return "user:" + strconv.FormatInt(pr.UserID, 10)
	}
	return pr.Actor
}

// The quota headers, spelled as the vendors publish them. Header names are
// case-insensitive, but they are written exactly so, for clients that
// compare them as strings; on an http.Header read them with these keys
// (Header.Get would look for the canonical "X-Ratelimit-Limit").
const (
	HeaderRateLimit     = "X-RateLimit-Limit"
	HeaderRateRemaining = "X-RateLimit-Remaining"
	HeaderRateReset     = "X-RateLimit-Reset"
)

// SetHeaders writes the quota as X-RateLimit-Limit, X-RateLimit-Remaining
// and X-RateLimit-Reset (an RFC 3339 UTC date-time).
func (q Quota) SetHeaders(h http.Header) {
	h[HeaderRateLimit] = []string{strconv.Itoa(q.Limit)}
	h[HeaderRateRemaining] = []string{strconv.Itoa(q.Remaining)}
	h[HeaderRateReset] = []string{q.Reset.Format(time.RFC3339)}
}

// RateLimitedError is the answer to a request over its caller's budget: a
// RateLimited hub error that knows when to retry (Retry-After).
type RateLimitedError struct {
	Quota Quota
	now   time.Time
}

// Error describes the refusal.
func (e *RateLimitedError) Error() string {
	return "rate limit of " + strconv.Itoa(e.Quota.Limit) + " requests exceeded; retry after " + e.Quota.Reset.Format(time.RFC3339)
}

// Unwrap makes it a hub error of kind RateLimited.
func (e *RateLimitedError) Unwrap() error { return hub.Errorf(hub.RateLimited, "%s", e.Error()) }

// RetryAfter is the time left until the window ends.
func (e *RateLimitedError) RetryAfter() time.Duration { return e.Quota.Reset.Sub(e.now) }

// meter counts one request of pr against l and sets the quota headers on
// w; the error is a *RateLimitedError when the budget is spent.
func (l *RateLimiter) meter(w http.ResponseWriter, pr hub.Principal) error {
	q, ok := l.Take(RateLimitKey(pr))
	q.SetHeaders(w.Header())
	if !ok {
		return &RateLimitedError{Quota: q, now: l.now()}
	}
	return nil
}
