package auth_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// The username-wide ceiling (MaxUserFailures) stops a guesser spread over
// many networks, but only on networks the user has not recently succeeded
// from: throttling limits failures, never success.

// TestUsernameCeiling: with the default limits, ten IPv6 /64s inside one
// /56 making ten wrong guesses each (the most the per-pair limit lets
// through) reach the username's ceiling of 100. While it holds, a guess
// from an eleventh network and the right password from any new network
// are refused; the right password from the networks where the user
// succeeded before the attack works: cached, from another address of the
// same /64, uncached, and on a replica with nothing cached. Once the
// window ends, a new network works again. Regression: the ceiling refused
// the right password everywhere, so anyone could lock out any user (the
// System Admin included) from ten networks.
func TestUsernameCeiling(t *testing.T) {
	t.Parallel()
	e := setup(t)
	usual := []string{"192.0.2.1", "2001:db8:aa:1::5"}
	for _, ip := range usual {
		if _, err := e.basic(ip, "alice", password); err != nil {
			t.Fatalf("before the attack, from %s: %v", ip, err)
		}
	}
	e.clk.advance(30 * time.Second) // within the cache TTL
	for i := range 10 {             // 2001:db8:bad:0::/64 .. 2001:db8:bad:9::/64, all in 2001:db8:bad::/56
		e.fail(t, 10, fmt.Sprintf("2001:db8:bad:%x::1", i), "alice")
	}
	_, err := e.basic("2001:db8:bad:a::1", "alice", "an eleventh network's guess")
	wantKind(t, err, hub.RateLimited, "a guess from an eleventh network")
	_, err = e.basic("203.0.113.1", "alice", password)
	wantKind(t, err, hub.RateLimited, "the right password from a new network while the ceiling holds")
	wantRetryAfter(t, err, 4*time.Minute, 5*time.Minute)

	before := e.hasher.verifies.Load()
	for _, ip := range append(usual, "2001:db8:aa:1:ffff::9") {
		if pr, err := e.basic(ip, "alice", password); err != nil || pr.UserID != e.user.ID {
			t.Fatalf("cached, from usual network %s during the attack: %+v %v", ip, pr, err)
		}
	}
	if v := e.hasher.verifies.Load() - before; v != 0 {
		t.Fatalf("%d verifications for cached logins", v)
	}
	e.clk.advance(61 * time.Second) // the cache expires; the attack's window runs on
	for _, ip := range usual {
		if _, err := e.basic(ip, "alice", password); err != nil {
			t.Fatalf("uncached, from usual network %s during the attack: %v", ip, err)
		}
	}
	if v := e.hasher.verifies.Load() - before; v != 2 {
		t.Fatalf("%d verifications for two uncached logins", v)
	}
	replica := e.newAuth(auth.Config{}) // another process on the database
	if _, err := replica.Basic(e.ctx, "alice", password, usual[0]); err != nil {
		t.Fatalf("a replica, from the usual network: %v", err)
	}
	_, err = replica.Basic(e.ctx, "alice", password, "203.0.113.1")
	wantKind(t, err, hub.RateLimited, "a replica, the right password from a new network")

	e.clk.advance(4 * time.Minute) // past five minutes after the attack's first guess
	if _, err := e.basic("203.0.113.2", "alice", password); err != nil {
		t.Fatalf("a new network after the window: %v", err)
	}
}

// TestCeilingExemptionIsPerPair: the exemption belongs to one (username,
// network) pair. Another user's success on a network does not exempt it
// for alice; a network alice succeeded from still has the pair's own
// limit, so an attacker sharing it gets MaxFailures guesses there and
// then blocks alice there too, cached verification included, until the
// window ends (what an attacker controlling the usual network can still
// do); and the exemption ends TrustedNetworkTTL after the last success.
func TestCeilingExemptionIsPerPair(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.auth = e.newAuth(auth.Config{MaxUserFailures: 3, TrustedNetworkTTL: time.Hour})
	if _, err := e.svc.CreateUser(e.ctx, e.sys, &hub.User{Username: "bob", FirstName: "B", LastName: "B", Email: "b@example.com",
		Role: hub.RolePartnerUser, PartnerID: e.home.ID, Active: true}, password); err != nil {
		t.Fatal(err)
	}
	if _, err := e.basic("192.0.2.7", "bob", password); err != nil {
		t.Fatal(err)
	}
	if _, err := e.basic("192.0.2.1", "alice", password); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		e.fail(t, 1, fmt.Sprintf("198.51.100.%d", i+1), "alice")
	}
	_, err := e.basic("192.0.2.7", "alice", password)
	wantKind(t, err, hub.RateLimited, "alice from bob's network")

	// An attacker on alice's network: MaxFailures guesses reach the hash.
	e.fail(t, 10, "192.0.2.1", "alice")
	_, err = e.basic("192.0.2.1", "alice", "an eleventh guess")
	wantKind(t, err, hub.RateLimited, "an eleventh guess from alice's network")
	_, err = e.basic("192.0.2.1", "alice", password)
	wantKind(t, err, hub.RateLimited, "alice's cached password from her blocked network")
	e.clk.advance(5 * time.Minute)
	if _, err := e.basic("192.0.2.1", "alice", password); err != nil {
		t.Fatalf("after the window: %v", err)
	}

	// The exemption ends an hour after the last success.
	e.clk.advance(61 * time.Minute)
	for i := range 3 {
		e.fail(t, 1, fmt.Sprintf("198.51.100.%d", i+1), "alice")
	}
	_, err = e.basic("192.0.2.1", "alice", password)
	wantKind(t, err, hub.RateLimited, "alice's network an hour after her last success")
}

