package storetest

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testClientContactAndDelete: a client created with its contact gets the
// user (a Client Admin by default) in the same transaction, linked as its
// contact at version 1; a refused create leaves nothing; a client with
// channels cannot be deleted (Conflict), one without goes with its users;
// both need the client to be visible first and clients.manage second.
func testClientContactAndDelete(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	b := f.child(t, f.root, "B")
	pa := principal(a)
	contact := func(name string) *hub.ClientContact {
		return &hub.ClientContact{Username: name, FirstName: "Cli", LastName: "Ent", Email: name + "@example.com",
			Phone: "+14155550123", Password: testPassword}
	}
	c, err := f.svc.CreateClientWithContact(f.ctx, pa, &hub.Client{Name: "Shop", PartnerID: a.ID}, contact("shop-admin"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != 1 || c.ContactUserID == 0 || c.Status != hub.ClientActive {
		t.Fatalf("created client: %+v", c)
	}
	if got, err := f.svc.Client(f.ctx, pa, c.ID, ""); err != nil || got.ContactUserID != c.ContactUserID || got.Version != 1 {
		t.Fatalf("read back: %+v %v", got, err)
	}
	u, err := f.svc.User(f.ctx, pa, c.ContactUserID)
	if err != nil || u.Role != hub.RoleClientAdmin || u.ClientID != c.ID || u.PartnerID != 0 {
		t.Fatalf("contact user: %+v %v", u, err)
	}
	if _, _, err := f.svc.AuthenticatePassword(f.ctx, "shop-admin", testPassword); err != nil {
		t.Fatalf("the contact logs in: %v", err)
	}

	before := f.count(t, f.root)
	bad := []struct {
		name  string
		pr    hub.Principal
		in    hub.Client
		c     *hub.ClientContact
		kind  hub.Kind
		field string
	}{
		{"invisible owner", pa, hub.Client{Name: "X", PartnerID: b.ID}, contact("x1"), hub.NotFound, ""},
		{"partner-level contact role", pa, hub.Client{Name: "X", PartnerID: a.ID}, func() *hub.ClientContact { c := contact("x2"); c.Role = hub.RolePartnerUser; return c }(), hub.Invalid, "role"},
		{"taken username", pa, hub.Client{Name: "X", PartnerID: a.ID}, contact("SHOP-ADMIN"), hub.Conflict, "username"},
		{"missing client name", pa, hub.Client{PartnerID: a.ID}, contact("x3"), hub.Invalid, "name"},
		{"bad contact phone", pa, hub.Client{Name: "X", PartnerID: a.ID}, func() *hub.ClientContact { c := contact("x4"); c.Phone = "555"; return c }(), hub.Invalid, "phone"},
		{"without users.manage", func() hub.Principal { p := pa; p.Scopes = []string{hub.ScopeClientsManage}; return p }(),
			hub.Client{Name: "X", PartnerID: a.ID}, contact("x5"), hub.Forbidden, ""},
		{"a Partner User (no users.manage)", func() hub.Principal {
			p := pa
			p.Role, p.Scopes = hub.RolePartnerUser, hub.RolePartnerUser.Scopes()
			return p
		}(), hub.Client{Name: "X", PartnerID: a.ID}, contact("x6"), hub.Forbidden, ""},
	}
	for _, tc := range bad {
		_, err := f.svc.CreateClientWithContact(f.ctx, tc.pr, &tc.in, tc.c)
		if tc.field != "" {
			wantField(t, err, tc.kind, tc.field, tc.name)
		} else {
			wantKind(t, err, tc.kind, tc.name)
		}
	}
	clients, err := f.svc.ListClients(f.ctx, f.sys, hub.PartnerKey{}, false, hub.ListQuery{})
	if err != nil || clients.Total != 1 || f.count(t, f.root) != before {
		t.Fatalf("refused creates left %d clients (want 1) and %d -> %d partners and users (%v)", clients.Total, before, f.count(t, f.root), err)
	}

	// Delete.
	if _, err := f.svc.CreateChannel(f.ctx, f.sys, &hub.Channel{ClientID: c.ID, PhoneNumber: "+14155550190"}); err != nil {
		t.Fatal(err)
	}
	none := pa
	none.Scopes = nil
	wantKind(t, f.svc.DeleteClient(f.ctx, principal(b), c.ID), hub.NotFound, "delete an invisible client")
	wantKind(t, f.svc.DeleteClient(f.ctx, none, c.ID), hub.Forbidden, "delete without clients.manage")
	wantKind(t, f.svc.DeleteClient(f.ctx, pa, c.ID), hub.Conflict, "delete a client with a channel")
	empty, err := f.svc.CreateClientWithContact(f.ctx, pa, &hub.Client{Name: "Empty", PartnerID: a.ID}, contact("empty-admin"))
	if err != nil {
		t.Fatal(err)
	}
	extra := f.mustUser(t, f.newUser("empty-user", hub.RoleClientUser, 0, empty.ID), testPassword)
	if err := f.svc.DeleteClient(f.ctx, pa, empty.ID); err != nil {
		t.Fatalf("delete a client without channels: %v", err)
	}
	if _, err := f.svc.Client(f.ctx, f.sys, empty.ID, ""); !hub.IsKind(err, hub.NotFound) {
		t.Fatalf("the deleted client reads: %v", err)
	}
	for _, id := range []int64{empty.ContactUserID, extra.ID} {
		if _, err := f.svc.User(f.ctx, f.sys, id); !hub.IsKind(err, hub.NotFound) {
			t.Fatalf("user %d of the deleted client is still there: %v", id, err)
		}
	}
	wantKind(t, f.svc.DeleteClient(f.ctx, pa, empty.ID), hub.NotFound, "delete it again")
}

// testUserRoleBeforeInput: the role checks of creating and updating a
// user come before the user's input is judged, so a caller asking for a
// role above its own is Forbidden whatever else is wrong; an Invalid error
// from an update's change function is reported after them. A password
// set with an update counts as an update of its own and is refused for
// the caller itself.
func testUserRoleBeforeInput(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	b := f.child(t, f.root, "B")
	sup := f.mustUser(t, f.newUser("rb-sup", hub.RolePartnerSupervisor, a.ID, 0), "")
	usr := f.mustUser(t, f.newUser("rb-usr", hub.RolePartnerUser, a.ID, 0), "")
	prSup, _, err := f.svc.UserPrincipal(f.ctx, sup.ID)
	if err != nil {
		t.Fatal(err)
	}
	prUsr, _, err := f.svc.UserPrincipal(f.ctx, usr.ID)
	if err != nil {
		t.Fatal(err)
	}

	// CheckNewUser: visibility, scope, rank.
	wantKind(t, f.svc.CheckNewUser(f.ctx, prSup, b.ID, 0, hub.RolePartnerUser), hub.NotFound, "a home outside the subtree")
	wantKind(t, f.svc.CheckNewUser(f.ctx, prSup, a.ID, 0, hub.RoleSystemAdmin), hub.Forbidden, "a role above the caller's")
	wantKind(t, f.svc.CheckNewUser(f.ctx, prUsr, a.ID, 0, hub.RolePartnerUser), hub.Forbidden, "a Partner User creates a user")
	if err := f.svc.CheckNewUser(f.ctx, prSup, a.ID, 0, hub.RolePartnerSupervisor); err != nil {
		t.Fatalf("a supervisor creates a supervisor: %v", err)
	}
	bad := f.newUser("", hub.RoleSystemAdmin, a.ID, 0) // no username, a role above the caller's
	bad.Email = "not an address"
	_, err = f.svc.CreateUser(f.ctx, prSup, bad, "short")
	wantKind(t, err, hub.Forbidden, "create: a role above the caller's with an invalid body")

	// UpdateUser: the role first, then change's own Invalid error, then
	// the fields.
	readErr := hub.InvalidField("phone", "must be a string")
	_, err = f.svc.UpdateUser(f.ctx, prSup, usr.ID, 0, func(u *hub.User) error {
		u.Role, u.Email = hub.RoleSystemUser, "not an address"
		return readErr
	})
	wantKind(t, err, hub.Forbidden, "update: a role above the caller's, with an unreadable body")
	_, err = f.svc.UpdateUser(f.ctx, prSup, usr.ID, 0, func(u *hub.User) error { u.Email = "not an address"; return readErr })
	wantField(t, err, hub.Invalid, "phone", "update: the change's own error comes before the fields'")
	_, err = f.svc.UpdateUser(f.ctx, prSup, sup.ID, 0, func(u *hub.User) error { u.Role = hub.RolePartnerUser; return nil })
	wantKind(t, err, hub.Forbidden, "update: the caller's own role")
	_, err = f.svc.UpdateUser(f.ctx, prUsr, sup.ID, 0, func(u *hub.User) error { u.FirstName = "x"; return nil })
	wantKind(t, err, hub.Forbidden, "update: a Partner User manages its supervisor")
	if got, err := f.svc.User(f.ctx, f.sys, usr.ID); err != nil || got.Version != 1 || got.Role != hub.RolePartnerUser {
		t.Fatalf("refused updates wrote: %+v %v", got, err)
	}

	// UpdateUserWithPassword.
	_, err = f.svc.UpdateUserWithPassword(f.ctx, prSup, usr.ID, 0, func(u *hub.User) error { u.Role = hub.RoleSystemAdmin; return nil }, "short")
	wantKind(t, err, hub.Forbidden, "password update with a role above the caller's")
	_, err = f.svc.UpdateUserWithPassword(f.ctx, prSup, usr.ID, 0, func(u *hub.User) error { return nil }, "short")
	wantField(t, err, hub.Invalid, "password", "a short password")
	_, err = f.svc.UpdateUserWithPassword(f.ctx, prSup, sup.ID, 0, func(u *hub.User) error { return nil }, testPassword)
	wantKind(t, err, hub.Forbidden, "the caller's own password through an update")
	u, err := f.svc.UpdateUserWithPassword(f.ctx, prSup, usr.ID, 1, func(u *hub.User) error { u.FirstName = "Renamed"; return nil }, "a new password 1")
	if err != nil || u.FirstName != "Renamed" || u.Version != 3 {
		t.Fatalf("update with a password: %+v %v; want version 3 (the update and the password)", u, err)
	}
	if got, err := f.svc.User(f.ctx, f.sys, usr.ID); err != nil || got.Version != 3 {
		t.Fatalf("read back: %+v %v", got, err)
	}
	if _, _, err := f.svc.AuthenticatePassword(f.ctx, "rb-usr", "a new password 1"); err != nil {
		t.Fatalf("log in with the new password: %v", err)
	}
	_, err = f.svc.UpdateUserWithPassword(f.ctx, prSup, usr.ID, 1, func(u *hub.User) error { u.FirstName = "Stale"; return nil }, "another password 2")
	wantKind(t, err, hub.Conflict, "a stale version")
	if _, _, err := f.svc.AuthenticatePassword(f.ctx, "rb-usr", "another password 2"); err == nil {
		t.Fatal("a stale update changed the password")
	}
}
