package bluefin_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/bluefin"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// TestErrorAnswers: 401 with the challenge; 404 byte-identical for a
// missing and an invisible id on every by-id route, and for an id that is
// not a number; 7403 with a fresh uuid each time; 409 keyed by attribute,
// naming every bad one; unknown attributes refused; version stale on
// users and clients as on partners, with nothing written.
func TestErrorAnswers(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		a := e.partner(e.root, "A")
		b := e.partner(e.root, "B")
		supA := e.user("sup-a", hub.RolePartnerSupervisor, a, nil, "")
		ub := e.user("user-b", hub.RolePartnerUser, b, nil, "")
		cb := e.client(b, "client of B", false)

		r := e.get(t, "", "/api/v1/partners").want(t, http.StatusUnauthorized)
		if r.header.Get("WWW-Authenticate") == "" || !bytes.Contains(r.body, []byte(`"errorCode":7401`)) {
			t.Fatalf("401: %v %s", r.header, r.body)
		}
		e.get(t, basicAuth("sup-a", "wrong password"), "/api/v1/partners").want(t, http.StatusUnauthorized)

		for _, tc := range []struct{ method, invisible, missing, notNumber string }{
			{"GET", path("/api/v1/partners/%d", b.ID), "/api/v1/partners/987654", "/api/v1/partners/B"},
			{"PATCH", path("/api/v1/partners/%d", b.ID), "/api/v1/partners/987654", "/api/v1/partners/-1"},
			{"GET", path("/api/v1/users/%d", ub.u.ID), "/api/v1/users/987654", "/api/v1/users/0x1"},
			{"PATCH", path("/api/v1/users/%d", ub.u.ID), "/api/v1/users/987654", "/api/v1/users/1e3"},
			{"GET", path("/api/v1/clients/%d", cb.ID), "/api/v1/clients/987654", "/api/v1/clients/x"},
			{"PATCH", path("/api/v1/clients/%d", cb.ID), "/api/v1/clients/987654", "/api/v1/clients/99999999999999999999"},
			{"DELETE", path("/api/v1/clients/%d", cb.ID), "/api/v1/clients/987654", "/api/v1/clients/0"},
		} {
			body := ""
			if tc.method == "PATCH" {
				body = `{"name":"x","firstName":"x"}`
			}
			inv := e.do(t, req{method: tc.method, path: tc.invisible, auth: supA.auth, body: body})
			miss := e.do(t, req{method: tc.method, path: tc.missing, auth: supA.auth, body: body})
			bad := e.do(t, req{method: tc.method, path: tc.notNumber, auth: supA.auth, body: body})
			if inv.status != http.StatusNotFound || !bytes.Equal(inv.body, miss.body) || !bytes.Equal(inv.body, bad.body) || miss.status != bad.status {
				t.Fatalf("%s: invisible %d %s / missing %d %s / not a number %d %s", tc.method+" "+tc.invisible,
					inv.status, inv.body, miss.status, miss.body, bad.status, bad.body)
			}
		}
		if _, err := e.svc.Store().Partner(t.Context(), hub.PartnerKey{ID: b.ID}); err != nil {
			t.Fatal(err)
		}

		// 7403: a fresh uuid each time.
		u1 := e.get(t, supA.auth, "/api/v1/partners?partner=B").wantDenied(t)
		u2 := e.get(t, supA.auth, "/api/v1/partners?partner=B").wantDenied(t)
		if u1 == u2 {
			t.Fatalf("two 7403 answers share uuid %s", u1)
		}

		// 409: every bad attribute, keyed.
		r = e.post(t, supA.auth, "/api/v1/users", map[string]any{"userRole": "Partner User", "partner": map[string]any{"id": a.ID},
			"userName": 5, "firstName": "F", "lastName": "L", "email": "bad", "phone": "555", "colour": "red"})
		r.wantInvalid(t, "userName")
		r.wantInvalid(t, "colour")
		r = e.post(t, supA.auth, "/api/v1/users", map[string]any{"userRole": "Partner User", "partner": map[string]any{"id": a.ID},
			"userName": "ok.name", "firstName": "F", "lastName": "L", "email": "bad", "phone": "555"})
		r.wantInvalid(t, "email")
		r.wantInvalid(t, "phone")

		// Version on users and clients.
		ua := e.user("user-a", hub.RolePartnerUser, a, nil, "")
		e.patch(t, supA.auth, path("/api/v1/users/%d", ua.u.ID), map[string]any{"firstName": "Z", "version": 2}).wantInvalid(t, "version")
		e.patch(t, supA.auth, path("/api/v1/users/%d", ua.u.ID), map[string]any{"firstName": "Z", "version": 1}).want(t, http.StatusOK)
		e.patch(t, supA.auth, path("/api/v1/users/%d", ua.u.ID), map[string]any{"firstName": "Y", "version": 1}).wantInvalid(t, "version")
		if u := e.get(t, supA.auth, path("/api/v1/users/%d", ua.u.ID)).obj(t); u["firstName"] != "Z" || u["version"] != float64(2) {
			t.Fatalf("after a stale PATCH: %v", u)
		}
		ca := e.client(a, "client of A", false)
		e.patch(t, supA.auth, path("/api/v1/clients/%d", ca.ID), map[string]any{"mid": "M", "version": 9}).wantInvalid(t, "version")
		if c := e.get(t, supA.auth, path("/api/v1/clients/%d", ca.ID)).obj(t); c["mid"] != nil || c["version"] != float64(1) {
			t.Fatalf("after a stale PATCH: %v", c)
		}
		e.patch(t, supA.auth, path("/api/v1/clients/%d", ca.ID), map[string]any{"directPartner": map[string]any{"id": a.ID}}).wantInvalid(t, "directPartner")
		e.patch(t, supA.auth, path("/api/v1/users/%d", ua.u.ID), map[string]any{"partner": map[string]any{"id": a.ID}}).wantInvalid(t, "partner")

		// Malformed JSON and the wrong media type keep their statuses.
		e.do(t, req{method: "POST", path: "/api/v1/partners", auth: supA.auth, body: "{"}).want(t, http.StatusBadRequest)
		e.do(t, req{method: "POST", path: "/api/v1/partners", auth: supA.auth, body: "x", header: map[string]string{"Content-Type": "text/plain"}}).
			want(t, http.StatusUnsupportedMediaType)
		e.do(t, req{method: "PUT", path: "/api/v1/partners", auth: supA.auth}).want(t, http.StatusMethodNotAllowed)
		e.get(t, supA.auth, "/api/v1/transactions").want(t, http.StatusNotFound)
	})
}

