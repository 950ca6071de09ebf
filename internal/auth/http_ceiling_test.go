package auth_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
)

// TestAttackDoesNotLockOutUsualNetworkOverHTTP, through the real router on
// both engines with two replicas on one database: ten client networks
// (loopback addresses) guessing alice's password by Basic and by the
// password grant, alternating replicas, reach the username's ceiling. The
// right password from a new network is then 429 with Retry-After (Basic
// and grant) until the window ends; from the network alice used before
// the attack it is 200 by Basic and by the grant, on the replica that
// verified it (cached) and on the other (uncached: the success is shared
// in the database), and again once the cache has expired.
func TestAttackDoesNotLockOutUsualNetworkOverHTTP(t *testing.T) {
	t.Parallel()
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			clk := &clock{t: time.Now().UTC()}
			cfg := auth.Config{MaxUserFailures: 20, Now: clk.now}
			w := newWorld(t, eng.url(t), cfg, cfg)
			a, b := w.sites[0], w.sites[1]
			usual, newcomer := client("127.0.2.1", 1), client("127.0.2.2", 1)
			ok := func(what string, got answer) {
				t.Helper()
				if got.status != http.StatusOK {
					t.Fatalf("%s: %+v, want 200", what, got)
				}
			}
			limited := func(what string, got answer) {
				t.Helper()
				if got.status != http.StatusTooManyRequests || got.retryAfter == "" {
					t.Fatalf("%s: %+v, want 429 with Retry-After", what, got)
				}
			}
			ok("Basic from the usual network before the attack", do(t, usual, "GET", w.partnerURL(a), basicHeader("alice", password), ""))

			for i := range 10 {
				guesser := client(fmt.Sprintf("127.0.3.%d", i+1), 1)
				for j := range 2 {
					s, pw := w.sites[(i+j)%2], fmt.Sprintf("guess %d.%d", i, j)
					var got answer
					if j == 0 {
						got = do(t, guesser, "GET", w.partnerURL(s), basicHeader("alice", pw), "")
					} else {
						got = grant(t, guesser, s, "alice", pw)
					}
					if got.status != http.StatusUnauthorized {
						t.Fatalf("guess %d from network %d: %+v, want 401", j+1, i+1, got)
					}
				}
			}
			limited("a guess from an eleventh network", grant(t, client("127.0.3.11", 1), a, "alice", "guess"))
			limited("Basic from a new network", do(t, newcomer, "GET", w.partnerURL(b), basicHeader("alice", password), ""))
			limited("grant from a new network", grant(t, newcomer, a, "alice", password))

			before := w.hasher.verifies.Load()
			ok("grant from the usual network, uncached replica", grant(t, usual, b, "alice", password))
			ok("Basic from the usual network, replica now cached", do(t, usual, "GET", w.partnerURL(b), basicHeader("alice", password), ""))
			ok("Basic from the usual network, first replica cached", do(t, usual, "GET", w.partnerURL(a), basicHeader("alice", password), ""))
			ok("grant from the usual network, first replica cached", grant(t, usual, a, "alice", password))
			if v := w.hasher.verifies.Load() - before; v != 1 {
				t.Fatalf("%d verifications for one uncached and three cached checks", v)
			}
			clk.advance(61 * time.Second) // caches expire, the window runs on
			ok("Basic from the usual network, uncached", do(t, usual, "GET", w.partnerURL(a), basicHeader("alice", password), ""))
			limited("Basic from a new network, still", do(t, newcomer, "GET", w.partnerURL(a), basicHeader("alice", password), ""))
			if v := w.hasher.verifies.Load() - before; v != 2 {
				t.Fatalf("%d verifications after the cache expired, want 2", v)
			}

			clk.advance(5 * time.Minute)
			ok("Basic from a new network after the window", do(t, client("127.0.2.3", 1), "GET", w.partnerURL(b), basicHeader("alice", password), ""))
		})
	}
}
