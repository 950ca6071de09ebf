package auth_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
)

const password = "correct horse battery"

// countingHasher is the real argon2id hasher, counting verifications so
// tests can tell a cache hit from a full check.
type countingHasher struct {
	auth.Argon2id
	verifies atomic.Int64
}

func (h *countingHasher) Verify(encoded, pw string) (bool, error) {
	h.verifies.Add(1)
	return h.Argon2id.Verify(encoded, pw)
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	ctx    context.Context
	svc    *hub.Service
	sys    hub.Principal
	home   *hub.Partner
	user   *hub.User
	hasher *countingHasher
	clk    *clock
	auth   *auth.Authenticator
}

func setup(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "auth.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{ctx: ctx, hasher: &countingHasher{}, clk: &clock{t: time.Now().UTC()}}
	e.svc = hub.NewService(db, 0)
	e.svc.SetPasswordHasher(e.hasher)
	e.svc.SetClock(e.clk.now)
	root, err := e.svc.CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatal(err)
	}
	e.sys = hub.SystemPrincipal(root, "test")
	if e.home, err = e.svc.CreatePartner(ctx, e.sys, &hub.Partner{Name: "A", ParentID: root.ID}); err != nil {
		t.Fatal(err)
	}
	e.user, err = e.svc.CreateUser(ctx, e.sys, &hub.User{Username: "Alice", FirstName: "A", LastName: "L", Email: "a@example.com",
		Role: hub.RolePartnerSupervisor, PartnerID: e.home.ID, Active: true}, password)
	if err != nil {
		t.Fatal(err)
	}
	e.auth = auth.NewAuthenticator(e.svc, auth.Config{Now: e.clk.now})
	return e
}

// call authenticates a request carrying the given headers from ip.
func (e *env) call(ip string, headers ...string) (hub.Principal, error) {
	r := httptest.NewRequest("GET", "/x", nil)
	r.RemoteAddr = ip + ":4711"
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	return e.auth.Principal(r)
}

func (e *env) basic(ip, user, pw string) (hub.Principal, error) {
	r := httptest.NewRequest("GET", "/x", nil)
	r.RemoteAddr = ip + ":4711"
	r.SetBasicAuth(user, pw)
	return e.auth.Principal(r)
}

func wantKind(t *testing.T, err error, k hub.Kind, what string) {
	t.Helper()
	if err == nil || hub.ErrorKind(err) != k {
		t.Fatalf("%s: got %v, want %v", what, err, k)
	}
}

func TestBasicAndCache(t *testing.T) {
	t.Parallel()
	e := setup(t)
	pr, err := e.basic("192.0.2.1", "alice", password)
	if err != nil || pr.UserID != e.user.ID || pr.PartnerID != e.home.ID || pr.Role != hub.RolePartnerSupervisor {
		t.Fatalf("basic: %+v %v", pr, err)
	}
	before := e.hasher.verifies.Load()
	if _, err := e.basic("192.0.2.1", "alice", password); err != nil {
		t.Fatal(err)
	}
	if got := e.hasher.verifies.Load(); got != before {
		t.Fatalf("second login ran %d verifications; want a cache hit", got-before)
	}
	_, err = e.basic("192.0.2.1", "alice", password+"!")
	wantKind(t, err, hub.Unauthenticated, "wrong password")
	_, err = e.basic("192.0.2.1", "nobody", password)
	wantKind(t, err, hub.Unauthenticated, "unknown user")
	_, err = e.call("192.0.2.1")
	wantKind(t, err, hub.Unauthenticated, "no credentials")
	_, err = e.call("192.0.2.1", "Authorization", "Digest abc")
	wantKind(t, err, hub.Unauthenticated, "unsupported scheme")

	// The cache expires after its TTL: a full check runs again.
	e.clk.advance(61 * time.Second)
	before = e.hasher.verifies.Load()
	if _, err := e.basic("192.0.2.1", "alice", password); err != nil {
		t.Fatal(err)
	}
	if e.hasher.verifies.Load() == before {
		t.Fatal("an expired cache entry was reused")
	}
}