// successCounter is a FailureStore that counts what a password check reads
// and writes.
type successCounter struct {
	auth.FailureStore
	mu                    sync.Mutex
	reads, writes, clears int
	lastWrite             time.Time
}

func (c *successCounter) LoginHistory(ctx context.Context, failures []string, since time.Time, success string, successSince time.Time) ([]int, []time.Time, time.Time, error) {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	return c.FailureStore.LoginHistory(ctx, failures, since, success, successSince)
}

func (c *successCounter) RecordLoginSuccess(ctx context.Context, subject string, at time.Time) error {
	c.mu.Lock()
	c.writes++
	c.lastWrite = at
	c.mu.Unlock()
	return c.FailureStore.RecordLoginSuccess(ctx, subject, at)
}

func (c *successCounter) ClearLoginFailures(ctx context.Context, subjects []string) error {
	c.mu.Lock()
	c.clears++
	c.mu.Unlock()
	return c.FailureStore.ClearLoginFailures(ctx, subjects)
}

func (c *successCounter) counts() [3]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return [3]int{c.reads, c.writes, c.clears}
}

// TestSuccessPathStaysCheap: an uncached success reads the store once
// and writes nothing, except the first success of a pair, one when the
// stored success is older than a thirtieth of TrustedNetworkTTL (a day by
// default), and a clear when failures of the pair preceded it; a cached
// success touches the store not at all.
func TestSuccessPathStaysCheap(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sc := &successCounter{FailureStore: e.db}
	e.auth = e.newAuth(auth.Config{Failures: sc, CacheTTL: time.Second})
	login := func(what string, want [3]int) {
		t.Helper()
		if _, err := e.basic("192.0.2.1", "alice", password); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got := sc.counts(); got != want {
			t.Fatalf("%s: %d reads, %d success writes, %d clears; want %v", what, got[0], got[1], got[2], want)
		}
	}
	login("first success", [3]int{1, 1, 0})
	login("cached", [3]int{1, 1, 0})
	for i := range 5 {
		e.clk.advance(2 * time.Second) // past the cache TTL
		login(fmt.Sprintf("uncached success %d within the day", i+1), [3]int{2 + i, 1, 0})
	}
	e.fail(t, 1, "192.0.2.1", "alice")
	e.clk.advance(2 * time.Second)
	login("a success after a failure", [3]int{8, 1, 1})
	e.clk.advance(24 * time.Hour)
	login("a success a day later", [3]int{9, 2, 1})
	if !sc.lastWrite.Equal(e.clk.now()) {
		t.Fatalf("success written at %v, want %v", sc.lastWrite, e.clk.now())
	}
}

// TestOldSuccessesArePruned: a success older than TrustedNetworkTTL is
// removed from the store when a later success is written, also where no
// failure ever happens (failures prune too, see TestEndedWindowsArePruned).
func TestOldSuccessesArePruned(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.auth = e.newAuth(auth.Config{TrustedNetworkTTL: time.Hour})
	if _, err := e.basic("192.0.2.1", "alice", password); err != nil {
		t.Fatal(err)
	}
	if got, want := storedSubjects(t, e.db), []string{auth.SuccessSubject(e.auth, "alice", "192.0.2.1")}; !slices.Equal(got, want) {
		t.Fatalf("stored %q, want %q", got, want)
	}
	e.clk.advance(2 * time.Hour)
	if _, err := e.basic("192.0.2.2", "alice", password); err != nil {
		t.Fatal(err)
	}
	if got, want := storedSubjects(t, e.db), []string{auth.SuccessSubject(e.auth, "alice", "192.0.2.2")}; !slices.Equal(got, want) {
		t.Fatalf("stored %q, want only the recent success %q", got, want)
	}
}
