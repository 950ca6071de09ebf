package isolation

import (
	"net/http"
	"slices"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// caller is one principal with one credential type.
type caller struct {
	name   string // "Partner User@S via X-API-Key"
	home   *node
	role   hub.Role
	userID int64 // the acting user; 0 for API keys, which act for no user
	set    func(*http.Request)
}

// sees reports whether a partner at path lies in the caller's subtree:
// the one rule of visibility (hub.Principal.SeesPath).
func (c *caller) sees(path string) bool { return hub.PathContains(c.home.p.Path, path) }

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

// credentials returns u's four callers: Basic, a bearer access token from
// the hub's token service, an API key as a bearer token and the same key
// in X-API-Key.
//
// The key is made for u's home partner with exactly u's scopes. A Partner
// User lacks keys.manage, so hub.CreateAPIKey runs as u's principal with
// keys.manage added: the key then carries u's role (a key acts with its
// creator's role) and u's scopes, as an administrator-issued key for u
// would.
func (f *fixture) credentials(u *user) []*caller {
	f.t.Helper()
	pr := f.principal(u)
	it, err := f.svc.IssueToken(f.ctx, pr, hub.TokenRequest{Name: "matrix credential"})
	if err != nil {
		f.t.Fatalf("token for %s: %v", u.u.Username, err)
	}
	creator := pr
	creator.Scopes = append(slices.Clone(pr.Scopes), hub.ScopeKeysManage)
	_, key, err := f.svc.CreateAPIKey(f.ctx, creator, hub.NewAPIKeyRequest{PartnerID: u.home.p.ID,
		Name: "matrix " + u.u.Username, Scopes: u.u.Role.Scopes()})
	if err != nil {
		f.t.Fatalf("API key for %s: %v", u.u.Username, err)
	}
	who := string(u.u.Role) + "@" + u.home.name + " via "
	mk := func(kind string, userID int64, set func(*http.Request)) *caller {
		return &caller{name: who + kind, home: u.home, role: u.u.Role, userID: userID, set: set}
	}
	return []*caller{
		mk("Basic", u.u.ID, basic(u)),
		mk("Bearer token", u.u.ID, header("Authorization", "Bearer "+it.Access)),
		mk("Bearer API key", 0, header("Authorization", "Bearer "+key)),
		mk("X-API-Key", 0, header("X-API-Key", key)),
	}
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
