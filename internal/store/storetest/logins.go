package storetest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

const loginPassword = "partner login pw"

// testPartnerLogins: a partner created with a login and password gets its
// login user in the same transaction; the login authenticates as that
// partner with a Partner Supervisor's scopes; logins and usernames share
// one case-insensitive uniqueness rule; a refused create leaves nothing;
// the password is in no partner, user or audit row.
func testPartnerLogins(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	p, err := f.svc.CreatePartnerWithLogin(f.ctx, f.sys, &hub.Partner{Name: "Acme", ParentID: a.ID},
		&hub.PartnerLogin{Login: "Acme.Login", Password: loginPassword})
	if err != nil {
		t.Fatal(err)
	}
	if p.Login != "Acme.Login" || p.ContactUserID == 0 || p.Version != 1 {
		t.Fatalf("created partner: login %q contact %d version %d", p.Login, p.ContactUserID, p.Version)
	}
	if got := f.get(t, p.ID); !equalPartners(got, p) {
		t.Fatalf("read back differs:\n got  %+v\n want %+v", got, p)
	}
	u, err := f.svc.User(f.ctx, f.sys, p.ContactUserID)
	if err != nil || u.Username != "Acme.Login" || u.Role != hub.RolePartnerSupervisor || u.PartnerID != p.ID || !u.Active {
		t.Fatalf("login user: %+v %v", u, err)
	}

	// The login authenticates as the partner, whatever its case.
	pr, _, err := f.svc.AuthenticatePassword(f.ctx, "acme.LOGIN", loginPassword)
	if err != nil {
		t.Fatalf("log in with the partner's login: %v", err)
	}
	want := hub.RolePartnerSupervisor.Scopes()
	if pr.PartnerID != p.ID || pr.PartnerPath != p.Path || pr.UserID != u.ID || pr.Role != hub.RolePartnerSupervisor ||
		!slices.Equal(pr.Scopes, want) {
		t.Fatalf("partner login principal: %+v", pr)
	}
	if _, err := f.svc.IssueTokenWithPassword(f.ctx, "Acme.Login", loginPassword, hub.TokenRequest{}); err != nil {
		t.Fatalf("password grant with the partner's login: %v", err)
	}
	_, _, err = f.svc.AuthenticatePassword(f.ctx, "Acme.Login", loginPassword+"x")
	wantKind(t, err, hub.Unauthenticated, "wrong password")

	// Taken logins, in any case, and usernames: nothing is created.
	before := f.count(t, a)
	for _, login := range []string{"ACME.LOGIN", "acme.login"} {
		_, err = f.svc.CreatePartnerWithLogin(f.ctx, f.sys, &hub.Partner{Name: "Dup", ParentID: a.ID},
			&hub.PartnerLogin{Login: login, Password: loginPassword})
		wantField(t, err, hub.Conflict, "login", "duplicate login "+login)
	}
	f.mustUser(t, f.newUser("Plain.User", hub.RolePartnerUser, a.ID, 0), testPassword)
	_, err = f.svc.CreatePartnerWithLogin(f.ctx, f.sys, &hub.Partner{Name: "Dup", ParentID: a.ID},
		&hub.PartnerLogin{Login: "plain.user", Password: loginPassword})
	wantField(t, err, hub.Conflict, "login", "login equal to a username")
	_, err = f.svc.CreateUser(f.ctx, f.sys, f.newUser("ACME.login", hub.RolePartnerUser, a.ID, 0), testPassword)
	wantField(t, err, hub.Conflict, "username", "username equal to a login")
	_, err = f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: "Dup", ParentID: a.ID, Login: "Acme.login"})
	wantField(t, err, hub.Conflict, "login", "CreatePartner with a taken Login")
	for _, tc := range []struct {
		login, password, field string
	}{
		{"short.pw", "too short", "password"},
		{"has space", loginPassword, "login"},
		{"nul\x00", loginPassword, "login"},
		{"long.pw", strings.Repeat("x", 1025), "password"},
	} {
		_, err = f.svc.CreatePartnerWithLogin(f.ctx, f.sys, &hub.Partner{Name: "Bad", ParentID: a.ID},
			&hub.PartnerLogin{Login: tc.login, Password: tc.password})
		wantField(t, err, hub.Invalid, tc.field, "create with login "+tc.login)
	}
	if after := f.count(t, a); after != before+1 { // + Plain.User
		t.Fatalf("refused creates left objects: %d partners and users before, %d after", before, after)
	}

	// Who may: users.manage, and a role not below Partner Supervisor.
	noUsers := principal(a)
	noUsers.Scopes = []string{hub.ScopePartnersManage}
	_, err = f.svc.CreatePartnerWithLogin(f.ctx, noUsers, &hub.Partner{Name: "N", ParentID: a.ID},
		&hub.PartnerLogin{Login: "no.users", Password: loginPassword})
	wantKind(t, err, hub.Forbidden, "create a login without users.manage")
	low := principal(a)
	low.Role = hub.RolePartnerUser
	_, err = f.svc.CreatePartnerWithLogin(f.ctx, low, &hub.Partner{Name: "N", ParentID: a.ID},
		&hub.PartnerLogin{Login: "low.role", Password: loginPassword})
	wantKind(t, err, hub.Forbidden, "create a login from below Partner Supervisor")

	// The password appears in no audit row, partner or user.
	f.checkNoSecret(t, loginPassword)
}

