package storetest

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

const testPassword = "correct horse battery"

// newUser returns a valid user for role homed at partner (or client).
func (f *fixture) newUser(name string, role hub.Role, partnerID, clientID int64) *hub.User {
	return &hub.User{Username: name, FirstName: "First", LastName: "Last", Email: name + "@example.com",
		Phone: "+14155550123", Role: role, PartnerID: partnerID, ClientID: clientID, Active: true}
}

// mustUser creates a user as the system principal.
func (f *fixture) mustUser(t testing.TB, u *hub.User, password string) *hub.User {
	t.Helper()
	out, err := f.svc.CreateUser(f.ctx, f.sys, u, password)
	if err != nil {
		t.Fatalf("create user %s: %v", u.Username, err)
	}
	return out
}

func testUsers(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	b := f.child(t, f.root, "B")
	ca, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "ca", PartnerID: a1.ID})
	if err != nil {
		t.Fatal(err)
	}
	pa := principal(a)

	sup, err := f.svc.CreateUser(f.ctx, pa, f.newUser("Alice", hub.RolePartnerSupervisor, a.ID, 0), testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if sup.ID == 0 || sup.Version != 1 || sup.OwnerPartnerID != a.ID || sup.OwnerPartnerPath != a.Path || !sup.Active {
		t.Fatalf("new user: %+v", sup)
	}
	_, err = f.svc.CreateUser(f.ctx, pa, f.newUser("aLICE", hub.RolePartnerUser, a1.ID, 0), "")
	wantKind(t, err, hub.Conflict, "username taken in another case")
	cu, err := f.svc.CreateUser(f.ctx, pa, f.newUser("carl", hub.RoleClientUser, 0, ca.ID), "")
	if err != nil || cu.OwnerPartnerID != a1.ID || cu.ClientID != ca.ID || cu.PartnerID != 0 {
		t.Fatalf("client user: %+v %v", cu, err)
	}
	_, err = f.svc.CreateUser(f.ctx, pa, f.newUser("bob", hub.RolePartnerUser, b.ID, 0), "")
	wantKind(t, err, hub.NotFound, "create a user under a sibling partner")
	_, err = f.svc.CreateUser(f.ctx, pa, f.newUser("cli", hub.RoleClientUser, a.ID, 0), "")
	wantKind(t, err, hub.Invalid, "client role homed at a partner")
	_, err = f.svc.CreateUser(f.ctx, pa, f.newUser("pu", hub.RolePartnerUser, 0, ca.ID), "")
	wantKind(t, err, hub.Invalid, "partner role homed at a client")
	_, err = f.svc.CreateUser(f.ctx, f.sys, f.newUser("sys", hub.RoleSystemUser, a.ID, 0), "")
	wantKind(t, err, hub.Invalid, "system role off the root")
	bad := f.newUser("badphone", hub.RolePartnerUser, a.ID, 0)
	bad.Phone = "415 555 0100"
	_, err = f.svc.CreateUser(f.ctx, pa, bad, "")
	wantKind(t, err, hub.Invalid, "non-E.164 phone")
	_, err = f.svc.CreateUser(f.ctx, pa, f.newUser("shortpw", hub.RolePartnerUser, a.ID, 0), "short")
	wantKind(t, err, hub.Invalid, "too short a password")
	bu := f.mustUser(t, f.newUser("bella", hub.RolePartnerUser, b.ID, 0), "")

	got, err := f.svc.User(f.ctx, pa, cu.ID)
	if err != nil || got.Username != "carl" || got.OwnerPartnerPath != a1.Path {
		t.Fatalf("read client user: %+v %v", got, err)
	}
	_, err = f.svc.User(f.ctx, pa, bu.ID)
	wantKind(t, err, hub.NotFound, "read a sibling's user")
	_, err = f.svc.User(f.ctx, pa, 1<<40)
	wantKind(t, err, hub.NotFound, "read a missing user")

	all, err := f.svc.ListUsers(f.ctx, pa, hub.PartnerKey{}, 0, false, hub.ListQuery{})
	if err != nil || all.Total != 2 {
		t.Fatalf("subtree users: %+v %v", all, err)
	}
	direct, err := f.svc.ListUsers(f.ctx, pa, hub.PartnerKey{}, 0, true, hub.ListQuery{})
	if err != nil || direct.Total != 1 || direct.Items[0].ID != sup.ID {
		t.Fatalf("direct users: %+v %v", direct, err)
	}
	byClient, err := f.svc.ListUsers(f.ctx, pa, hub.PartnerKey{}, ca.ID, false, hub.ListQuery{})
	if err != nil || byClient.Total != 1 || byClient.Items[0].ID != cu.ID {
		t.Fatalf("client's users: %+v %v", byClient, err)
	}
	_, err = f.svc.ListUsers(f.ctx, pa, hub.PartnerKey{ID: b.ID}, 0, false, hub.ListQuery{})
	wantKind(t, err, hub.NotFound, "list a sibling's users")
	everyone, err := f.svc.ListUsers(f.ctx, f.sys, hub.PartnerKey{}, 0, false, hub.ListQuery{Filter: mustParse(t, `role eq 'Partner User'`)})
	if err != nil || everyone.Total != 1 || everyone.Items[0].ID != bu.ID {
		t.Fatalf("filtered users: %+v %v", everyone, err)
	}

	up, err := f.svc.UpdateUser(f.ctx, pa, cu.ID, 1, func(u *hub.User) error {
		u.FirstName, u.ClientID, u.Role = "Carla", 0, hub.RoleClientAdmin // ClientID must be ignored
		return nil
	})
	if err != nil || up.Version != 2 || up.FirstName != "Carla" || up.ClientID != ca.ID || up.Role != hub.RoleClientAdmin {
		t.Fatalf("update user: %+v %v", up, err)
	}
	_, err = f.svc.UpdateUser(f.ctx, pa, cu.ID, 1, func(u *hub.User) error { u.LastName = "stale"; return nil })
	wantKind(t, err, hub.Conflict, "stale user update")
	_, err = f.svc.UpdateUser(f.ctx, pa, cu.ID, 0, func(u *hub.User) error { u.Username = "ALICE"; return nil })
	wantKind(t, err, hub.Conflict, "rename onto a taken username")
	if got, _ := f.svc.User(f.ctx, pa, cu.ID); got.Username != "carl" || got.Version != 2 {
		t.Fatalf("a failed update changed the user: %+v", got)
	}
}