// TestRateLimit: every authenticated answer carries the quota headers;
// Remaining counts down per user, whatever credential it uses; the
// request over the budget is a 429 with Retry-After until Reset, and
// another user is unaffected.
func TestRateLimit(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine, 4)
			a := e.partner(e.root, "A")
			sup := e.user("sup", hub.RolePartnerSupervisor, a, nil, "sup-password-1")
			other := e.user("other", hub.RolePartnerSupervisor, a, nil, "")
			creds := []string{sup.auth, basicAuth("sup", "sup-password-1"), sup.auth, basicAuth("sup", "sup-password-1")}
			for i, c := range creds {
				r := e.get(t, c, path("/api/v1/partners/%d", a.ID)).want(t, http.StatusOK)
				if r.header.Get("X-RateLimit-Limit") != "4" || r.header.Get("X-RateLimit-Remaining") != strconv.Itoa(3-i) {
					t.Fatalf("request %d: %v", i, r.header)
				}
				reset, err := time.Parse(time.RFC3339, r.header.Get("X-RateLimit-Reset"))
				if err != nil || reset.Before(time.Now().Add(59*time.Minute)) || reset.After(time.Now().Add(61*time.Minute)) {
					t.Fatalf("X-RateLimit-Reset %q", r.header.Get("X-RateLimit-Reset"))
				}
			}
			r := e.get(t, sup.auth, path("/api/v1/partners/%d", a.ID)).want(t, http.StatusTooManyRequests)
			ra, err := strconv.Atoi(r.header.Get("Retry-After"))
			if err != nil || ra < 3500 || ra > 3600 || !bytes.Contains(r.body, []byte(`"errorCode":7429`)) {
				t.Fatalf("429: Retry-After %q, body %s", r.header.Get("Retry-After"), r.body)
			}
			e.get(t, basicAuth("sup", "sup-password-1"), "/api/v1/partners").want(t, http.StatusTooManyRequests)
			e.get(t, other.auth, "/api/v1/partners").want(t, http.StatusOK)
			// The document is public and unmetered.
			if r := e.get(t, "", "/api/v1/openapi.json").want(t, http.StatusOK); r.header.Get("X-RateLimit-Limit") != "" {
				t.Fatalf("openapi.json metered: %v", r.header)
			}
			if bluefin.DefaultRateLimit != 36000 {
				t.Fatalf("default budget %d", bluefin.DefaultRateLimit)
			}
		})
	}
}