// testPartnerLoginLater: a partner created without a login gets one later
// from an ancestor (not from itself); the login and the password can be
// changed; renaming the login user renames the login; deleting the
// partner removes its login user.
func testPartnerLoginLater(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	p := f.child(t, a, "P")
	if p.Login != "" || p.ContactUserID != 0 {
		t.Fatalf("partner without a login: %q %d", p.Login, p.ContactUserID)
	}
	_, err := f.svc.SetPartnerLogin(f.ctx, principal(p), hub.PartnerKey{ID: p.ID}, hub.PartnerLogin{Login: "self.made", Password: loginPassword})
	wantKind(t, err, hub.Forbidden, "a partner gives itself a login")
	_, err = f.svc.SetPartnerLogin(f.ctx, principal(a), hub.PartnerKey{ID: p.ID}, hub.PartnerLogin{Password: loginPassword})
	wantField(t, err, hub.Invalid, "login", "a password without a login")
	got, err := f.svc.SetPartnerLogin(f.ctx, principal(a), hub.PartnerKey{ID: p.ID}, hub.PartnerLogin{Login: "later.login", Password: loginPassword})
	if err != nil {
		t.Fatal(err)
	}
	if got.Login != "later.login" || got.ContactUserID == 0 || got.Version != p.Version+1 || !equalPartners(f.get(t, p.ID), got) {
		t.Fatalf("login given later: %+v", got)
	}
	if pr, _, err := f.svc.AuthenticatePassword(f.ctx, "later.login", loginPassword); err != nil || pr.PartnerID != p.ID {
		t.Fatalf("log in with a login given later: %+v %v", pr, err)
	}

	// A new password; then a new login name (the password stays).
	if _, err := f.svc.SetPartnerLogin(f.ctx, principal(a), hub.PartnerKey{ID: p.ID}, hub.PartnerLogin{Password: "second password"}); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.svc.AuthenticatePassword(f.ctx, "later.login", loginPassword)
	wantKind(t, err, hub.Unauthenticated, "old password after a change")
	got, err = f.svc.SetPartnerLogin(f.ctx, principal(a), hub.PartnerKey{ID: p.ID}, hub.PartnerLogin{Login: "renamed.login"})
	if err != nil || got.Login != "renamed.login" {
		t.Fatalf("rename the login: %+v %v", got, err)
	}
	if _, _, err := f.svc.AuthenticatePassword(f.ctx, "renamed.login", "second password"); err != nil {
		t.Fatalf("log in under the new login: %v", err)
	}
	_, _, err = f.svc.AuthenticatePassword(f.ctx, "later.login", "second password")
	wantKind(t, err, hub.Unauthenticated, "old login after a rename")
	f.mustUser(t, f.newUser("taken.name", hub.RolePartnerUser, a.ID, 0), testPassword)
	_, err = f.svc.SetPartnerLogin(f.ctx, principal(a), hub.PartnerKey{ID: p.ID}, hub.PartnerLogin{Login: "TAKEN.name"})
	wantField(t, err, hub.Conflict, "login", "rename to a taken username")
	_, err = f.svc.UpdatePartner(f.ctx, principal(a), hub.PartnerKey{ID: p.ID}, 0, func(q *hub.Partner) error { q.Login = ""; return nil })
	wantField(t, err, hub.Invalid, "login", "remove the login")

	// Renaming the login user through the users API renames the login.
	if _, err := f.svc.UpdateUser(f.ctx, principal(a), got.ContactUserID, 0, func(u *hub.User) error {
		u.Username = "user.renamed"
		return nil
	}); err != nil {
		t.Fatalf("rename the login user (no names or e-mail: none are required of it): %v", err)
	}
	if q := f.get(t, p.ID); q.Login != "user.renamed" {
		t.Fatalf("login after the user was renamed: %q", q.Login)
	}

	// A Login set on create without a password: a login user that cannot
	// log in until a password is set.
	nopw, err := f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: "NoPw", ParentID: a.ID, Login: "no.password"})
	if err != nil || nopw.ContactUserID == 0 {
		t.Fatalf("create with a login and no password: %+v %v", nopw, err)
	}
	_, _, err = f.svc.AuthenticatePassword(f.ctx, "no.password", "")
	wantKind(t, err, hub.Unauthenticated, "login without a password")
	if _, err := f.svc.SetPartnerLogin(f.ctx, f.sys, hub.PartnerKey{ID: nopw.ID}, hub.PartnerLogin{Password: loginPassword}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.AuthenticatePassword(f.ctx, "no.password", loginPassword); err != nil {
		t.Fatalf("login after its password was set: %v", err)
	}

	// Deleting the partner removes its login user (and its tokens).
	if _, err := f.svc.IssueTokenWithPassword(f.ctx, "no.password", loginPassword, hub.TokenRequest{}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeletePartner(f.ctx, f.sys, hub.PartnerKey{ID: nopw.ID}); err != nil {
		t.Fatalf("delete a partner with a login: %v", err)
	}
	_, err = f.svc.User(f.ctx, f.sys, nopw.ContactUserID)
	wantKind(t, err, hub.NotFound, "the deleted partner's login user")
	f.checkNoSecret(t, loginPassword)
	f.checkNoSecret(t, "second password")
}

// count returns the number of partners in p's subtree plus the users
// owned there.
func (f *fixture) count(t testing.TB, p *hub.Partner) int64 {
	t.Helper()
	partners, err := f.svc.ListPartners(f.ctx, f.sys, hub.PartnerKey{ID: p.ID}, hub.ListQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	users, err := f.svc.ListUsers(f.ctx, f.sys, hub.PartnerKey{ID: p.ID}, 0, false, hub.ListQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return partners.Total + users.Total
}

// checkNoSecret fails when secret, or its hash, appears in any audit row.
func (f *fixture) checkNoSecret(t testing.TB, secret string) {
	t.Helper()
	hash, _ := fastHasher{}.Hash(secret)
	q := hub.ListQuery{Limit: hub.MaxLimit}
	for {
		page, err := f.svc.ListAudit(f.ctx, f.sys, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Items {
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			if s := string(b); strings.Contains(s, secret) || strings.Contains(s, hash) || strings.Contains(strings.ToLower(s), "password\":") {
				t.Fatalf("audit row %d holds a password: %s", e.ID, s)
			}
		}
		if !page.HasMore {
			return
		}
		q.After = page.Items[len(page.Items)-1].ID
	}
}

// equalPartners compares two partners field by field.
func equalPartners(a, b *hub.Partner) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y) && a.Suspensions == b.Suspensions
}

// wantField fails unless err carries kind and names field first.
func wantField(t testing.TB, err error, kind hub.Kind, field, what string) {
	t.Helper()
	wantKind(t, err, kind, what)
	var he *hub.Error
	if !asError(err, &he) || len(he.Fields) == 0 || he.Fields[0].Field != field {
		t.Fatalf("%s: %v names %+v, want %q", what, err, fieldsOf(err), field)
	}
}

func fieldsOf(err error) []hub.FieldError {
	var he *hub.Error
	if asError(err, &he) {
		return he.Fields
	}
	return nil
}
