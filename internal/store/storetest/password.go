package storetest

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testChangePassword: a user changes its own password only with the
// current one (whatever the scopes of its token); SetPassword is the
// manager's path and refuses oneself.
func testChangePassword(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	u := f.mustUser(t, f.newUser("selfpw", hub.RolePartnerSupervisor, a.ID, 0), testPassword)
	login, _, err := f.svc.AuthenticatePassword(f.ctx, u.Username, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	issued, err := f.svc.IssueToken(f.ctx, login, hub.TokenRequest{Scopes: []string{hub.ScopePartnersRead}})
	if err != nil {
		t.Fatal(err)
	}
	ro, err := f.svc.AuthenticateToken(f.ctx, issued.Access, "192.0.2.1")
	if err != nil || ro.UserID != u.ID || ro.HasScope(hub.ScopeUsersManage) {
		t.Fatalf("restricted token principal: %+v %v", ro, err)
	}

	// The restricted token cannot set its user's password without the
	// current one, by either path.
	err = f.svc.SetPassword(f.ctx, ro, u.ID, "taken over password")
	wantKind(t, err, hub.Forbidden, "restricted token sets its own password")
	err = f.svc.SetPassword(f.ctx, login, u.ID, "taken over password")
	wantKind(t, err, hub.Forbidden, "manager sets its own password without the current one")
	err = f.svc.ChangePassword(f.ctx, ro, "", "taken over password")
	wantKind(t, err, hub.Invalid, "change without the current password")
	err = f.svc.ChangePassword(f.ctx, ro, testPassword+"x", "taken over password")
	wantKind(t, err, hub.Invalid, "change with a wrong current password")
	if _, _, err := f.svc.AuthenticatePassword(f.ctx, u.Username, "taken over password"); !hub.IsKind(err, hub.Unauthenticated) {
		t.Fatalf("password changed without the current one: %v", err)
	}
	err = f.svc.ChangePassword(f.ctx, ro, testPassword, "short")
	wantKind(t, err, hub.Invalid, "new password too short")
	err = f.svc.ChangePassword(f.ctx, principal(a), testPassword, "a long new password")
	wantKind(t, err, hub.Forbidden, "principal without a user")

	// With the current password, even the restricted token may.
	if err := f.svc.ChangePassword(f.ctx, ro, testPassword, "a long new password"); err != nil {
		t.Fatalf("change with the current password: %v", err)
	}
	if _, _, err := f.svc.AuthenticatePassword(f.ctx, u.Username, "a long new password"); err != nil {
		t.Fatalf("new password: %v", err)
	}
	_, _, err = f.svc.AuthenticatePassword(f.ctx, u.Username, testPassword)
	wantKind(t, err, hub.Unauthenticated, "old password")

	// The manager path is unchanged: users.manage and rank, and the system
	// principal (bootstrap) resets anyone.
	pu := f.mustUser(t, f.newUser("managed", hub.RolePartnerUser, a.ID, 0), testPassword)
	if err := f.svc.SetPassword(f.ctx, login, pu.ID, "reset by manager"); err != nil {
		t.Fatalf("manager resets a user's password: %v", err)
	}
	if _, _, err := f.svc.AuthenticatePassword(f.ctx, pu.Username, "reset by manager"); err != nil {
		t.Fatalf("reset password: %v", err)
	}
	err = f.svc.SetPassword(f.ctx, ro, pu.ID, "reset by a reader")
	wantKind(t, err, hub.Forbidden, "reset without users.manage")
	if err := f.svc.SetPassword(f.ctx, f.sys, u.ID, "reset by system"); err != nil {
		t.Fatalf("system resets a password: %v", err)
	}
	if _, _, err := f.svc.AuthenticatePassword(f.ctx, u.Username, "reset by system"); err != nil {
		t.Fatalf("system-reset password: %v", err)
	}
	// The old current password no longer changes anything.
	err = f.svc.ChangePassword(f.ctx, ro, "a long new password", "another new password")
	wantKind(t, err, hub.Invalid, "stale current password")
}
