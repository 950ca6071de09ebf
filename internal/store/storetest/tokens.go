package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

func testTokens(t *testing.T, f *fixture) {
	svc, clk := f.clocked()
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	b := f.child(t, f.root, "B")
	u := f.mustUser(t, f.newUser("tina", hub.RolePartnerUser, a.ID, 0), testPassword)

	_, err := svc.IssueTokenWithPassword(f.ctx, "tina", "wrong password!", hub.TokenRequest{})
	wantKind(t, err, hub.Unauthenticated, "token with a wrong password")
	it, err := svc.IssueTokenWithPassword(f.ctx, "TINA", testPassword, hub.TokenRequest{Name: "cli", OAuthClientID: "app-1",
		Scopes: []string{hub.ScopePartnersRead, hub.ScopePartnersUpdate, "bogus.scope"}})
	if err != nil {
		t.Fatal(err)
	}
	tok := it.Token
	if tok.PartnerSID != a.SID {
		t.Fatalf("issued token partner sid %q, want %q", tok.PartnerSID, a.SID)
	}
	if own, err := svc.OwnToken(f.ctx, hub.Principal{UserID: u.ID, Scopes: []string{hub.ScopeTokensManage}}, tok.SID); err != nil || own.ID != tok.ID || own.PartnerSID != a.SID {
		t.Fatalf("own token: %+v %v", own, err)
	}
	_, err = svc.OwnToken(f.ctx, hub.Principal{UserID: u.ID + 1000, Scopes: []string{hub.ScopeTokensManage}}, tok.SID)
	wantKind(t, err, hub.NotFound, "another user's token through OwnToken")
	if !hub.IsSID(tok.SID) || tok.UserID != u.ID || tok.PartnerID != a.ID || strings.Join(tok.Scopes, ",") != hub.ScopePartnersRead ||
		!tok.ExpiresAt.Equal(tok.CreatedAt.Add(hub.DefaultTokenTTL)) || len(it.Access) != 43 || len(it.Refresh) != 43 || it.Access == it.Refresh {
		t.Fatalf("issued: %+v", it)
	}
	pr, err := svc.AuthenticateToken(f.ctx, it.Access, "192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	if pr.UserID != u.ID || pr.PartnerID != a.ID || pr.Role != hub.RolePartnerUser || !pr.HasScope(hub.ScopePartnersRead) || pr.HasScope(hub.ScopeClientsRead) {
		t.Fatalf("token principal: %+v", pr)
	}
	_, err = svc.AuthenticateToken(f.ctx, it.Refresh, "")
	wantKind(t, err, hub.Unauthenticated, "refresh token used as access token")
	_, err = svc.AuthenticateToken(f.ctx, "not-a-token", "")
	wantKind(t, err, hub.Unauthenticated, "garbage token")

	// Scopes: none requested means all of the user's; none left is Invalid.
	upr, _, err := svc.AuthenticatePassword(f.ctx, "tina", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	full, err := svc.IssueToken(f.ctx, upr, hub.TokenRequest{TTL: 90 * 24 * time.Hour})
	if err != nil || len(full.Token.Scopes) != len(hub.RolePartnerUser.Scopes()) || !full.Token.ExpiresAt.Equal(full.Token.CreatedAt.Add(hub.MaxTokenTTL)) {
		t.Fatalf("full token: %+v %v", full, err)
	}
	_, err = svc.IssueToken(f.ctx, upr, hub.TokenRequest{Scopes: []string{hub.ScopeAuditRead}})
	wantKind(t, err, hub.Invalid, "token with only scopes the user lacks")
	_, err = svc.IssueToken(f.ctx, principal(a), hub.TokenRequest{})
	wantKind(t, err, hub.Forbidden, "token for a principal without a user")

	// A token for a visible sub-partner acts there; an invisible one is NotFound.
	sub, err := svc.IssueTokenForPartner(f.ctx, upr, hub.PartnerKey{SID: a1.SID}, hub.TokenRequest{TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	spr, err := svc.AuthenticateToken(f.ctx, sub.Access, "")
	if err != nil || spr.PartnerID != a1.ID || spr.PartnerPath != a1.Path {
		t.Fatalf("sub-partner token principal: %+v %v", spr, err)
	}
	_, err = svc.Partner(f.ctx, spr, hub.PartnerKey{ID: a.ID})
	wantKind(t, err, hub.NotFound, "sub-partner token reads the user's home")
	_, err = svc.IssueTokenForPartner(f.ctx, upr, hub.PartnerKey{ID: b.ID}, hub.TokenRequest{})
	wantKind(t, err, hub.NotFound, "token for an invisible partner")

	// Expiry.
	clk.advance(time.Hour)
	_, err = svc.AuthenticateToken(f.ctx, sub.Access, "")
	wantKind(t, err, hub.Unauthenticated, "expired token")

	// Own list, newest first, with the recorded last access.
	list, err := svc.ListTokens(f.ctx, upr, hub.ListQuery{})
	if err != nil || list.Total != 3 || list.Items[0].ID != sub.Token.ID || list.Items[2].ID != tok.ID {
		t.Fatalf("own tokens: %+v %v", list, err)
	}
	if got := list.Items[2]; got.LastAccessAt == nil || got.LastAccessIP != "192.0.2.7" {
		t.Fatalf("last access not recorded: %+v", got)
	}
	other, err := svc.ListTokens(f.ctx, principal(a), hub.ListQuery{})
	if err != nil || other.Total != 0 {
		t.Fatalf("a userless principal lists tokens: %+v %v", other, err)
	}

	// Revocation: others' tokens are NotFound unless manageable.
	outsider := principal(b)
	outsider.UserID = 1 << 40
	_, err = svc.RevokeToken(f.ctx, outsider, tok.SID)
	wantKind(t, err, hub.NotFound, "revoke a token of an invisible user")
	// A visible user without users.manage cannot tell another user's token
	// from a missing one.
	peer := f.mustUser(t, f.newUser("pete", hub.RolePartnerUser, a.ID, 0), testPassword)
	ppr, _, err := svc.AuthenticatePassword(f.ctx, peer.Username, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.RevokeToken(f.ctx, ppr, tok.SID)
	wantKind(t, err, hub.NotFound, "a peer without users.manage revokes another user's token")
	rt, err := svc.RevokeToken(f.ctx, upr, tok.SID)
	if err != nil || rt.RevokedAt == nil {
		t.Fatalf("revoke own token: %+v %v", rt, err)
	}
	_, err = svc.AuthenticateToken(f.ctx, it.Access, "")
	wantKind(t, err, hub.Unauthenticated, "revoked token")
	if _, err := svc.RevokeToken(f.ctx, principal(a), full.Token.SID); err != nil {
		t.Fatalf("supervisor revokes its user's token: %v", err)
	}
	_, err = svc.AuthenticateToken(f.ctx, full.Access, "")
	wantKind(t, err, hub.Unauthenticated, "token revoked by a supervisor")

	// Deactivating the user stops its tokens at once.
	live, err := svc.IssueToken(f.ctx, upr, hub.TokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DeactivateUser(f.ctx, f.sys, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err = svc.AuthenticateToken(f.ctx, live.Access, "")
	wantKind(t, err, hub.Unauthenticated, "token of a deactivated user")
}

func testTokenRefresh(t *testing.T, f *fixture) {
	svc, clk := f.clocked()
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	f.mustUser(t, f.newUser("rita", hub.RolePartnerSupervisor, a.ID, 0), testPassword)
	upr, _, err := svc.AuthenticatePassword(f.ctx, "rita", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	it, err := svc.IssueTokenForPartner(f.ctx, upr, hub.PartnerKey{ID: a1.ID}, hub.TokenRequest{Name: "n", OAuthClientID: "c",
		Scopes: []string{hub.ScopePartnersRead, hub.ScopeClientsRead}, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(2 * time.Hour) // the access token expired; the refresh token lives on
	_, err = svc.AuthenticateToken(f.ctx, it.Access, "")
	wantKind(t, err, hub.Unauthenticated, "expired access token")
	_, err = svc.RefreshToken(f.ctx, it.Access, 0)
	wantKind(t, err, hub.Unauthenticated, "access token used as refresh token")
	nt, err := svc.RefreshToken(f.ctx, it.Refresh, 0)
	if err != nil {
		t.Fatal(err)
	}
	if nt.Token.PartnerID != a1.ID || nt.Token.Name != "n" || nt.Token.OAuthClientID != "c" ||
		strings.Join(nt.Token.Scopes, ",") != "clients.read,partners.read" || nt.Token.SID == it.Token.SID || nt.Access == it.Access {
		t.Fatalf("refreshed: %+v", nt.Token)
	}
	pr, err := svc.AuthenticateToken(f.ctx, nt.Access, "")
	if err != nil || pr.PartnerID != a1.ID {
		t.Fatalf("refreshed token principal: %+v %v", pr, err)
	}
	_, err = svc.RefreshToken(f.ctx, it.Refresh, 0)
	wantKind(t, err, hub.Unauthenticated, "refresh token reused")
	clk.advance(hub.RefreshTokenTTL)
	_, err = svc.RefreshToken(f.ctx, nt.Refresh, 0)
	wantKind(t, err, hub.Unauthenticated, "expired refresh token")
}
