package carrierx_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// concrete fills a route pattern's wildcards with fresh SIDs.
func concrete(pattern string) string {
	for _, w := range []string{"{partner_sid}", "{token_sid}"} {
		pattern = strings.ReplaceAll(pattern, w, hub.NewSID())
	}
	return pattern
}

// TestRoutesTable checks the exported table: well-formed, served as
// declared (authenticated routes answer 401 without credentials, public
// ones do not), and documented in openapi.json.
func TestRoutesTable(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	e := newEnv(t, "sqlite")
	seen := map[string]bool{}
	routes := carrierx.Routes()
	if len(routes) == 0 {
		t.Fatal("no routes")
	}
	for _, rt := range routes {
		id := rt.Method + " " + rt.Pattern
		if seen[id] {
			t.Errorf("%s: listed twice", id)
		}
		seen[id] = true
		if !strings.HasPrefix(rt.Pattern, carrierx.Prefix+"/") || strings.Contains(rt.Pattern, "{$}") {
			t.Errorf("%s: not a full path under %s", id, carrierx.Prefix)
		}
		if rt.Public != (len(rt.Scopes) == 0) {
			t.Errorf("%s: public %v with scopes %v", id, rt.Public, rt.Scopes)
		}
		for _, s := range rt.Scopes {
			if !hub.ValidScope(s) {
				t.Errorf("%s: unknown scope %q", id, s)
			}
		}
		r := e.do(t, req{method: rt.Method, path: concrete(rt.Pattern)})
		switch {
		case !rt.Public && r.status != http.StatusUnauthorized:
			t.Errorf("%s without credentials: %d, want 401", id, r.status)
		case rt.Public && (r.status == http.StatusUnauthorized || r.status == http.StatusNotFound || r.status == http.StatusMethodNotAllowed):
			t.Errorf("public %s: %d", id, r.status)
		}
		item := doc.Paths.Find(strings.TrimPrefix(rt.Pattern, carrierx.Prefix))
		if item == nil || item.GetOperation(rt.Method) == nil {
			t.Errorf("%s: not in openapi.json", id)
		}
	}
	// Routes returns a copy.
	routes[0].Pattern = "changed"
	if carrierx.Routes()[0].Pattern == "changed" {
		t.Error("Routes exposes the table itself")
	}
}

func TestTokenResponsesMatchOpenAPI(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	e := newAuthEnv(t, "sqlite")
	e.user(e.root, "alice", hub.RolePartnerSupervisor)
	tok := e.grant(t, "alice")
	conforms(t, doc, "Token", []byte(mustJSON(t, tok)))
	a := e.partner(e.root, "A")
	bearer := tok["access_token"].(string)
	conforms(t, doc, "Token", e.do(t, req{method: "POST", path: "/core/v2/oauth/token/" + a.SID, token: bearer}).want(t, 200).body)
	conforms(t, doc, "TokenList", e.do(t, req{method: "GET", path: "/core/v2/oauth/tokens", token: bearer}).want(t, 200).body)
}
