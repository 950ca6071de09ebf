package auth_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
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
// tests can tell a cache hit from a full check, and measuring how many
// hashes and verifications run at once. When hold is set (before the
// hasher is used concurrently), each Verify first sends on entered (if
// there is room) and then waits until hold is closed.
type countingHasher struct {
	auth.Argon2id
	verifies atomic.Int64
	running  atomic.Int64
	peak     atomic.Int64
	hold     chan struct{}
	entered  chan struct{}
}

func (h *countingHasher) Verify(encoded, pw string) (bool, error) {
	h.verifies.Add(1)
	defer h.enter()()
	if h.hold != nil {
		select {
		case h.entered <- struct{}{}:
		default: // nobody is counting any more
		}
		<-h.hold
	}
	return h.Argon2id.Verify(encoded, pw)
}

func (h *countingHasher) Hash(pw string) (string, error) {
	defer h.enter()()
	return h.Argon2id.Hash(pw)
}

// enter counts one running computation and returns its end.
func (h *countingHasher) enter() (leave func()) {
	n := h.running.Add(1)
	for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
	}
	return func() { h.running.Add(-1) }
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	ctx    context.Context
	db     *store.DB
	svc    *hub.Service
	sys    hub.Principal
	home   *hub.Partner
	user   *hub.User
	hasher *countingHasher
	clk    *clock
	auth   *auth.Authenticator
}

// setup opens a SQLite database with a partner, a user and an
// Authenticator whose failure counts live in that database.
func setup(t *testing.T) *env {
	t.Helper()
	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "auth.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return setupOn(t, db)
}

// setupOn is setup on an open database.
func setupOn(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{ctx: ctx, db: db, hasher: &countingHasher{}, clk: &clock{t: time.Now().UTC()}}
	var err error
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
	e.auth = e.newAuth(auth.Config{})
	return e
}

// newAuth returns an Authenticator over e's service with cfg, on e's clock
// and with e's database as its FailureStore unless cfg names another.
func (e *env) newAuth(cfg auth.Config) *auth.Authenticator {
	cfg.Now = e.clk.now
	if cfg.Failures == nil {
		cfg.Failures = e.db
	}
	return auth.NewAuthenticator(e.svc, cfg)
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
