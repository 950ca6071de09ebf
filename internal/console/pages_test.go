package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/console"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestEveryPage: every GET route of the route table answers a signed-in
// Partner Supervisor with its page (status, heading and a piece of
// content), and the table and this list agree, so a new page cannot go
// untested.
func TestEveryPage(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		f := e.crFixture()
		c := e.signedIn("alice")
		a1, cl, key := id(e.alpha1.ID), id(e.client.ID), id(e.key.ID)
		a, cr := id(e.alpha.ID), id(f.cr.ID)
		pages := []struct {
			pattern, path string
			status        int
			heading, want string
		}{
			{"/console/sign-in", "/console/sign-in", http.StatusSeeOther, "", ""}, // signed in: home
			{"/console/{$}", "/console/", http.StatusOK, "Alpha Resellers", "Alpha One"},
			{"/console/tree", "/console/tree?at=" + a1, http.StatusOK, "Alpha One", "Alpha Deep"},
			{"/console/tree/{id}/children", "/console/tree/" + a1 + "/children", http.StatusSeeOther, "", ""}, // without htmx: the tree page
			{"/console/search", "/console/search?q=alpha", http.StatusOK, "Find a partner", "Alpha Deep"},
			{"/console/partners/{id}", "/console/partners/" + a1, http.StatusOK, "Alpha One", "Alpha Deep"},
			{"/console/partners/{id}/clients", "/console/partners/" + a1 + "/clients", http.StatusOK, "Alpha One", "Alpha Client"},
			{"/console/partners/{id}/channels", "/console/partners/" + a1 + "/channels", http.StatusOK, "Alpha One", "14155550100"},
			{"/console/partners/{id}/users", "/console/partners/" + id(e.alpha.ID) + "/users", http.StatusOK, "Alpha Resellers", "alpha-login"},
			{"/console/partners/{id}/edit", "/console/partners/" + a1 + "/edit", http.StatusOK, "Edit Alpha One", `value="Ann"`},
			{"/console/partners/{id}/move", "/console/partners/" + a1 + "/move", http.StatusOK, "Move Alpha One", "New parent partner"},
			{"/console/partners/{id}/new", "/console/partners/" + a1 + "/new", http.StatusOK, "New sub-partner of Alpha One", "Login password"},
			{"/console/clients/{id}", "/console/clients/" + cl, http.StatusOK, "Alpha Client", "14155550100"},
			{"/console/keys", "/console/keys", http.StatusOK, "API keys", "alpha key"},
			{"/console/keys/new", "/console/keys/new", http.StatusOK, "New API key", "partners.manage"},
			{"/console/keys/{id}/revoke", "/console/keys/" + key + "/revoke", http.StatusOK, "Revoke the key “alpha key”?", "phk_" + e.key.Prefix},
			{"/console/users", "/console/users", http.StatusOK, "Users", "alpha-login"},
			{"/console/users/{id}", "/console/users/new", http.StatusOK, "New user", "Initial password"},
			{"/console/users/{id}", "/console/users/" + id(e.alice.ID), http.StatusOK, "alice", "this is you"},
			{"/console/users/{id}/deactivate", "/console/users/" + id(e.alice.ID) + "/deactivate", http.StatusOK, "Deactivate alice?", "Deactivate"},
			{"/console/audit", "/console/audit?object_type=partner&object_id=" + a1, http.StatusOK, "Audit log", "create"},
			{"/console/partners/{id}/change-requests", "/console/partners/" + a1 + "/change-requests?dir=outgoing", http.StatusOK, "Alpha One", f.cr.Ref},
			{"/console/partners/{id}/auto-approve", "/console/partners/" + a + "/auto-approve", http.StatusOK, "Turn auto-approve on for Alpha Resellers?", "Turn auto-approve on"},
			{"/console/partners/{id}/webhooks", "/console/partners/" + a1 + "/webhooks", http.StatusOK, "Alpha One", "No deliveries yet"},
			{"/console/partners/{id}/webhooks/url", "/console/partners/" + a1 + "/webhooks/url", http.StatusOK, "Webhook URL of Alpha One", `name="webhook_url"`},
			{"/console/partners/{id}/webhooks/clear", "/console/partners/" + a1 + "/webhooks/clear", http.StatusOK, "Remove the webhook URL of Alpha One?", "has no webhook URL"},
			{"/console/partners/{id}/webhooks/rotate", "/console/partners/" + a1 + "/webhooks/rotate", http.StatusOK, "Replace the webhook signing secret of Alpha One?", "Replace the secret"},
			{"/console/clients/{id}/change-request", "/console/clients/" + id(f.client.ID) + "/change-request", http.StatusOK, "Move Moving Client to another partner", f.channels[1].Ref},
			{"/console/change-requests", "/console/change-requests", http.StatusOK, "Alpha Resellers", f.cr.Ref},
			{"/console/change-requests/{id}", "/console/change-requests/" + cr, http.StatusOK, "Change request " + f.cr.Ref, "Waiting for the target partner"},
			{"/console/change-requests/{id}/approve", "/console/change-requests/" + cr + "/approve", http.StatusOK, "Approve change request " + f.cr.Ref + "?", "Approve the request"},
			{"/console/change-requests/{id}/reject", "/console/change-requests/" + cr + "/reject", http.StatusOK, "Reject change request " + f.cr.Ref + "?", "Reject the request"},
			{"/console/webhooks", "/console/webhooks", http.StatusOK, "Alpha Resellers", "none: no events are sent"},
			{"/console/static/{file}", "/console/static/htmx.min.js", http.StatusOK, "", "htmx"},
		}
		tested := map[string]bool{}
		for _, p := range pages {
			tested[p.pattern] = true
			res := c.get(p.path)
			if res.status != p.status {
				t.Errorf("GET %s: %d, want %d\n%.400s", p.path, res.status, p.status, res.body)
				continue
			}
			if p.heading != "" && !strings.HasPrefix(title(res.body), p.heading) {
				t.Errorf("GET %s: heading %q, want %q", p.path, title(res.body), p.heading)
			}
			if !strings.Contains(res.body, p.want) {
				t.Errorf("GET %s: no %q in the page", p.path, p.want)
			}
			if p.status == http.StatusOK && p.heading != "" {
				for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options"} {
					if res.header.Get(h) == "" {
						t.Errorf("GET %s: no %s", p.path, h)
					}
				}
				if res.header.Get("Cache-Control") != "no-store" {
					t.Errorf("GET %s: Cache-Control %q", p.path, res.header.Get("Cache-Control"))
				}
			}
		}
		for _, rt := range console.Routes() {
			if rt.Method == http.MethodGet && !tested[rt.Pattern] {
				t.Errorf("route %s has no page test", rt.ID())
			}
		}
	})
}