func testUserRoleRules(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	sup := f.mustUser(t, f.newUser("sup", hub.RolePartnerSupervisor, a.ID, 0), "")
	peer := f.mustUser(t, f.newUser("peer", hub.RolePartnerSupervisor, a.ID, 0), "")
	pu := f.mustUser(t, f.newUser("pu", hub.RolePartnerUser, a.ID, 0), "")
	admin := f.mustUser(t, f.newUser("admin", hub.RoleSystemAdmin, f.root.ID, 0), "")

	psup := principal(a)
	psup.UserID = sup.ID
	// A Partner User holding users.manage still cannot act above its rank.
	ppu := principal(a)
	ppu.UserID, ppu.Role = pu.ID, hub.RolePartnerUser

	// The home's visibility first (the root is invisible to A), then the
	// role, then the rule that system roles live at the root.
	_, err := f.svc.CreateUser(f.ctx, psup, f.newUser("root2", hub.RoleSystemAdmin, f.root.ID, 0), "")
	wantKind(t, err, hub.NotFound, "supervisor grants a system role at the invisible root")
	_, err = f.svc.CreateUser(f.ctx, psup, f.newUser("sys-at-a", hub.RoleSystemAdmin, a.ID, 0), "")
	wantKind(t, err, hub.Forbidden, "supervisor grants a system role")
	_, err = f.svc.CreateUser(f.ctx, psup, f.newUser("rootpu", hub.RolePartnerUser, f.root.ID, 0), "")
	wantKind(t, err, hub.NotFound, "supervisor homes a user at the invisible root")
	_, err = f.svc.CreateUser(f.ctx, ppu, f.newUser("sup2", hub.RolePartnerSupervisor, a.ID, 0), "")
	wantKind(t, err, hub.Forbidden, "partner user grants a higher role")
	_, err = f.svc.UpdateUser(f.ctx, ppu, peer.ID, 0, func(u *hub.User) error { u.FirstName = "x"; return nil })
	wantKind(t, err, hub.Forbidden, "partner user manages a supervisor")
	_, err = f.svc.UpdateUser(f.ctx, psup, pu.ID, 0, func(u *hub.User) error { u.Role = hub.RoleSystemUser; return nil })
	wantKind(t, err, hub.Forbidden, "supervisor raises a user above itself")
	_, err = f.svc.UpdateUser(f.ctx, psup, sup.ID, 0, func(u *hub.User) error { u.Role = hub.RolePartnerUser; return nil })
	wantKind(t, err, hub.Forbidden, "a user changes its own role")
	if _, err := f.svc.UpdateUser(f.ctx, psup, pu.ID, 0, func(u *hub.User) error { u.Role = hub.RolePartnerSupervisor; return nil }); err != nil {
		t.Fatalf("supervisor promotes a user to its own rank: %v", err)
	}
	_, err = f.svc.UpdateUser(f.ctx, psup, pu.ID, 0, func(u *hub.User) error { u.Role = hub.RoleClientUser; return nil })
	wantKind(t, err, hub.Invalid, "partner user turned into a client role without a client")
	err = f.svc.SetPassword(f.ctx, ppu, peer.ID, testPassword)
	wantKind(t, err, hub.Forbidden, "partner user sets a supervisor's password")
	_, err = f.svc.DeactivateUser(f.ctx, psup, sup.ID)
	wantKind(t, err, hub.Invalid, "a user deactivates itself")
	_, err = f.svc.User(f.ctx, psup, admin.ID)
	wantKind(t, err, hub.NotFound, "supervisor reads a root user")

	none := principal(a)
	none.Scopes = []string{hub.ScopeUsersRead}
	_, err = f.svc.CreateUser(f.ctx, none, f.newUser("x", hub.RolePartnerUser, a.ID, 0), "")
	wantKind(t, err, hub.Forbidden, "create a user without users.manage")
	none.Scopes = nil
	_, err = f.svc.User(f.ctx, none, pu.ID)
	wantKind(t, err, hub.Forbidden, "read a visible user without users.read")
	_, err = f.svc.User(f.ctx, none, admin.ID)
	wantKind(t, err, hub.NotFound, "read an invisible user without users.read")
}

