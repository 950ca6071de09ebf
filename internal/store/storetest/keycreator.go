package storetest

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testAPIKeyCreator: a key created by a user lives and shrinks with that
// user: deactivating the creator refuses the key; demoting the creator
// shrinks its scopes and role; a key created by that key is bound the same
// way; a key of a system principal has no creator.
func testAPIKeyCreator(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	sup := f.mustUser(t, f.newUser("keysup", hub.RolePartnerSupervisor, a.ID, 0), testPassword)
	pr, _, err := f.svc.AuthenticatePassword(f.ctx, sup.Username, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	k, plain, err := f.svc.CreateAPIKey(f.ctx, pr, hub.NewAPIKeyRequest{PartnerID: a1.ID, Name: "ci",
		Scopes: []string{hub.ScopePartnersRead, hub.ScopeClientsManage, hub.ScopeKeysManage, hub.ScopeUsersRead}})
	if err != nil {
		t.Fatal(err)
	}
	if k.CreatorUserID != sup.ID {
		t.Fatalf("key creator %d, want %d", k.CreatorUserID, sup.ID)
	}
	if got, err := f.svc.Store().APIKey(f.ctx, k.ID); err != nil || got.CreatorUserID != sup.ID {
		t.Fatalf("stored key: %+v %v", got, err)
	}
	pk, err := f.svc.AuthenticateKey(f.ctx, plain)
	if err != nil || pk.Role != hub.RolePartnerSupervisor || !pk.HasScope(hub.ScopeClientsManage) || !pk.HasScope(hub.ScopeKeysManage) || pk.UserID != 0 {
		t.Fatalf("key principal: %+v %v", pk, err)
	}
	// A key created by the key inherits its creator user.
	k2, plain2, err := f.svc.CreateAPIKey(f.ctx, pk, hub.NewAPIKeyRequest{Name: "child", Scopes: []string{hub.ScopePartnersRead, hub.ScopeClientsManage}})
	if err != nil || k2.CreatorUserID != sup.ID {
		t.Fatalf("key created by a key: %+v %v", k2, err)
	}
	// A system principal's key has no creator user.
	k3, plain3, err := f.svc.CreateAPIKey(f.ctx, f.sys, hub.NewAPIKeyRequest{PartnerID: a1.ID, Name: "sys", Scopes: []string{hub.ScopePartnersRead}})
	if err != nil || k3.CreatorUserID != 0 {
		t.Fatalf("system key: %+v %v", k3, err)
	}

	// Demote the creator: the keys shrink to the new role at once.
	if _, err := f.svc.UpdateUser(f.ctx, f.sys, sup.ID, 0, func(u *hub.User) error { u.Role = hub.RolePartnerUser; return nil }); err != nil {
		t.Fatal(err)
	}
	pk, err = f.svc.AuthenticateKey(f.ctx, plain)
	if err != nil {
		t.Fatalf("key of a demoted creator: %v", err)
	}
	if pk.Role != hub.RolePartnerUser || pk.HasScope(hub.ScopeKeysManage) || !pk.HasScope(hub.ScopeClientsManage) ||
		!pk.HasScope(hub.ScopePartnersRead) || !pk.HasScope(hub.ScopeUsersRead) {
		t.Fatalf("key of a demoted creator: %+v", pk)
	}
	_, _, err = f.svc.CreateAPIKey(f.ctx, pk, hub.NewAPIKeyRequest{Name: "x", Scopes: []string{hub.ScopePartnersRead}})
	wantKind(t, err, hub.Forbidden, "demoted key creates a key")
	if pk2, err := f.svc.AuthenticateKey(f.ctx, plain2); err != nil || pk2.Role != hub.RolePartnerUser {
		t.Fatalf("child key of a demoted creator: %+v %v", pk2, err)
	}
	// Promote back above the original role: the key keeps its creation role.
	if _, err := f.svc.UpdateUser(f.ctx, f.sys, sup.ID, 0, func(u *hub.User) error { u.Role = hub.RolePartnerSupervisor; return nil }); err != nil {
		t.Fatal(err)
	}
	if pk, err = f.svc.AuthenticateKey(f.ctx, plain); err != nil || pk.Role != hub.RolePartnerSupervisor || !pk.HasScope(hub.ScopeKeysManage) {
		t.Fatalf("key of a restored creator: %+v %v", pk, err)
	}

	// Deactivate the creator: its keys (and its keys' keys) are refused.
	if _, err := f.svc.DeactivateUser(f.ctx, f.sys, sup.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.AuthenticateKey(f.ctx, plain)
	wantKind(t, err, hub.Unauthenticated, "key of a deactivated creator")
	_, err = f.svc.AuthenticateKey(f.ctx, plain2)
	wantKind(t, err, hub.Unauthenticated, "child key of a deactivated creator")
	if _, err := f.svc.AuthenticateKey(f.ctx, plain3); err != nil {
		t.Fatalf("system key: %v", err)
	}
	// Reactivate: the key works again.
	if _, err := f.svc.UpdateUser(f.ctx, f.sys, sup.ID, 0, func(u *hub.User) error { u.Active = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AuthenticateKey(f.ctx, plain); err != nil {
		t.Fatalf("key of a reactivated creator: %v", err)
	}
	// The creator's home partner suspended: refused.
	if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}, 0, func(p *hub.Partner) error { p.Status = hub.StatusSuspended; return nil }); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.AuthenticateKey(f.ctx, plain)
	wantKind(t, err, hub.Unauthenticated, "key of a creator whose home is suspended")
}