// TestEmptyStatesAndPaging: empty lists say so; lists page with links
// that keep the filter; a bad page number is a 400 naming it.
func TestEmptyStatesAndPaging(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		c := e.signedIn("bob")
		for path, want := range map[string]string{
			"/console/":     "has no sub-partners",
			"/console/keys": "No API keys yet",
			"/console/partners/" + id(e.beta.ID) + "/clients": "serves no clients directly",
			"/console/search?q=nothing-like-this":             "No partner in your branch matches",
			"/console/audit?actor=user:0":                     "No entries match this filter",
			"/console/users?q=zzz":                            "No username contains",
		} {
			if res := c.get(path); res.status != http.StatusOK || !strings.Contains(res.body, want) {
				t.Errorf("GET %s: %d, want %q\n%.300s", path, res.status, want, res.body)
			}
		}
		ctx := t.Context()
		pr, _, err := e.svc.UserPrincipal(ctx, e.bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 30 {
			if _, err := e.svc.CreatePartner(ctx, pr, &hub.Partner{ParentID: e.beta.ID, Name: "Beta child " + string(rune('A'+i%26)) + id(int64(i))}); err != nil {
				t.Fatal(err)
			}
		}
		res := c.get("/console/search?q=beta+child")
		if !strings.Contains(res.body, "Page 1 of 2") || !strings.Contains(res.body, `rel="next"`) || !strings.Contains(res.body, "page=2") {
			t.Fatalf("search pager:\n%s", res.body)
		}
		res = c.get("/console/search?q=beta+child&page=2")
		if !strings.Contains(res.body, "Page 2 of 2") || !strings.Contains(res.body, "26–30 of 30") {
			t.Fatalf("second page:\n%s", res.body)
		}
		for _, bad := range []string{"0", "x", "100001"} {
			if res := c.get("/console/keys?page=" + bad); res.status != http.StatusBadRequest || !strings.Contains(res.body, "page") {
				t.Errorf("page=%s: %d", bad, res.status)
			}
		}
		if res := c.get("/console/keys?page=%zz"); res.status != http.StatusBadRequest {
			t.Errorf("undecodable query: %d", res.status)
		}
	})
}

