package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
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
