package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// stubAuthn accepts "Authorization: ok" as partner 7.
type stubAuthn struct{}

func (stubAuthn) Principal(r *http.Request) (hub.Principal, error) {
	if r.Header.Get("Authorization") != "ok" {
		return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "credentials are required")
	}
	return hub.Principal{PartnerID: 7}, nil
}

func (stubAuthn) Basic(context.Context, string, string, string) (hub.Principal, error) {
	return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "no")
}

func TestNewMux(t *testing.T) {
	var log bytes.Buffer
	served := func(w http.ResponseWriter, _ *http.Request, pr hub.Principal) {
		w.Header().Set("X-Partner", itoa(pr.PartnerID))
		w.WriteHeader(204)
	}
	routes := []Route{
		{Method: "GET", Pattern: "/v9/things", Scopes: []string{"things.read"}, Handle: served},
		{Method: "DELETE", Pattern: "/v9/things/{id}", Scopes: []string{"things.manage"}, Handle: served},
		{Method: "GET", Pattern: "/v9/things/{id}", Scopes: []string{"things.read"}, Handle: served},
		{Method: "POST", Pattern: "/v9/token", Public: true, Handle: served},
	}
	h := NewMux(Mux{Prefix: "/v9", Routes: routes, Authn: stubAuthn{}, Errors: testErrors(&log)})
	do := func(method, target, authz string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, nil)
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for _, c := range []struct {
		method, target, authz string
		status                int
		partner, allow        string
	}{
		{"GET", "/v9/things", "ok", 204, "7", ""},
		{"GET", "/v9/things/1", "ok", 204, "7", ""},
		{"GET", "/v9/things", "", 401, "", ""},
		{"GET", "/v9/things?filter=%zz", "", 401, "", ""}, // credentials first
		{"GET", "/v9/things?filter=%zz", "ok", 400, "", ""},
		{"POST", "/v9/token", "", 204, "0", ""}, // public: the zero principal
		{"POST", "/v9/token?a=b;c", "", 400, "", ""},
		{"PUT", "/v9/things/1", "ok", 405, "", "DELETE, GET"},
		{"POST", "/v9/things", "", 405, "", "GET"},
		{"GET", "/v9/nothing", "ok", 404, "", ""},
	} {
		w := do(c.method, c.target, c.authz)
		if w.Code != c.status || w.Header().Get("X-Partner") != c.partner || w.Header().Get("Allow") != c.allow {
			t.Errorf("%s %s: %d partner %q allow %q; want %d %q %q (%s)", c.method, c.target, w.Code,
				w.Header().Get("X-Partner"), w.Header().Get("Allow"), c.status, c.partner, c.allow, w.Body)
		}
		if c.status >= 400 && !strings.Contains(w.Body.String(), `"message"`) {
			t.Errorf("%s %s: not in the face's error shape: %s", c.method, c.target, w.Body)
		}
	}

	// Describe exports the table without handlers, as copies.
	d := Describe(routes)
	if len(d) != len(routes) || d[0].Handle != nil || d[0].ID() != "GET /v9/things" {
		t.Fatalf("Describe: %+v", d[0])
	}
	d[0].Scopes[0] = "changed"
	if routes[0].Scopes[0] != "things.read" {
		t.Error("Describe shares the scopes")
	}
	defer func() {
		if recover() == nil {
			t.Error("a route without a handler was accepted")
		}
	}()
	NewMux(Mux{Prefix: "/v9", Routes: []Route{{Method: "GET", Pattern: "/v9/x"}}, Errors: testErrors(&log)})
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
