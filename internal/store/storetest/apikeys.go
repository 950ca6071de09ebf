package storetest

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// clock is a settable time source for a service under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// clocked returns a second service over the fixture's store whose time is
// driven by the returned clock.
func (f *fixture) clocked() (*hub.Service, *clock) {
	c := &clock{t: time.Now().UTC()}
	svc := hub.NewService(f.svc.Store(), testMaxDepth)
	svc.SetPasswordHasher(fastHasher{})
	svc.SetClock(c.now)
	return svc, c
}

func testAPIKeys(t *testing.T, f *fixture) {
	svc, clk := f.clocked()
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	b := f.child(t, f.root, "B")
	pa := principal(a)

	k, plain, err := svc.CreateAPIKey(f.ctx, pa, hub.NewAPIKeyRequest{PartnerID: a1.ID, Name: "ci",
		Scopes: []string{hub.ScopePartnersRead, hub.ScopeClientsManage, hub.ScopePartnersRead}})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(plain, "_")
	if len(parts) != 3 || parts[0] != "phk" || parts[1] != k.Prefix || len(k.Prefix) != 8 || len(parts[2]) != 43 {
		t.Fatalf("key %q, prefix %q", plain, k.Prefix)
	}
	if strings.Join(k.Scopes, ",") != "clients.manage,partners.read" || k.Role != hub.RolePartnerSupervisor || k.CreatedBy != pa.Actor {
		t.Fatalf("new key: %+v", k)
	}
	_, _, err = svc.CreateAPIKey(f.ctx, pa, hub.NewAPIKeyRequest{Name: "x", Scopes: []string{hub.ScopeAuditRead, "users.read"}})
	if err != nil {
		t.Fatalf("scopes implied by manage: %v", err)
	}
	_, _, err = svc.CreateAPIKey(f.ctx, pa, hub.NewAPIKeyRequest{Name: "x", Scopes: []string{hub.ScopeChangeRequestsManage, hub.ScopeKeysManage}})
	if err != nil {
		t.Fatal(err)
	}
	ro := principal(a)
	ro.Role, ro.Scopes = hub.RolePartnerUser, []string{hub.ScopeKeysManage, hub.ScopePartnersRead}
	_, _, err = svc.CreateAPIKey(f.ctx, ro, hub.NewAPIKeyRequest{Name: "x", Scopes: []string{hub.ScopePartnersUpdate}})
	wantKind(t, err, hub.Forbidden, "key with a scope the creator lacks")
	_, _, err = svc.CreateAPIKey(f.ctx, pa, hub.NewAPIKeyRequest{Name: "x", Scopes: []string{"nope.read"}})
	wantKind(t, err, hub.Invalid, "unknown scope")
	_, _, err = svc.CreateAPIKey(f.ctx, pa, hub.NewAPIKeyRequest{PartnerID: b.ID, Name: "x", Scopes: []string{hub.ScopePartnersRead}})
	wantKind(t, err, hub.NotFound, "key for a sibling partner")
	past := clk.now().Add(-time.Second)
	_, _, err = svc.CreateAPIKey(f.ctx, pa, hub.NewAPIKeyRequest{Name: "x", Scopes: []string{hub.ScopePartnersRead}, ExpiresAt: &past})
	wantKind(t, err, hub.Invalid, "key expiring in the past")

	pk, err := svc.AuthenticateKey(f.ctx, plain)
	if err != nil {
		t.Fatal(err)
	}
	if pk.PartnerID != a1.ID || pk.PartnerPath != a1.Path || !pk.HasScope(hub.ScopeClientsRead) || pk.HasScope(hub.ScopePartnersUpdate) || pk.UserID != 0 {
		t.Fatalf("key principal: %+v", pk)
	}
	if _, err := svc.Partner(f.ctx, pk, hub.PartnerKey{ID: a1.ID}); err != nil {
		t.Fatalf("key reads its partner: %v", err)
	}
	_, err = svc.Partner(f.ctx, pk, hub.PartnerKey{ID: a.ID})
	wantKind(t, err, hub.NotFound, "key reads its parent")
	for _, bad := range []string{"", plain + "x", plain[:len(plain)-1] + "0", "phk_" + k.Prefix, strings.Replace(plain, "phk_", "pk_", 1)} {
		if bad == plain {
			continue
		}
		_, err = svc.AuthenticateKey(f.ctx, bad)
		wantKind(t, err, hub.Unauthenticated, "bad key "+bad)
	}

	// last_used_at is written at most once a minute.
	used := func() time.Time {
		t.Helper()
		page, err := svc.ListAPIKeys(f.ctx, pa, hub.PartnerKey{ID: a1.ID}, hub.ListQuery{})
		if err != nil || page.Total != 1 || page.Items[0].LastUsedAt == nil {
			t.Fatalf("list keys of A1: %+v %v", page, err)
		}
		return *page.Items[0].LastUsedAt
	}
	first := used()
	clk.advance(30 * time.Second)
	if _, err := svc.AuthenticateKey(f.ctx, plain); err != nil {
		t.Fatal(err)
	}
	if got := used(); !got.Equal(first) {
		t.Fatalf("last_used_at rewritten within a minute: %v -> %v", first, got)
	}
	clk.advance(31 * time.Second)
	if _, err := svc.AuthenticateKey(f.ctx, plain); err != nil {
		t.Fatal(err)
	}
	if got := used(); !got.After(first) {
		t.Fatalf("last_used_at not rewritten after a minute: %v -> %v", first, got)
	}
	all, err := svc.ListAPIKeys(f.ctx, pa, hub.PartnerKey{}, hub.ListQuery{})
	if err != nil || all.Total != 3 {
		t.Fatalf("keys in A's subtree: %+v %v", all, err)
	}
	_, err = svc.ListAPIKeys(f.ctx, pa, hub.PartnerKey{ID: b.ID}, hub.ListQuery{})
	wantKind(t, err, hub.NotFound, "list a sibling's keys")

	// Expiry.
	soon := clk.now().Add(time.Hour)
	_, exp, err := svc.CreateAPIKey(f.ctx, pa, hub.NewAPIKeyRequest{Name: "short", Scopes: []string{hub.ScopePartnersRead}, ExpiresAt: &soon})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateKey(f.ctx, exp); err != nil {
		t.Fatalf("unexpired key: %v", err)
	}
	clk.advance(time.Hour)
	_, err = svc.AuthenticateKey(f.ctx, exp)
	wantKind(t, err, hub.Unauthenticated, "expired key")

	// Revocation: invisible is NotFound, and a revoked key stops at once.
	_, err = svc.RevokeAPIKey(f.ctx, principal(b), k.ID)
	wantKind(t, err, hub.NotFound, "revoke a key of another subtree")
	rk, err := svc.RevokeAPIKey(f.ctx, pa, k.ID)
	if err != nil || rk.RevokedAt == nil {
		t.Fatalf("revoke: %+v %v", rk, err)
	}
	_, err = svc.AuthenticateKey(f.ctx, plain)
	wantKind(t, err, hub.Unauthenticated, "revoked key")

	// A key of an inactive partner does not authenticate.
	_, live, err := svc.CreateAPIKey(f.ctx, f.sys, hub.NewAPIKeyRequest{PartnerID: b.ID, Name: "b", Scopes: []string{hub.ScopePartnersRead}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DeactivatePartner(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = svc.AuthenticateKey(f.ctx, live)
	wantKind(t, err, hub.Unauthenticated, "key of an inactive partner")
}