func testUserAuthentication(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	u := f.mustUser(t, f.newUser("Dora", hub.RolePartnerUser, a.ID, 0), testPassword)

	pr, got, err := f.svc.AuthenticatePassword(f.ctx, "dORA", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if pr.UserID != u.ID || pr.PartnerID != a.ID || pr.PartnerPath != a.Path || pr.Role != hub.RolePartnerUser ||
		!pr.HasScope(hub.ScopePartnersRead) || pr.HasScope(hub.ScopePartnersUpdate) || got.LastLoginAt == nil {
		t.Fatalf("principal %+v, user %+v", pr, got)
	}
	if again, _ := f.svc.User(f.ctx, f.sys, u.ID); again.LastLoginAt == nil {
		t.Fatal("last_login_at not stored")
	}
	_, _, err = f.svc.AuthenticatePassword(f.ctx, "dora", testPassword+"x")
	wantKind(t, err, hub.Unauthenticated, "wrong password")
	_, _, err = f.svc.AuthenticatePassword(f.ctx, "nobody", testPassword)
	wantKind(t, err, hub.Unauthenticated, "unknown user")
	noPw := f.mustUser(t, f.newUser("nopw", hub.RolePartnerUser, a.ID, 0), "")
	_, _, err = f.svc.AuthenticatePassword(f.ctx, noPw.Username, "")
	wantKind(t, err, hub.Unauthenticated, "user without a password")

	cur, v1, err := f.svc.UserPrincipal(f.ctx, u.ID)
	if err != nil || cur.UserID != u.ID || cur.PartnerPath != a.Path {
		t.Fatalf("user principal: %+v %v", cur, err)
	}
	if err := f.svc.ChangePassword(f.ctx, pr, testPassword, "a new long password"); err != nil {
		t.Fatalf("user changes its own password: %v", err)
	}
	if _, v2, err := f.svc.UserPrincipal(f.ctx, u.ID); err != nil || v2 == v1 {
		t.Fatalf("version after a password change: %d -> %d (%v)", v1, v2, err)
	}
	_, _, err = f.svc.AuthenticatePassword(f.ctx, "dora", testPassword)
	wantKind(t, err, hub.Unauthenticated, "old password after a change")
	if _, _, err := f.svc.AuthenticatePassword(f.ctx, "dora", "a new long password"); err != nil {
		t.Fatalf("new password: %v", err)
	}

	if _, err := f.svc.DeactivateUser(f.ctx, f.sys, u.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.svc.AuthenticatePassword(f.ctx, "dora", "a new long password")
	wantKind(t, err, hub.Unauthenticated, "deactivated user")
	_, _, err = f.svc.UserPrincipal(f.ctx, u.ID)
	wantKind(t, err, hub.Unauthenticated, "version of a deactivated user")

	// A user of an inactive partner cannot log in.
	b := f.child(t, f.root, "B")
	ub := f.mustUser(t, f.newUser("eve", hub.RolePartnerUser, b.ID, 0), testPassword)
	if _, err := f.svc.DeactivatePartner(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.svc.AuthenticatePassword(f.ctx, ub.Username, testPassword)
	wantKind(t, err, hub.Unauthenticated, "user of an inactive partner")

	// Suspending a partner stops its users, its clients' users and their
	// tokens at once; reactivating it lets them back in.
	c := f.child(t, f.root, "C")
	cl, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "client of C", PartnerID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	uc := f.mustUser(t, f.newUser("carl", hub.RolePartnerUser, c.ID, 0), testPassword)
	ucl := f.mustUser(t, f.newUser("cleo", hub.RoleClientUser, 0, cl.ID), testPassword)
	tok, err := f.svc.IssueTokenWithPassword(f.ctx, uc.Username, testPassword, hub.TokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	clientTok, err := f.svc.IssueTokenWithPassword(f.ctx, ucl.Username, testPassword, hub.TokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if pr, err := f.svc.AuthenticateToken(f.ctx, clientTok.Access, "192.0.2.1"); err != nil || pr.ClientID != cl.ID || pr.PartnerID != c.ID || pr.UserID != ucl.ID {
		t.Fatalf("client user's token: %+v %v", pr, err)
	}
	setStatus := func(status string) {
		t.Helper()
		if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: c.ID}, 0, func(p *hub.Partner) error { p.Status = status; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	setStatus(hub.StatusSuspended)
	for _, name := range []string{uc.Username, ucl.Username} {
		_, _, err = f.svc.AuthenticatePassword(f.ctx, name, testPassword)
		wantKind(t, err, hub.Unauthenticated, "user "+name+" of a suspended partner")
	}
	_, err = f.svc.AuthenticateToken(f.ctx, tok.Access, "192.0.2.1")
	wantKind(t, err, hub.Unauthenticated, "token of a user of a suspended partner")
	_, err = f.svc.AuthenticateToken(f.ctx, clientTok.Access, "192.0.2.1")
	wantKind(t, err, hub.Unauthenticated, "token of a client user of a suspended partner")
	setStatus(hub.StatusActive)
	for _, name := range []string{uc.Username, ucl.Username} {
		if pr, _, err := f.svc.AuthenticatePassword(f.ctx, name, testPassword); err != nil || pr.PartnerID != c.ID {
			t.Fatalf("user %s after reactivation: %+v %v", name, pr, err)
		}
	}
	if _, err := f.svc.AuthenticateToken(f.ctx, tok.Access, "192.0.2.1"); err != nil {
		t.Fatalf("token after reactivation: %v", err)
	}
}
