package storetest

import (
	"reflect"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testPartnerReadAhead checks the combined read of a token's credentials
// and a partner (Reader.PartnerWithTokenCredentials) against the two
// reads it replaces, and the Service's use of it through a read-ahead:
// the same answers, visibility still checked, the partner served once.
func testPartnerReadAhead(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	b := f.child(t, f.root, "B")
	f.mustUser(t, f.newUser("reader", hub.RolePartnerSupervisor, a.ID, 0), testPassword)
	it, err := f.svc.IssueTokenWithPassword(f.ctx, "reader", testPassword, hub.TokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	hash := hub.HashSecret(it.Access)

	creds, err := f.st.TokenCredentials(f.ctx, hash)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []hub.PartnerKey{{ID: a1.ID}, {SID: a1.SID}, {Ref: a1.Ref}, {SID: b.SID}, {ID: f.root.ID}} {
		want, err := f.st.Partner(f.ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		p, c, err := f.st.PartnerWithTokenCredentials(f.ctx, key, hash)
		if err != nil {
			t.Fatalf("combined read of %+v: %v", key, err)
		}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("combined read of %+v: partner\n%+v\nwant\n%+v", key, p, want)
		}
		if !reflect.DeepEqual(c, creds) {
			t.Errorf("combined read of %+v: credentials\n%+v\nwant\n%+v", key, c, creds)
		}
	}
	for what, key := range map[string]hub.PartnerKey{"missing SID": {SID: "00000000-0000-4000-8000-000000000000"},
		"missing id": {ID: b.ID + 1000}, "zero key": {}} {
		_, _, err := f.st.PartnerWithTokenCredentials(f.ctx, key, hash)
		wantKind(t, err, hub.NotFound, "combined read of a "+what)
	}
	_, _, err = f.st.PartnerWithTokenCredentials(f.ctx, hub.PartnerKey{ID: a1.ID}, hub.HashSecret("no such token"))
	wantKind(t, err, hub.NotFound, "combined read with an unknown token")

	// Through the Service: the principal is the one without a read-ahead;
	// the partner is served, once, with visibility checked.
	plain, err := f.svc.AuthenticateToken(f.ctx, it.Access, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	ctx := hub.WithPartnerReadAhead(f.ctx, hub.PartnerKey{SID: a1.SID})
	pr, err := f.svc.AuthenticateToken(ctx, it.Access, "192.0.2.1")
	if err != nil || !reflect.DeepEqual(pr, plain) {
		t.Fatalf("principal with a read-ahead: %+v %v, want %+v", pr, err, plain)
	}
	if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a1.ID}, 0, func(p *hub.Partner) error { p.City = "Later"; return nil }); err != nil {
		t.Fatal(err)
	}
	p, err := f.svc.Partner(ctx, pr, hub.PartnerKey{SID: a1.SID})
	if err != nil || p.ID != a1.ID || p.City == "Later" {
		t.Fatalf("partner read ahead: %+v %v, want A1 as read with the token", p, err)
	}
	p, err = f.svc.Partner(ctx, pr, hub.PartnerKey{SID: a1.SID})
	if err != nil || p.City != "Later" {
		t.Fatalf("second read of the partner: %+v %v, want a fresh read", p, err)
	}

	// An invisible partner read ahead is NotFound, as without it.
	ctx = hub.WithPartnerReadAhead(f.ctx, hub.PartnerKey{SID: b.SID})
	if pr, err = f.svc.AuthenticateToken(ctx, it.Access, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Partner(ctx, pr, hub.PartnerKey{SID: b.SID})
	wantKind(t, err, hub.NotFound, "an invisible partner read ahead")

	// A missing partner falls back to the token alone: authenticated, then
	// NotFound.
	missing := hub.PartnerKey{SID: "00000000-0000-4000-8000-000000000000"}
	ctx = hub.WithPartnerReadAhead(f.ctx, missing)
	if pr, err = f.svc.AuthenticateToken(ctx, it.Access, "192.0.2.1"); err != nil {
		t.Fatalf("token with a read-ahead of a missing partner: %v", err)
	}
	_, err = f.svc.Partner(ctx, pr, missing)
	wantKind(t, err, hub.NotFound, "a missing partner read ahead")

	// A revoked token is refused whatever it reads ahead.
	if _, err := f.svc.RevokeToken(f.ctx, pr, it.Token.SID); err != nil {
		t.Fatal(err)
	}
	ctx = hub.WithPartnerReadAhead(f.ctx, hub.PartnerKey{SID: a1.SID})
	_, err = f.svc.AuthenticateToken(ctx, it.Access, "192.0.2.1")
	wantKind(t, err, hub.Unauthenticated, "a revoked token with a read-ahead")
}

// testPartnerReadAheadWithUser checks the combined read of a user and a
// partner (Reader.PartnerWithUser) against the two reads it replaces, and
// UserPrincipal's use of it through a read-ahead (a Basic credential
// verified earlier): the same principal, visibility still checked, the
// partner served once.
func testPartnerReadAheadWithUser(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	b := f.child(t, f.root, "B")
	u := f.mustUser(t, f.newUser("basic", hub.RolePartnerSupervisor, a.ID, 0), testPassword)

	want, err := f.st.User(f.ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []hub.PartnerKey{{ID: a1.ID}, {SID: a1.SID}, {Ref: a1.Ref}, {SID: b.SID}, {ID: f.root.ID}} {
		wantP, err := f.st.Partner(f.ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		p, got, err := f.st.PartnerWithUser(f.ctx, key, u.ID)
		if err != nil {
			t.Fatalf("combined read of %+v: %v", key, err)
		}
		if !reflect.DeepEqual(p, wantP) {
			t.Errorf("combined read of %+v: partner\n%+v\nwant\n%+v", key, p, wantP)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("combined read of %+v: user\n%+v\nwant\n%+v", key, got, want)
		}
	}
	for what, key := range map[string]hub.PartnerKey{"missing SID": {SID: "00000000-0000-4000-8000-000000000000"},
		"missing id": {ID: b.ID + 1000}, "zero key": {}} {
		_, _, err := f.st.PartnerWithUser(f.ctx, key, u.ID)
		wantKind(t, err, hub.NotFound, "combined read of a "+what)
	}
	_, _, err = f.st.PartnerWithUser(f.ctx, hub.PartnerKey{ID: a1.ID}, u.ID+1000)
	wantKind(t, err, hub.NotFound, "combined read with an unknown user")

	// Through the Service: the principal is the one without a read-ahead;
	// the partner is served, once, with visibility checked.
	plain, version, err := f.svc.UserPrincipal(f.ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	ctx := hub.WithPartnerReadAhead(f.ctx, hub.PartnerKey{ID: a1.ID})
	pr, v, err := f.svc.UserPrincipal(ctx, u.ID)
	if err != nil || v != version || !reflect.DeepEqual(pr, plain) {
		t.Fatalf("principal with a read-ahead: %+v %d %v, want %+v %d", pr, v, err, plain, version)
	}
	if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a1.ID}, 0, func(p *hub.Partner) error { p.City = "Later"; return nil }); err != nil {
		t.Fatal(err)
	}
	p, err := f.svc.Partner(ctx, pr, hub.PartnerKey{ID: a1.ID})
	if err != nil || p.ID != a1.ID || p.City == "Later" {
		t.Fatalf("partner read ahead: %+v %v, want A1 as read with the user", p, err)
	}
	p, err = f.svc.Partner(ctx, pr, hub.PartnerKey{ID: a1.ID})
	if err != nil || p.City != "Later" {
		t.Fatalf("second read of the partner: %+v %v, want a fresh read", p, err)
	}

	// An invisible partner read ahead is NotFound, as without it.
	ctx = hub.WithPartnerReadAhead(f.ctx, hub.PartnerKey{ID: b.ID})
	if pr, _, err = f.svc.UserPrincipal(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Partner(ctx, pr, hub.PartnerKey{ID: b.ID})
	wantKind(t, err, hub.NotFound, "an invisible partner read ahead")

	// A missing partner falls back to the user alone: a principal, then
	// NotFound.
	missing := hub.PartnerKey{ID: b.ID + 1000}
	ctx = hub.WithPartnerReadAhead(f.ctx, missing)
	if pr, _, err = f.svc.UserPrincipal(ctx, u.ID); err != nil {
		t.Fatalf("user with a read-ahead of a missing partner: %v", err)
	}
	_, err = f.svc.Partner(ctx, pr, missing)
	wantKind(t, err, hub.NotFound, "a missing partner read ahead")

	// A missing user is refused whatever it reads ahead.
	ctx = hub.WithPartnerReadAhead(f.ctx, hub.PartnerKey{ID: a1.ID})
	_, _, err = f.svc.UserPrincipal(ctx, u.ID+1000)
	wantKind(t, err, hub.Unauthenticated, "a missing user with a read-ahead")
}