func TestPasswordChangeVoidsCache(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.basic("192.0.2.1", "alice", password); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetPassword(e.ctx, e.sys, e.user.ID, "a brand new password"); err != nil {
		t.Fatal(err)
	}
	_, err := e.basic("192.0.2.1", "alice", password)
	wantKind(t, err, hub.Unauthenticated, "old password right after a change")
	if _, err := e.basic("192.0.2.1", "alice", "a brand new password"); err != nil {
		t.Fatalf("new password: %v", err)
	}
}

func TestRoleChangeAndDeactivationVoidCache(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.basic("192.0.2.1", "alice", password); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UpdateUser(e.ctx, e.sys, e.user.ID, 0, func(u *hub.User) error { u.Role = hub.RolePartnerUser; return nil }); err != nil {
		t.Fatal(err)
	}
	pr, err := e.basic("192.0.2.1", "alice", password)
	if err != nil || pr.Role != hub.RolePartnerUser || pr.HasScope(hub.ScopePartnersUpdate) {
		t.Fatalf("after a role change: %+v %v", pr, err)
	}
	if _, err := e.svc.DeactivateUser(e.ctx, e.sys, e.user.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.basic("192.0.2.1", "alice", password)
	wantKind(t, err, hub.Unauthenticated, "deactivated user")
}

func TestKeysAndTokens(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, key, err := e.svc.CreateAPIKey(e.ctx, e.sys, hub.NewAPIKeyRequest{PartnerID: e.home.ID, Name: "k", Scopes: []string{hub.ScopePartnersRead}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range [][]string{{"X-API-Key", key}, {"Authorization", "Bearer " + key}} {
		pr, err := e.call("192.0.2.1", h...)
		if err != nil || pr.PartnerID != e.home.ID || !pr.HasScope(hub.ScopePartnersRead) {
			t.Fatalf("%s: %+v %v", h[0], pr, err)
		}
	}
	_, err = e.call("192.0.2.1", "X-API-Key", key, "Authorization", "Bearer x")
	wantKind(t, err, hub.Unauthenticated, "two credentials")

	soon := e.clk.now().Add(time.Minute)
	_, short, err := e.svc.CreateAPIKey(e.ctx, e.sys, hub.NewAPIKeyRequest{PartnerID: e.home.ID, Name: "s", Scopes: []string{hub.ScopePartnersRead}, ExpiresAt: &soon})
	if err != nil {
		t.Fatal(err)
	}
	upr, _, err := e.svc.AuthenticatePassword(e.ctx, "alice", password)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.svc.IssueToken(e.ctx, upr, hub.TokenRequest{TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := e.call("192.0.2.1", "Authorization", "Bearer "+tok.Access)
	if err != nil || pr.UserID != e.user.ID {
		t.Fatalf("bearer token: %+v %v", pr, err)
	}
	e.clk.advance(time.Minute)
	_, err = e.call("192.0.2.1", "X-API-Key", short)
	wantKind(t, err, hub.Unauthenticated, "expired key")
	_, err = e.call("192.0.2.1", "Authorization", "Bearer "+tok.Access)
	wantKind(t, err, hub.Unauthenticated, "expired token")

	live, err := e.svc.IssueToken(e.ctx, upr, hub.TokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := e.svc.ListAPIKeys(e.ctx, e.sys, hub.PartnerKey{ID: e.home.ID}, hub.ListQuery{Filter: nil})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys.Items {
		if _, err := e.svc.RevokeAPIKey(e.ctx, e.sys, k.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.RevokeToken(e.ctx, upr, live.Token.SID); err != nil {
		t.Fatal(err)
	}
	_, err = e.call("192.0.2.1", "X-API-Key", key)
	wantKind(t, err, hub.Unauthenticated, "revoked key")
	_, err = e.call("192.0.2.1", "Authorization", "Bearer "+live.Access)
	wantKind(t, err, hub.Unauthenticated, "revoked token")
}

func TestThrottling(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// Per username, across client IPs.
	for i := range 10 {
		_, err := e.basic("192.0.2."+string(rune('a'+i)), "ALICE", "wrong password")
		wantKind(t, err, hub.Unauthenticated, "wrong password")
	}
	_, err := e.basic("198.51.100.1", "alice", password)
	wantKind(t, err, hub.RateLimited, "right password after 10 failures")
	if d, ok := auth.RetryAfter(err); !ok || d <= 0 || d > 5*time.Minute {
		t.Fatalf("retry after %v %v", d, ok)
	}
	e.clk.advance(5 * time.Minute)
	if _, err := e.basic("198.51.100.1", "alice", password); err != nil {
		t.Fatalf("after the window: %v", err)
	}

	// Per client IP, across usernames and credential kinds.
	for i := range 10 {
		_, err := e.basic("203.0.113.9", "user"+string(rune('a'+i)), "whatever pw")
		wantKind(t, err, hub.Unauthenticated, "unknown user")
	}
	_, err = e.call("203.0.113.9", "X-API-Key", "phk_bogus")
	wantKind(t, err, hub.RateLimited, "key from a blocked IP")
	if _, err := e.basic("198.51.100.1", "alice", password); err != nil {
		t.Fatalf("another IP is not blocked: %v", err)
	}
}

// TestConcurrentGuessesAreThrottled: parallel wrong guesses for one
// username cannot all pass the throttle while the slow hash runs; attempts
// in flight count against MaxFailures.
func TestConcurrentGuessesAreThrottled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const maxFailures, n = 10, 50
	e.auth = auth.NewAuthenticator(e.svc, auth.Config{Now: e.clk.now, MaxFailures: maxFailures})
	before := e.hasher.verifies.Load()
	var wg sync.WaitGroup
	var unauth, limited, other atomic.Int64
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			// A different IP each: only the username's throttle applies.
			_, err := e.basic(fmt.Sprintf("198.51.100.%d", i+1), "alice", "wrong guess number "+strconv.Itoa(i))
			switch hub.ErrorKind(err) {
			case hub.Unauthenticated:
				unauth.Add(1)
			case hub.RateLimited:
				limited.Add(1)
			default:
				other.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	verified := e.hasher.verifies.Load() - before
	if verified > maxFailures || unauth.Load() > maxFailures || other.Load() != 0 || unauth.Load()+limited.Load() != n {
		t.Fatalf("%d verifications, %d unauthenticated, %d rate limited, %d other; want at most %d to reach the verifier",
			verified, unauth.Load(), limited.Load(), other.Load(), maxFailures)
	}
	// The right password is blocked too until the window ends.
	_, err := e.basic("203.0.113.9", "alice", password)
	wantKind(t, err, hub.RateLimited, "right password after the limit")
	e.clk.advance(6 * time.Minute)
	if _, err := e.basic("203.0.113.9", "alice", password); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// TestConcurrentKeyGuessesAreThrottled: the same holds for the client IP's
// throttle over API key guesses.
func TestConcurrentKeyGuessesAreThrottled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const maxFailures, n = 10, 50
	e.auth = auth.NewAuthenticator(e.svc, auth.Config{Now: e.clk.now, MaxFailures: maxFailures})
	var wg sync.WaitGroup
	var unauth, limited atomic.Int64
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := e.call("192.0.2.77", "X-API-Key", "phk_AAAAAAAA_"+strings.Repeat("x", 43))
			switch hub.ErrorKind(err) {
			case hub.Unauthenticated:
				unauth.Add(1)
			case hub.RateLimited:
				limited.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	if unauth.Load() > maxFailures || unauth.Load()+limited.Load() != n {
		t.Fatalf("%d unauthenticated, %d rate limited; want at most %d failures", unauth.Load(), limited.Load(), maxFailures)
	}
}

// TestConcurrentCachedLoginsAreNotLimited: reservations guard the slow
// check only; many parallel logins that hit the cache all succeed.
func TestConcurrentCachedLoginsAreNotLimited(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.basic("192.0.2.5", "alice", password); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.basic("192.0.2.5", "alice", password); err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n != 0 {
		t.Fatalf("%d of 50 cached logins failed", n)
	}
}
