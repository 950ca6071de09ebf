package bluefin_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/bluefin"
	"github.com/partnerhub/partnerhub/internal/hub"
)

var paramRE = regexp.MustCompile(`\{[^}]*\}`)

// routesWithoutParamNames lists the authenticated routes as "METHOD path"
// with each path parameter written {}.
func routesWithoutParamNames() []string {
	var out []string
	for _, rt := range bluefin.Routes() {
		if !rt.Public {
			out = append(out, rt.Method+" "+paramRE.ReplaceAllString(rt.Pattern, "{}"))
		}
	}
	return out
}

// TestRoutes: the route table is the one the issue asks for, every
// authenticated route names the hub's requirement of its operation, and
// only the OpenAPI document is public.
func TestRoutes(t *testing.T) {
	var got []string
	for _, rt := range bluefin.Routes() {
		got = append(got, rt.ID())
		switch {
		case rt.Public && rt.Pattern != "/api/v1/openapi.json":
			t.Errorf("route %s is public", rt.ID())
		case !rt.Public && len(rt.Scopes) == 0:
			t.Errorf("route %s names no scope", rt.ID())
		}
		for _, s := range rt.Scopes {
			if !hub.ValidScope(s) {
				t.Errorf("route %s names unknown scope %q", rt.ID(), s)
			}
		}
	}
	want := []string{
		"GET /api/v1/openapi.json",
		"GET /api/v1/partners", "POST /api/v1/partners", "GET /api/v1/partners/{partner_id}", "PATCH /api/v1/partners/{partner_id}",
		"GET /api/v1/users", "POST /api/v1/users", "GET /api/v1/users/{user_id}", "PATCH /api/v1/users/{user_id}",
		"GET /api/v1/clients", "POST /api/v1/clients", "GET /api/v1/clients/{client_id}", "PATCH /api/v1/clients/{client_id}", "DELETE /api/v1/clients/{client_id}",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("routes:\n got  %v\n want %v", got, want)
	}
}
