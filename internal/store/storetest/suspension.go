package storetest

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// credentials are one of each kind of credential homed in a subtree, to
// check together whether they authenticate.
type credentials struct {
	f      *fixture
	checks map[string]func() error
}

// add registers a named check that authenticates one credential.
func (c *credentials) add(name string, check func() error) { c.checks[name] = check }

// user adds a user with a password (its Basic and password-grant logins
// and its cached-Basic principal) and returns its home principal.
func (c *credentials) user(t *testing.T, name, username string) hub.Principal {
	t.Helper()
	pr, u, err := c.f.svc.AuthenticatePassword(c.f.ctx, username, testPassword)
	if err != nil {
		t.Fatalf("%s logs in: %v", name, err)
	}
	c.add(name+" password", func() error {
		_, _, err := c.f.svc.AuthenticatePassword(c.f.ctx, username, testPassword)
		return err
	})
	c.add(name+" password grant", func() error {
		_, err := c.f.svc.IssueTokenWithPassword(c.f.ctx, username, testPassword, hub.TokenRequest{})
		return err
	})
	c.add(name+" cached Basic", func() error {
		_, _, err := c.f.svc.UserPrincipal(c.f.ctx, u.ID)
		return err
	})
	return pr
}

// token adds a token issued to pr, at its home or at partner.
func (c *credentials) token(t *testing.T, name string, pr hub.Principal, partner *hub.Partner) {
	t.Helper()
	var it *hub.IssuedToken
	var err error
	if partner == nil {
		it, err = c.f.svc.IssueToken(c.f.ctx, pr, hub.TokenRequest{})
	} else {
		it, err = c.f.svc.IssueTokenForPartner(c.f.ctx, pr, hub.PartnerKey{ID: partner.ID}, hub.TokenRequest{})
	}
	if err != nil {
		t.Fatalf("issue %s: %v", name, err)
	}
	c.add(name, func() error { _, err := c.f.svc.AuthenticateToken(c.f.ctx, it.Access, "192.0.2.9"); return err })
	c.add(name+" refresh", func() error {
		// A refresh that works consumes the token: keep the new one.
		next, err := c.f.svc.RefreshToken(c.f.ctx, it.Refresh, 0)
		if err == nil {
			it = next
		}
		return err
	})
}

// key adds an API key at partner created by pr.
func (c *credentials) key(t *testing.T, name string, pr hub.Principal, partner *hub.Partner) {
	t.Helper()
	_, plain, err := c.f.svc.CreateAPIKey(c.f.ctx, pr, hub.NewAPIKeyRequest{PartnerID: partner.ID, Name: name,
		Scopes: []string{hub.ScopePartnersRead}})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	c.add(name, func() error { _, err := c.f.svc.AuthenticateKey(c.f.ctx, plain); return err })
}

// want checks that the credentials whose name has one of the prefixes in
// blocked are refused as Unauthenticated and every other one works.
func (c *credentials) want(t *testing.T, when string, blocked ...string) {
	t.Helper()
	names := make([]string, 0, len(c.checks))
	for n := range c.checks {
		names = append(names, n)
	}
	sort.Strings(names)
	var bad []string
	for _, n := range names {
		err := c.checks[n]()
		isBlocked := false
		for _, b := range blocked {
			isBlocked = isBlocked || strings.HasPrefix(n, b)
		}
		switch {
		case isBlocked && !hub.IsKind(err, hub.Unauthenticated):
			bad = append(bad, fmt.Sprintf("%s: got %v, want Unauthenticated", n, err))
		case !isBlocked && err != nil:
			bad = append(bad, fmt.Sprintf("%s: %v", n, err))
		}
	}
	if len(bad) > 0 {
		t.Fatalf("%s:\n  %s", when, strings.Join(bad, "\n  "))
	}
}

