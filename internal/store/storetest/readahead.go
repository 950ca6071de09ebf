package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// readAheadCase is one kind of credential a check reads a partner ahead
// with.
type readAheadCase struct {
	what string // "token", "user": names the credential in failures
	// alone reads the credential alone; combined reads it beside the
	// partner key names, in one read.
	alone    func() (any, error)
	combined func(hub.PartnerKey) (*hub.Partner, any, error)
	// authenticate checks the credential through the Service (a version
	// where the principal has one).
	authenticate func(ctx context.Context) (hub.Principal, int64, error)
	// key names a partner as the read-ahead's face does.
	key func(*hub.Partner) hub.PartnerKey
}

// checkPartnerReadAhead checks a combined read against the two reads it
// replaces, for partners a1 (below a, where the credential's principal
// acts), b (beside a) and the root, and the Service's use of it through a
// read-ahead: the same principal, visibility still checked, the partner
// served once, a missing partner answered as without the read-ahead.
func checkPartnerReadAhead(t *testing.T, f *fixture, a1, b *hub.Partner, c readAheadCase) {
	want, err := c.alone()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []hub.PartnerKey{{ID: a1.ID}, {SID: a1.SID}, {Ref: a1.Ref}, {SID: b.SID}, {ID: f.root.ID}} {
		wantP, err := f.st.Partner(f.ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		p, got, err := c.combined(key)
		if err != nil {
			t.Fatalf("combined read of %+v: %v", key, err)
		}
		if !reflect.DeepEqual(p, wantP) {
			t.Errorf("combined read of %+v: partner\n%+v\nwant\n%+v", key, p, wantP)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("combined read of %+v: %s\n%+v\nwant\n%+v", key, c.what, got, want)
		}
	}
	for what, key := range map[string]hub.PartnerKey{"missing SID": {SID: "00000000-0000-4000-8000-000000000000"},
		"missing id": {ID: b.ID + 1000}, "zero key": {}} {
		_, _, err := c.combined(key)
		wantKind(t, err, hub.NotFound, "combined read of a "+what)
	}

	// Through the Service: the principal is the one without a read-ahead;
	// the partner is served, once, with visibility checked.
	plain, version, err := c.authenticate(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	ctx := hub.WithPartnerReadAhead(f.ctx, c.key(a1))
	pr, v, err := c.authenticate(ctx)
	if err != nil || v != version || !reflect.DeepEqual(pr, plain) {
		t.Fatalf("principal with a read-ahead: %+v %d %v, want %+v %d", pr, v, err, plain, version)
	}
	if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a1.ID}, 0, func(p *hub.Partner) error { p.City = "Later"; return nil }); err != nil {
		t.Fatal(err)
	}
	p, err := f.svc.Partner(ctx, pr, c.key(a1))
	if err != nil || p.ID != a1.ID || p.City == "Later" {
		t.Fatalf("partner read ahead: %+v %v, want A1 as read with the %s", p, err, c.what)
	}
	p, err = f.svc.Partner(ctx, pr, c.key(a1))
	if err != nil || p.City != "Later" {
		t.Fatalf("second read of the partner: %+v %v, want a fresh read", p, err)
	}

	// An invisible partner read ahead is NotFound, as without it.
	ctx = hub.WithPartnerReadAhead(f.ctx, c.key(b))
	if pr, _, err = c.authenticate(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Partner(ctx, pr, c.key(b))
	wantKind(t, err, hub.NotFound, "an invisible partner read ahead")

	// A missing partner falls back to the credential alone: authenticated,
	// then NotFound.
	missing := c.key(&hub.Partner{ID: b.ID + 1000, SID: "00000000-0000-4000-8000-000000000000"})
	ctx = hub.WithPartnerReadAhead(f.ctx, missing)
	if pr, _, err = c.authenticate(ctx); err != nil {
		t.Fatalf("%s with a read-ahead of a missing partner: %v", c.what, err)
	}
	_, err = f.svc.Partner(ctx, pr, missing)
	wantKind(t, err, hub.NotFound, "a missing partner read ahead")
}

// testPartnerReadAhead checks the combined read of a token's credentials
// and a partner (Reader.PartnerWithTokenCredentials) and AuthenticateToken
// through a read-ahead (checkPartnerReadAhead); an unknown or revoked
// token is refused whatever it reads ahead.
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
	checkPartnerReadAhead(t, f, a1, b, readAheadCase{
		what:  "token",
		alone: func() (any, error) { return f.st.TokenCredentials(f.ctx, hash) },
		combined: func(key hub.PartnerKey) (*hub.Partner, any, error) {
			return f.st.PartnerWithTokenCredentials(f.ctx, key, hash)
		},
		authenticate: func(ctx context.Context) (hub.Principal, int64, error) {
			pr, err := f.svc.AuthenticateToken(ctx, it.Access, "192.0.2.1")
			return pr, 0, err
		},
		key: func(p *hub.Partner) hub.PartnerKey { return hub.PartnerKey{SID: p.SID} },
	})

	_, _, err = f.st.PartnerWithTokenCredentials(f.ctx, hub.PartnerKey{ID: a1.ID}, hub.HashSecret("no such token"))
	wantKind(t, err, hub.NotFound, "combined read with an unknown token")
	pr, err := f.svc.AuthenticateToken(f.ctx, it.Access, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RevokeToken(f.ctx, pr, it.Token.SID); err != nil {
		t.Fatal(err)
	}
	ctx := hub.WithPartnerReadAhead(f.ctx, hub.PartnerKey{SID: a1.SID})
	_, err = f.svc.AuthenticateToken(ctx, it.Access, "192.0.2.1")
	wantKind(t, err, hub.Unauthenticated, "a revoked token with a read-ahead")
}

// testPartnerReadAheadWithUser checks the combined read of a user and a
// partner (Reader.PartnerWithUser) and UserPrincipal (the check of a Basic
// credential verified earlier) through a read-ahead
// (checkPartnerReadAhead); a missing user is refused whatever it reads
// ahead.
func testPartnerReadAheadWithUser(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	b := f.child(t, f.root, "B")
	u := f.mustUser(t, f.newUser("basic", hub.RolePartnerSupervisor, a.ID, 0), testPassword)
	checkPartnerReadAhead(t, f, a1, b, readAheadCase{
		what:  "user",
		alone: func() (any, error) { return f.st.User(f.ctx, u.ID) },
		combined: func(key hub.PartnerKey) (*hub.Partner, any, error) {
			return f.st.PartnerWithUser(f.ctx, key, u.ID)
		},
		authenticate: func(ctx context.Context) (hub.Principal, int64, error) { return f.svc.UserPrincipal(ctx, u.ID) },
		key:          func(p *hub.Partner) hub.PartnerKey { return hub.PartnerKey{ID: p.ID} },
	})

	_, _, err := f.st.PartnerWithUser(f.ctx, hub.PartnerKey{ID: a1.ID}, u.ID+1000)
	wantKind(t, err, hub.NotFound, "combined read with an unknown user")
	ctx := hub.WithPartnerReadAhead(f.ctx, hub.PartnerKey{ID: a1.ID})
	_, _, err = f.svc.UserPrincipal(ctx, u.ID+1000)
	wantKind(t, err, hub.Unauthenticated, "a missing user with a read-ahead")
}
