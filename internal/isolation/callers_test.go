package isolation

import (
	"net/http"
	"slices"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// caller is one principal with one credential type.
type caller struct {
	name     string // "Partner User@S via X-API-Key", "Client User@S/client via Basic"
	home     *node  // the home partner; for a client-level caller, its client's owning partner
	clientID int64  // the caller's client, for client-level callers; else 0
	role     hub.Role
	userID   int64 // the acting user; 0 for API keys, which act for no user
	set      func(*http.Request)
}

// principal is the part of the caller's hub principal that visibility
// depends on.
func (c *caller) principal() hub.Principal {
	return hub.Principal{PartnerID: c.home.p.ID, PartnerPath: c.home.p.Path, ClientID: c.clientID, Role: c.role}
}

// sees reports whether a partner at path lies in the caller's subtree:
// the one rule of visibility (hub.Principal.SeesPath). A client-level
// caller sees no partner.
func (c *caller) sees(path string) bool { return c.principal().SeesPath(path) }

// seesUser reports whether a user is visible to the caller, by the rule
// of the hub (Principal.seesUser): a client-level caller sees the users of
// its own client only; any other caller those whose owning partner lies
// in its subtree, the users of that subtree's clients included.
func (c *caller) seesUser(u *hub.User) bool {
	if c.clientID != 0 {
		return u.ClientID == c.clientID
	}
	return hub.PathContains(c.home.p.Path, u.OwnerPartnerPath)
}

// holds reports whether the caller's role grants one of scopes, with the
// hub's semantics ("<resource>.manage" implies the whole resource).
func (c *caller) holds(scopes ...string) bool {
	return hub.Principal{Scopes: c.role.Scopes()}.HasAnyScope(scopes...)
}

// basic authenticates as u with its username and password.
func basic(u *user) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(u.u.Username, u.password) }
}

// header sets one request header.
func header(name, value string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set(name, value) }
}

// credentials returns u's callers, one per credential type u can hold:
// Basic, a bearer access token from the hub's token service, and (not for
// client-level users, see below) an API key as a bearer token and the
// same key in X-API-Key.
//
// The key is made for u's home partner with exactly u's scopes. A Partner
// User or System User lacks keys.manage, so hub.CreateAPIKey runs as u's
// principal with keys.manage added: the key then carries u's role (a key
// acts with its creator's role) and u's scopes, as an administrator-issued
// key for u would.
//
// Client-level users (Client Admin, Client User) hold no API key: an API
// key belongs to a partner, never to a client (hub.APIKey has no client,
// and hub.AuthenticateKey always yields a partner-level principal), and
// hub.CreateAPIKey refuses a client-level principal even with keys.manage:
// it sees no partner, so the key's partner is NotFound to it (visibility
// comes before the scope; issue 8 changed this from Forbidden).
// credentials checks that refusal, so that a hub that starts issuing
// client keys fails here and the matrix is extended to cover them.
func (f *fixture) credentials(u *user) []*caller {
	f.t.Helper()
	pr := f.principal(u)
	it, err := f.svc.IssueToken(f.ctx, pr, hub.TokenRequest{Name: "matrix credential"})
	if err != nil {
		f.t.Fatalf("token for %s: %v", u.u.Username, err)
	}
	who := string(u.u.Role) + "@" + u.home.name
	if u.client != nil {
		who += "/client"
	}
	who += " via "
	mk := func(kind string, userID int64, set func(*http.Request)) *caller {
		c := &caller{name: who + kind, home: u.home, role: u.u.Role, userID: userID, set: set}
		if u.client != nil {
			c.clientID = u.client.ID
		}
		return c
	}
	out := []*caller{
		mk("Basic", u.u.ID, basic(u)),
		mk("Bearer token", u.u.ID, header("Authorization", "Bearer "+it.Access)),
	}
	creator := pr
	creator.Scopes = append(slices.Clone(pr.Scopes), hub.ScopeKeysManage)
	_, key, err := f.svc.CreateAPIKey(f.ctx, creator, hub.NewAPIKeyRequest{PartnerID: u.home.p.ID,
		Name: "matrix " + u.u.Username, Scopes: u.u.Role.Scopes()})
	if u.client != nil {
		if !hub.IsKind(err, hub.NotFound) {
			f.t.Fatalf("API key for the client-level user %s: got key %t, error %v; want NotFound (else cover client keys in the matrix)",
				u.u.Username, key != "", err)
		}
		return out
	}
	if err != nil {
		f.t.Fatalf("API key for %s: %v", u.u.Username, err)
	}
	return append(out,
		mk("Bearer API key", 0, header("Authorization", "Bearer "+key)),
		mk("X-API-Key", 0, header("X-API-Key", key)))
}

// tokenTarget is a token that the matrix tries to revoke: never one of
// the callers' credentials.
type tokenTarget struct {
	sid   string
	owner *user
}

// targetToken issues a token to u, at u's home, for use as a target.
func (f *fixture) targetToken(u *user) *tokenTarget {
	f.t.Helper()
	it, err := f.svc.IssueToken(f.ctx, f.principal(u), hub.TokenRequest{Name: "matrix target"})
	if err != nil {
		f.t.Fatalf("target token for %s: %v", u.u.Username, err)
	}
	return &tokenTarget{sid: it.Token.SID, owner: u}
}
