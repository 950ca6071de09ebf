package auth_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// fail makes n wrong guesses for user from ip, each expected to be a
// plain Unauthenticated (not yet limited).
func (e *env) fail(t *testing.T, n int, ip, user string) {
	t.Helper()
	for i := range n {
		_, err := e.basic(ip, user, fmt.Sprintf("wrong guess %s %d", ip, i))
		wantKind(t, err, hub.Unauthenticated, fmt.Sprintf("wrong guess %d for %s from %s", i+1, user, ip))
	}
}

func wantRetryAfter(t *testing.T, err error, lo, hi time.Duration) {
	t.Helper()
	if d, ok := auth.RetryAfter(err); !ok || d < lo || d > hi {
		t.Fatalf("retry after %v (%v), want between %v and %v: %v", d, ok, lo, hi, err)
	}
}

// TestBlockIsPerUsernameAndNetwork: ten failures of a username from one
// IP block that pair only; the right password from another IP works, and
// so does another username from the blocked IP. Regression: the old
// throttle blocked the username everywhere after ten failures from
// anywhere.
func TestBlockIsPerUsernameAndNetwork(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fail(t, 10, "192.0.2.1", "ALICE") // usernames are case-insensitive
	_, err := e.basic("192.0.2.1", "alice", password)
	wantKind(t, err, hub.RateLimited, "right password from the blocked IP")
	wantRetryAfter(t, err, time.Second, 5*time.Minute)
	if _, err := e.basic("198.51.100.7", "alice", password); err != nil {
		t.Fatalf("right password from another IP: %v", err)
	}
	// Cached now; the blocked pair still gets no answer from the cache,
	// else a blocked guesser would learn the password from a 200 among 429s.
	before := e.hasher.verifies.Load()
	_, err = e.basic("192.0.2.1", "alice", password)
	wantKind(t, err, hub.RateLimited, "cached right password from the blocked IP")
	if _, err := e.basic("198.51.100.7", "alice", password); err != nil || e.hasher.verifies.Load() != before {
		t.Fatalf("cached login from the other IP: %v, %d verifications", err, e.hasher.verifies.Load()-before)
	}
	// Another user from the blocked IP is unaffected.
	bob, err := e.svc.CreateUser(e.ctx, e.sys, &hub.User{Username: "bob", FirstName: "B", LastName: "B", Email: "b@example.com",
		Role: hub.RolePartnerUser, PartnerID: e.home.ID, Active: true}, password)
	if err != nil {
		t.Fatal(err)
	}
	if pr, err := e.basic("192.0.2.1", "bob", password); err != nil || pr.UserID != bob.ID {
		t.Fatalf("another username from the blocked IP: %+v %v", pr, err)
	}
	// One IPv6 /64 is one network.
	e.fail(t, 10, "2001:db8:1:2::1", "alice")
	_, err = e.basic("2001:db8:1:2:ffff::9", "alice", password+"?")
	wantKind(t, err, hub.RateLimited, "another address of the same /64")
	if _, err := e.basic("2001:db8:1:3::1", "alice", password); err != nil {
		t.Fatalf("another /64: %v", err)
	}
	// The window ends.
	e.clk.advance(5 * time.Minute)
	if _, err := e.basic("192.0.2.1", "alice", password); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// TestSuccessClearsOnlyItsPair: a right password resets the failures of
// its (username, network) pair, not those from other networks.
func TestSuccessClearsOnlyItsPair(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fail(t, 9, "192.0.2.1", "alice")
	e.fail(t, 9, "192.0.2.2", "alice")
	if _, err := e.basic("192.0.2.1", "alice", password); err != nil {
		t.Fatal(err)
	}
	e.fail(t, 9, "192.0.2.1", "alice") // counted afresh
	e.fail(t, 1, "192.0.2.2", "alice") // the tenth
	_, err := e.basic("192.0.2.2", "alice", password+"!")
	wantKind(t, err, hub.RateLimited, "eleventh guess from the second IP")
}

// TestNetworkCeiling: failures over many usernames from one IP add up to a
// ceiling for that IP's uncached password checks; other IPs, API keys
// from the IP, and credentials cached before stay valid.
func TestNetworkCeiling(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.auth = e.newAuth(auth.Config{MaxIPFailures: 15})
	_, key, err := e.svc.CreateAPIKey(e.ctx, e.sys, hub.NewAPIKeyRequest{PartnerID: e.home.ID, Name: "k", Scopes: []string{hub.ScopePartnersRead}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.basic("203.0.113.9", "alice", password); err != nil { // cached from here on
		t.Fatal(err)
	}
	for i := range 15 {
		e.fail(t, 1, "203.0.113.9", fmt.Sprintf("user%d", i))
	}
	_, err = e.basic("203.0.113.9", "someone", "whatever pw")
	wantKind(t, err, hub.RateLimited, "a sixteenth username from the IP")
	if _, err := e.basic("203.0.113.9", "alice", password); err != nil {
		t.Fatalf("a credential cached before the ceiling: %v", err)
	}
	if _, err := e.call("203.0.113.9", "X-API-Key", key); err != nil {
		t.Fatalf("a valid key from the IP: %v", err)
	}
	if _, err := e.basic("198.51.100.1", "someone", "whatever pw"); !hub.IsKind(err, hub.Unauthenticated) {
		t.Fatalf("another IP: %v", err)
	}
}

// TestBadKeysNeverBlockAValidKey: failing key and token checks from one
// IP are limited by answering the failing ones RateLimited past
// MaxKeyFailures; a valid key or token from the same IP always works.
// Regression: ten failures of any kind from one IP used to block a valid
// key from it for five minutes.
func TestBadKeysNeverBlockAValidKey(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.auth = e.newAuth(auth.Config{MaxKeyFailures: 10})
	_, key, err := e.svc.CreateAPIKey(e.ctx, e.sys, hub.NewAPIKeyRequest{PartnerID: e.home.ID, Name: "k", Scopes: []string{hub.ScopePartnersRead}})
	if err != nil {
		t.Fatal(err)
	}
	bogus := "phk_AAAAAAAA_" + strings.Repeat("x", 43)
	for i := range 10 {
		_, err := e.call("192.0.2.77", "X-API-Key", bogus)
		wantKind(t, err, hub.Unauthenticated, fmt.Sprintf("bad key %d", i+1))
	}
	e.fail(t, 10, "192.0.2.77", "alice") // and a blocked password pair
	for range 3 {
		if pr, err := e.call("192.0.2.77", "X-API-Key", key); err != nil || pr.PartnerID != e.home.ID {
			t.Fatalf("valid key after bad ones: %+v %v", pr, err)
		}
		if _, err := e.call("192.0.2.77", "Authorization", "Bearer "+key); err != nil {
			t.Fatalf("valid key as a bearer after bad ones: %v", err)
		}
	}
	_, err = e.call("192.0.2.77", "X-API-Key", bogus)
	wantKind(t, err, hub.RateLimited, "the eleventh bad key")
	wantRetryAfter(t, err, time.Second, 5*time.Minute)
	_, err = e.call("192.0.2.77", "Authorization", "Bearer not-a-token")
	wantKind(t, err, hub.RateLimited, "a bad token past the limit")
	_, err = e.call("192.0.2.78", "X-API-Key", bogus)
	wantKind(t, err, hub.Unauthenticated, "a bad key from another IP")
}

// TestConcurrentGuessesAreThrottled: parallel wrong guesses cannot all
// pass the throttle while the slow hash runs; attempts in flight count
// against the limit of the username from one IP, also from an IP the
// username succeeded from (exempt from the ceiling only), and against the
// username's ceiling across IPs.
func TestConcurrentGuessesAreThrottled(t *testing.T) {
	t.Parallel()
	const n = 50
	for _, tc := range []struct {
		name    string
		cfg     auth.Config
		ip      func(i int) string
		trusted bool // alice succeeded from ip(0) before
		limit   int64
	}{
		{"one IP", auth.Config{}, func(int) string { return "198.51.100.1" }, false, 10},
		{"the user's usual IP", auth.Config{MaxUserFailures: 5}, func(int) string { return "198.51.100.1" }, true, 10},
		{"many IPs", auth.Config{MaxUserFailures: 10}, func(i int) string { return fmt.Sprintf("198.51.100.%d", i+1) }, false, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			tc.cfg.PasswordCheckWait = time.Minute // admission is tested elsewhere
			e.auth = e.newAuth(tc.cfg)
			if tc.trusted {
				if _, err := e.basic(tc.ip(0), "alice", password); err != nil {
					t.Fatal(err)
				}
			}
			before := e.hasher.verifies.Load()
			var unauth, limited, other atomic.Int64
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					_, err := e.basic(tc.ip(i), "alice", fmt.Sprintf("wrong guess number %d", i))
					switch hub.ErrorKind(err) {
					case hub.Unauthenticated:
						unauth.Add(1)
					case hub.RateLimited:
						limited.Add(1)
					default:
						other.Add(1)
					}
				})
			}
			close(start)
			wg.Wait()
			verified := e.hasher.verifies.Load() - before
			if verified > tc.limit || unauth.Load() > tc.limit || other.Load() != 0 || unauth.Load()+limited.Load() != n {
				t.Fatalf("%d verifications, %d unauthenticated, %d rate limited, %d other; want at most %d to reach the verifier",
					verified, unauth.Load(), limited.Load(), other.Load(), tc.limit)
			}
			_, err := e.basic(tc.ip(0), "alice", password)
			wantKind(t, err, hub.RateLimited, "right password from a guessing IP after the limit")
			e.clk.advance(6 * time.Minute)
			if _, err := e.basic(tc.ip(0), "alice", password); err != nil {
				t.Fatalf("after the window: %v", err)
			}
		})
	}
}

