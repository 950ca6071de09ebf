package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestRateLimiterBudget: each caller has its own budget per window,
// Remaining counts down, the request over the budget is refused (and not
// counted), and a new window starts after Reset.
func TestRateLimiterBudget(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	l := NewRateLimiter(3, time.Hour)
	l.SetClock(func() time.Time { return now })
	for i := 2; i >= 0; i-- {
		q, ok := l.Take("user:1")
		if !ok || q.Remaining != i || q.Limit != 3 || !q.Reset.Equal(now.Add(time.Hour)) {
			t.Fatalf("request %d: %+v %v", 3-i, q, ok)
		}
	}
	if q, ok := l.Take("user:1"); ok || q.Remaining != 0 {
		t.Fatalf("over the budget: %+v %v", q, ok)
	}
	if q, ok := l.Take("user:2"); !ok || q.Remaining != 2 {
		t.Fatalf("another caller: %+v %v", q, ok)
	}
	now = now.Add(59 * time.Minute)
	if _, ok := l.Take("user:1"); ok {
		t.Fatal("refused within the window, then allowed")
	}
	now = now.Add(time.Minute)
	if q, ok := l.Take("user:1"); !ok || q.Remaining != 2 || !q.Reset.Equal(now.Add(time.Hour)) {
		t.Fatalf("a new window: %+v %v", q, ok)
	}
}

// TestRateLimiterConcurrent: concurrent requests of one caller never
// exceed the budget together (run with -race).
func TestRateLimiterConcurrent(t *testing.T) {
	l := NewRateLimiter(500, time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if _, ok := l.Take("user:7"); ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if allowed != 500 {
		t.Fatalf("%d of 800 concurrent requests allowed; want exactly 500", allowed)
	}
}

// TestRateLimiterForgetsOldCallers: callers whose window ended are
// dropped once enough new ones arrive, so memory follows the callers of
// one window, not of all time.
func TestRateLimiterForgetsOldCallers(t *testing.T) {
	now := time.Now()
	l := NewRateLimiter(1, time.Minute)
	l.SetClock(func() time.Time { return now })
	for i := range 100_000 {
		l.Take("k" + strconv.Itoa(i))
	}
	now = now.Add(2 * time.Minute)
	for i := range 100_000 {
		if _, ok := l.Take("k" + strconv.Itoa(i)); !ok {
			t.Fatalf("caller %d refused in a new window", i)
		}
	}
	n := 0
	for i := range l.shards {
		n += len(l.shards[i].m)
	}
	if n > 150_000 {
		t.Fatalf("the limiter holds %d callers after two windows of 100,000", n)
	}
}

// TestMuxMetersRequests: a mux with a limiter sets the quota headers on
// every authenticated answer, refuses the request over the budget with the
// face's 429 and Retry-After before the handler runs, keeps callers
// apart, and leaves public routes unmetered.
func TestMuxMetersRequests(t *testing.T) {
	served := 0
	authn := userAuthn{}
	l := NewRateLimiter(2, time.Hour)
	h := NewMux(Mux{Prefix: "/v", Authn: authn, Limiter: l,
		Errors: &Errors{Face: "test", Status: func(e *hub.Error) int {
			if e.Kind == hub.RateLimited {
				return http.StatusTooManyRequests
			}
			return http.StatusInternalServerError
		}, Body: func(w http.ResponseWriter, _ *http.Request, status int, e *hub.Error) {
			WriteBody(w, status, []byte(e.Kind.String()))
		}},
		Routes: []Route{
			{Method: "GET", Pattern: "/v/x", Handle: func(w http.ResponseWriter, _ *http.Request, _ hub.Principal) { served++ }},
			{Method: "GET", Pattern: "/v/public", Public: true, Handle: func(w http.ResponseWriter, _ *http.Request, _ hub.Principal) {}},
		}})
	get := func(path, user string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("X-User", user)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for i, want := range []string{"1", "0"} {
		w := get("/v/x", "1")
		if w.Code != 200 || hdr(w, HeaderRateRemaining) != want || hdr(w, HeaderRateLimit) != "2" {
			t.Fatalf("request %d: %d %v", i, w.Code, w.Header())
		}
		if _, err := time.Parse(time.RFC3339, hdr(w, HeaderRateReset)); err != nil {
			t.Fatalf("X-RateLimit-Reset: %v", err)
		}
	}
	w := get("/v/x", "1")
	if w.Code != 429 || w.Body.String() != "rate_limited" || w.Header().Get("Retry-After") == "" || hdr(w, HeaderRateRemaining) != "0" {
		t.Fatalf("over the budget: %d %q %v", w.Code, w.Body, w.Header())
	}
	if ra, _ := strconv.Atoi(w.Header().Get("Retry-After")); ra < 3500 || ra > 3600 {
		t.Fatalf("Retry-After %q; want about an hour", w.Header().Get("Retry-After"))
	}
	if served != 2 {
		t.Fatalf("the handler ran %d times; want 2", served)
	}
	if w := get("/v/x", "2"); w.Code != 200 || hdr(w, HeaderRateRemaining) != "1" {
		t.Fatalf("another user: %d %v", w.Code, w.Header())
	}
	if w := get("/v/public", "1"); w.Code != 200 || hdr(w, HeaderRateLimit) != "" {
		t.Fatalf("a public route was metered: %d %v", w.Code, w.Header())
	}
	var rl *RateLimitedError
	if err := error(&RateLimitedError{}); !errors.As(err, &rl) || !hub.IsKind(err, hub.RateLimited) {
		t.Fatal("RateLimitedError is not a RateLimited hub error")
	}
}

// userAuthn authenticates every request as the user named by X-User.
type userAuthn struct{}

func (userAuthn) Principal(r *http.Request) (hub.Principal, error) {
	id, err := strconv.ParseInt(r.Header.Get("X-User"), 10, 64)
	if err != nil {
		return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "no user")
	}
	return hub.Principal{UserID: id, Actor: "user:" + strconv.FormatInt(id, 10)}, nil
}

func (userAuthn) Basic(context.Context, string, string, string) (hub.Principal, error) {
	return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "no")
}

// hdr reads a header written under its exact (non-canonical) name.
func hdr(w *httptest.ResponseRecorder, name string) string {
	if v := w.Header()[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}