// testSuspensionCascade: a suspended or inactive partner and everything
// below it cannot authenticate (users, client users, partner logins, API
// keys, tokens at home and at a sub-partner, refreshes) until it is
// reactivated; objects stay readable above; a move into or out of a
// suspended subtree changes it at once.
func testSuspensionCascade(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	b := f.child(t, a, "B")
	c, err := f.svc.CreatePartnerWithLogin(f.ctx, f.sys, &hub.Partner{Name: "C", ParentID: b.ID},
		&hub.PartnerLogin{Login: "c.login", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	d := f.child(t, f.root, "D")
	client, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "Shop", PartnerID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	f.mustUser(t, f.newUser("b.user", hub.RolePartnerSupervisor, b.ID, 0), testPassword)
	f.mustUser(t, f.newUser("c.client", hub.RoleClientAdmin, 0, client.ID), testPassword)
	f.mustUser(t, f.newUser("d.user", hub.RolePartnerUser, d.ID, 0), testPassword)

	cr := &credentials{f: f, checks: map[string]func() error{}}
	bUser := cr.user(t, "B user", "b.user")
	cLogin := cr.user(t, "C login", "c.login")
	clientUser := cr.user(t, "C client user", "c.client")
	dUser := cr.user(t, "D user", "d.user")
	cr.token(t, "B user token", bUser, nil)
	cr.token(t, "C token of the B user", bUser, c)
	cr.token(t, "C login token", cLogin, nil)
	cr.token(t, "C client user token", clientUser, nil)
	cr.token(t, "D user token", dUser, nil)
	cr.key(t, "B key by the B user", bUser, b)
	cr.key(t, "C key by the B user", bUser, c)
	cr.key(t, "C key by the system", f.sys, c)
	cr.key(t, "D key", f.sys, d)
	cr.want(t, "all active")

	setStatus := func(p *hub.Partner, status string) {
		t.Helper()
		if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: p.ID}, 0, func(q *hub.Partner) error {
			q.Status = status
			return nil
		}); err != nil {
			t.Fatalf("set %s %s: %v", p.Name, status, err)
		}
	}
	below := []string{"B ", "C "}
	setStatus(a, hub.StatusSuspended)
	cr.want(t, "A suspended", below...)
	// Still readable from above, unchanged.
	if got := f.get(t, c.ID); got.Status != hub.StatusUnverified || !got.Blocked() {
		t.Fatalf("C below a suspended A: status %s blocked %v", got.Status, got.Blocked())
	}
	if got := f.get(t, d.ID); got.Blocked() {
		t.Fatal("D blocked by a sibling's suspension")
	}
	setStatus(a, hub.StatusActive)
	cr.want(t, "A reactivated")

	setStatus(b, hub.StatusInactive)
	cr.want(t, "B inactive", below...)
	setStatus(a, hub.StatusSuspended)
	setStatus(b, hub.StatusActive)
	cr.want(t, "B reactivated under a suspended A", below...)
	setStatus(a, hub.StatusActive)
	cr.want(t, "both active again")

	setStatus(c, hub.StatusSuspended)
	cr.want(t, "C suspended", "C ")
	setStatus(c, hub.StatusActive)

	// Moves: C into a suspended subtree and out again.
	e := f.child(t, f.root, "E")
	setStatus(e, hub.StatusSuspended)
	if _, err := f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: c.ID}, e.ID, 0); err != nil {
		t.Fatal(err)
	}
	// The B user's token at C and key at C acted inside the user's subtree;
	// C has left it, so they fail whatever the suspension; C's own
	// credentials fail because of it.
	cr.want(t, "C moved under a suspended E", "C ")
	if _, err := f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: c.ID}, b.ID, 0); err != nil {
		t.Fatal(err)
	}
	cr.want(t, "C moved back under B")
	if _, err := f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}, e.ID, 0); err != nil {
		t.Fatal(err)
	}
	cr.want(t, "B moved under a suspended E", below...)
	setStatus(e, hub.StatusActive)
	cr.want(t, "E reactivated")
	f.checkInvariants(t)
}