// TestConcurrentKeyGuessesAreLimited: parallel bad keys from one IP get
// at most MaxKeyFailures Unauthenticated answers (the rest RateLimited),
// while a valid key sent in parallel from the same IP always succeeds.
func TestConcurrentKeyGuessesAreLimited(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const maxFailures, n = 10, 50
	e.auth = e.newAuth(auth.Config{MaxKeyFailures: maxFailures})
	_, key, err := e.svc.CreateAPIKey(e.ctx, e.sys, hub.NewAPIKeyRequest{PartnerID: e.home.ID, Name: "k", Scopes: []string{hub.ScopePartnersRead}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var unauth, limited, valid, other atomic.Int64
	start := make(chan struct{})
	for i := range 2 * n {
		wg.Go(func() {
			<-start
			if i%2 == 0 {
				if _, err := e.call("192.0.2.77", "X-API-Key", key); err != nil {
					other.Add(1)
					return
				}
				valid.Add(1)
				return
			}
			_, err := e.call("192.0.2.77", "X-API-Key", "phk_AAAAAAAA_"+strings.Repeat("x", 43))
			switch hub.ErrorKind(err) {
			case hub.Unauthenticated:
				unauth.Add(1)
			case hub.RateLimited:
				limited.Add(1)
			default:
				other.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if unauth.Load() != maxFailures || unauth.Load()+limited.Load() != n || valid.Load() != n || other.Load() != 0 {
		t.Fatalf("bad keys: %d unauthenticated, %d rate limited; valid keys: %d of %d succeeded; %d other",
			unauth.Load(), limited.Load(), valid.Load(), n, other.Load())
	}
}

// TestConcurrentCachedLoginsAreNotLimited: many parallel logins that hit
// the cache all succeed, reserving nothing.
func TestConcurrentCachedLoginsAreNotLimited(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.basic("192.0.2.5", "alice", password); err != nil {
		t.Fatal(err)
	}
	before := e.hasher.verifies.Load()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 50 {
		wg.Go(func() {
			if _, err := e.basic("192.0.2.5", "alice", password); err != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if n := failed.Load(); n != 0 || e.hasher.verifies.Load() != before {
		t.Fatalf("%d of 50 cached logins failed, %d verifications", n, e.hasher.verifies.Load()-before)
	}
}

// TestIdenticalFirstLoginsShareOneCheck: a client opening many connections
// at once with the same (not yet cached) Basic credentials is answered
// on all of them from one verification, never RateLimited.
func TestIdenticalFirstLoginsShareOneCheck(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := make(chan struct{})
	for range 40 {
		wg.Go(func() {
			<-start
			if _, err := e.basic("192.0.2.5", "alice", password); err != nil {
				t.Log(err)
				failed.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if n, v := failed.Load(), e.hasher.verifies.Load(); n != 0 || v != 1 {
		t.Fatalf("%d of 40 identical first logins failed; %d verifications", n, v)
	}
}

// TestReplicasShareFailureCounts: two Authenticators on two connections to
// one database (two replicas) count failures together: twenty guesses
// alternating between them are limited like twenty on one. Regression:
// counts were per process, so N replicas allowed N times the limit.
func TestReplicasShareFailureCounts(t *testing.T) {
	t.Parallel()
	for _, eng := range []struct {
		name string
		open func(t *testing.T) (*store.DB, *store.DB)
	}{
		{"SQLite", func(t *testing.T) (*store.DB, *store.DB) {
			url := "sqlite:" + filepath.Join(t.TempDir(), "shared.db")
			return openURL(t, url), openURL(t, url)
		}},
		{"Postgres", func(t *testing.T) (*store.DB, *store.DB) {
			url := testdb.PostgresSchemaURL(t)
			return testdb.OpenPostgres(t, url), testdb.OpenPostgres(t, url)
		}},
	} {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			db1, db2 := eng.open(t)
			e := setupOn(t, db1)
			svc2 := hub.NewService(db2, 0)
			svc2.SetPasswordHasher(e.hasher)
			replicas := []*auth.Authenticator{
				e.newAuth(auth.Config{Failures: db1}),
				auth.NewAuthenticator(svc2, auth.Config{Failures: db2, Now: e.clk.now}),
			}
			before := e.hasher.verifies.Load()
			for i := range 20 {
				_, err := replicas[i%2].Basic(e.ctx, "alice", fmt.Sprintf("guess %d", i), "192.0.2.44")
				want := hub.Unauthenticated
				if i >= 10 {
					want = hub.RateLimited
				}
				wantKind(t, err, want, fmt.Sprintf("guess %d on replica %d", i+1, i%2+1))
			}
			if v := e.hasher.verifies.Load() - before; v != 10 {
				t.Fatalf("%d guesses reached the hash, want 10", v)
			}
			// A fresh replica (no local state) sees the block too.
			third := auth.NewAuthenticator(svc2, auth.Config{Failures: db2, Now: e.clk.now})
			_, err := third.Basic(e.ctx, "alice", password, "192.0.2.44")
			wantKind(t, err, hub.RateLimited, "right password on a third replica")
			if _, err := third.Basic(e.ctx, "alice", password, "192.0.2.45"); err != nil {
				t.Fatalf("another IP on a third replica: %v", err)
			}
		})
	}
}

func openURL(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// pruneCounter is a FailureStore that counts prunes.
type pruneCounter struct {
	auth.FailureStore
	mu     sync.Mutex
	prunes []time.Time
}

func (p *pruneCounter) PruneLoginFailures(ctx context.Context, since, successSince time.Time) error {
	p.mu.Lock()
	p.prunes = append(p.prunes, since)
	p.mu.Unlock()
	return p.FailureStore.PruneLoginFailures(ctx, since, successSince)
}

// TestEndedWindowsArePruned: recording failures removes ended windows
// from the store now and then (at most once a minute), so the table
// holds only running windows.
func TestEndedWindowsArePruned(t *testing.T) {
	t.Parallel()
	e := setup(t)
	pc := &pruneCounter{FailureStore: e.db}
	e.auth = e.newAuth(auth.Config{Failures: pc})
	e.fail(t, 2, "192.0.2.1", "alice")
	if len(pc.prunes) != 1 || !pc.prunes[0].Equal(e.clk.now().Add(-5*time.Minute)) {
		t.Fatalf("prunes after two failures: %v", pc.prunes)
	}
	old := auth.PairSubject(e.auth, "alice", "192.0.2.1")
	if counts, _, _, err := e.db.LoginHistory(e.ctx, []string{old}, time.Time{}, "", time.Time{}); err != nil || counts[0] != 2 {
		t.Fatalf("stored failures of the pair: %v %v", counts, err)
	}
	e.clk.advance(6 * time.Minute)
	e.fail(t, 1, "192.0.2.2", "alice")
	if len(pc.prunes) != 2 {
		t.Fatalf("prunes after the interval: %v", pc.prunes)
	}
	// Read with no lower bound: the ended window's row is gone, not just
	// outside the window.
	if counts, _, _, err := e.db.LoginHistory(e.ctx, []string{old, auth.PairSubject(e.auth, "alice", "192.0.2.2")}, time.Time{}, "", time.Time{}); err != nil || counts[0] != 0 || counts[1] != 1 {
		t.Fatalf("after the prune: %v %v", counts, err)
	}
}

// TestUnusableUsernamesNeverReachTheService: a username with a NUL byte
// or invalid UTF-8 (PostgreSQL refuses both in text), or an empty one
// (the "Basic Og==" some clients send), is wrong credentials without any
// lookup and without counting a failure (failingStore).
func TestUnusableUsernamesNeverReachTheService(t *testing.T) {
	t.Parallel()
	svc := &noService{t: t}
	a := auth.NewAuthenticator(svc, auth.Config{Failures: failingStore{t: t}})
	for _, u := range []string{"a\x00b", "\x00", "ali\xffce", ""} {
		_, err := a.Basic(context.Background(), u, password, "192.0.2.1")
		wantKind(t, err, hub.Unauthenticated, fmt.Sprintf("username %q", u))
	}
}

// noService fails the test when the Authenticator calls it.
type noService struct{ t *testing.T }

func (s *noService) AuthenticatePassword(context.Context, string, string) (hub.Principal, *hub.User, error) {
	s.t.Error("AuthenticatePassword called")
	return hub.Principal{}, nil, errors.New("unexpected")
}
func (s *noService) AuthenticateKey(context.Context, string) (hub.Principal, error) {
	s.t.Error("AuthenticateKey called")
	return hub.Principal{}, errors.New("unexpected")
}
func (s *noService) AuthenticateToken(context.Context, string, string) (hub.Principal, error) {
	s.t.Error("AuthenticateToken called")
	return hub.Principal{}, errors.New("unexpected")
}
func (s *noService) UserPrincipal(context.Context, int64) (hub.Principal, int64, error) {
	s.t.Error("UserPrincipal called")
	return hub.Principal{}, 0, errors.New("unexpected")
}

// failingStore fails the test when the Authenticator uses it.
type failingStore struct{ t *testing.T }

func (f failingStore) LoginHistory(context.Context, []string, time.Time, string, time.Time) ([]int, []time.Time, time.Time, error) {
	f.t.Error("LoginHistory called")
	return nil, nil, time.Time{}, errors.New("unexpected")
}
func (f failingStore) RecordLoginFailure(context.Context, []string, time.Time, time.Time) error {
	f.t.Error("RecordLoginFailure called")
	return errors.New("unexpected")
}
func (f failingStore) ClearLoginFailures(context.Context, []string) error {
	f.t.Error("ClearLoginFailures called")
	return errors.New("unexpected")
}
func (f failingStore) RecordLoginSuccess(context.Context, string, time.Time) error {
	f.t.Error("RecordLoginSuccess called")
	return errors.New("unexpected")
}
func (f failingStore) PruneLoginFailures(context.Context, time.Time, time.Time) error {
	f.t.Error("PruneLoginFailures called")
	return errors.New("unexpected")
}
func (f failingStore) LoginSubjectKey(context.Context, []byte) ([]byte, error) {
	f.t.Error("LoginSubjectKey called")
	return nil, errors.New("unexpected")
}
