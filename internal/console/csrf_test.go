package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/console"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestCSRF: a state-changing post without the session's token, with
// another session's token, or marked cross-origin by the browser (another
// site, or another port of the same host: same site, other origin) is
// refused with 403 and changes nothing; the sign-in form needs its own
// double-submitted token.
func TestCSRF(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		alice := e.signedIn("alice")
		bob := e.signedIn("bob")
		revoke := "/console/keys/" + id(e.key.ID) + "/revoke"
		refused := []struct {
			name    string
			form    url.Values
			headers []string
		}{
			{"no token", url.Values{"csrf": {""}}, nil},
			{"another session's token", url.Values{"csrf": {bob.csrf}}, nil},
			{"a made-up token", url.Values{"csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}, nil},
			{"cross-site", url.Values{}, []string{"Sec-Fetch-Site", "cross-site"}},
			{"same site, other origin", url.Values{}, []string{"Sec-Fetch-Site", "same-site"}},
			{"foreign Origin", url.Values{}, []string{"Origin", "http://evil.example"}},
		}
		for _, r := range refused {
			res := alice.post(revoke, r.form, r.headers...)
			if res.status != http.StatusForbidden || !strings.Contains(res.body, "Not allowed") {
				t.Errorf("%s: %d\n%.300s", r.name, res.status, res.body)
			}
		}
		if _, err := e.svc.AuthenticateKey(ctx, e.secret); err != nil {
			t.Fatalf("a refused post revoked the key: %v", err)
		}
		// The header form of the token works too (htmx requests).
		res := alice.post(revoke, url.Values{"csrf": {""}}, "X-CSRF-Token", alice.csrf, "Sec-Fetch-Site", "same-origin")
		if res.status != http.StatusSeeOther {
			t.Fatalf("with the token: %d\n%s", res.status, res.body)
		}
		if _, err := e.svc.AuthenticateKey(ctx, e.secret); err == nil {
			t.Fatal("the key still works after its revocation")
		}
		// Sign-in: without its cookie's token, or cross-origin.
		c := e.newClient()
		c.get("/console/sign-in")
		if res := c.post("/console/sign-in", url.Values{"username": {"alice"}, "password": {password}, "csrf": {"wrong"}}); res.status != http.StatusForbidden {
			t.Errorf("sign-in with a wrong form token: %d", res.status)
		}
		if res := c.post("/console/sign-in", url.Values{"username": {"alice"}, "password": {password}}, "Sec-Fetch-Site", "cross-site"); res.status != http.StatusForbidden {
			t.Errorf("cross-site sign-in: %d", res.status)
		}
		if res := e.newClient().post("/console/sign-in", url.Values{"username": {"alice"}, "password": {password}, "csrf": {"no-cookie"}}); res.status != http.StatusForbidden {
			t.Errorf("sign-in without the form's cookie: %d", res.status)
		}
	})
}

// TestEveryPostNeedsToken: every state-changing route of the route table
// (but the sign-in form, which has its own token) refuses a post without
// the session's token before doing anything, so a new form cannot forget
// it.
func TestEveryPostNeedsToken(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		f := e.crFixture()
		alice := e.signedIn("alice")
		ids := map[string]string{"/console/change-requests/": id(f.cr.ID), "/console/clients/": id(f.client.ID)}
		n := 0
		for _, rt := range console.Routes() {
			if rt.Method == http.MethodGet || rt.Public {
				continue
			}
			path := rt.Pattern
			if i := strings.Index(path, "{id}"); i >= 0 {
				v, ok := ids[path[:i]]
				if !ok {
					v = id(e.alpha1.ID)
				}
				path = strings.Replace(path, "{id}", v, 1)
			}
			res := alice.post(path, url.Values{"csrf": {""}})
			if res.status != http.StatusForbidden || !strings.Contains(res.body, "did not come from the console") {
				t.Errorf("%s without the token: %d\n%.300s", rt.ID(), res.status, res.body)
			}
			n++
		}
		if n < 16 {
			t.Fatalf("only %d state-changing routes", n)
		}
		if cr, _ := e.svc.ChangeRequest(context.Background(), e.sys, hub.PartnerKey{}, f.cr.ID, ""); cr.Status != hub.ChangeRequestCreated {
			t.Fatalf("a post without the token decided the request: %s", cr.Status)
		}
		if res := alice.get("/console/"); res.status != http.StatusOK {
			t.Fatalf("a post without the token signed alice out: %d", res.status)
		}
	})
}