// TestFragments: htmx requests get the part of the page they target: a
// node's children, a page of results; a failing fragment is an alert
// swapped in place, and an expired session is a full-page redirect.
func TestFragments(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		c := e.signedIn("alice")
		res := c.get("/console/tree/"+id(e.alpha1.ID)+"/children", "HX-Request", "true", "HX-Target", "kids-"+id(e.alpha1.ID))
		if res.status != http.StatusOK || strings.Contains(res.body, "<html") || !strings.Contains(res.body, "Alpha Deep") {
			t.Fatalf("children fragment: %d\n%s", res.status, res.body)
		}
		res = c.get("/console/tree/"+id(e.deep.ID)+"/children", "HX-Request", "true")
		if !strings.Contains(res.body, "No sub-partners") {
			t.Fatalf("leaf: %s", res.body)
		}
		res = c.get("/console/search?q=alpha", "HX-Request", "true", "HX-Target", "results")
		if res.status != http.StatusOK || strings.Contains(res.body, "<html") || !strings.HasPrefix(strings.TrimSpace(res.body), `<section id="results"`) {
			t.Fatalf("results fragment: %d\n%s", res.status, res.body)
		}
		// A history restore gets the whole page.
		res = c.get("/console/search?q=alpha", "HX-Request", "true", "HX-Target", "results", "HX-History-Restore-Request", "true")
		if !strings.Contains(res.body, "<html") {
			t.Fatal("history restore got a fragment")
		}
		res = c.get("/console/tree/"+id(e.beta.ID)+"/children", "HX-Request", "true")
		if res.status != http.StatusNotFound || strings.Contains(res.body, "<html") || !strings.Contains(res.body, `role="alert"`) {
			t.Fatalf("invisible node fragment: %d\n%s", res.status, res.body)
		}
		anon := e.newClient()
		res = anon.get("/console/tree/1/children", "HX-Request", "true")
		if res.status != http.StatusUnauthorized || !strings.HasPrefix(res.header.Get("HX-Redirect"), "/console/sign-in") {
			t.Fatalf("signed out fragment: %d %q", res.status, res.header.Get("HX-Redirect"))
		}
	})
}

// TestClientUser: a client-level user lands on its own client's page,
// sees its channels, and no partner at all (the same 404 as anyone's
// missing partner); its navigation offers no partner pages.
func TestClientUser(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		u, err := e.svc.CreateUser(t.Context(), e.sys, &hub.User{Username: "carla", FirstName: "Carla", LastName: "Client",
			Email: "carla@example.com", Role: hub.RoleClientUser, ClientID: e.client.ID, Active: true}, password)
		if err != nil {
			t.Fatal(err)
		}
		c := e.newClient()
		if res := c.signIn(u.Username, password); res.status != http.StatusSeeOther {
			t.Fatalf("sign in: %d", res.status)
		}
		res := c.get("/console/")
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/console/clients/"+id(e.client.ID) {
			t.Fatalf("home: %d %q", res.status, res.header.Get("Location"))
		}
		res = c.get(res.header.Get("Location"))
		if res.status != http.StatusOK || !strings.Contains(res.body, "14155550100") || !strings.Contains(res.body, "My client") ||
			strings.Contains(res.body, `href="/console/partners/`) {
			t.Fatalf("own client: %d\n%s", res.status, res.body)
		}
		if res := c.get("/console/partners/" + id(e.alpha1.ID)); res.status != http.StatusNotFound {
			t.Fatalf("a partner for a client user: %d", res.status)
		}
	})
}
