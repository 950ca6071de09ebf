package carrierx_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/server"
)

// TestPaginationScheme: the pagination links follow X-Forwarded-Proto only
// when the face was built with TrustProxyHeaders(true); otherwise the
// header is ignored (a client must not choose the links' scheme) and the
// scheme follows the connection.
func TestPaginationScheme(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		for i := range 3 {
			e.partner(e.root, "P"+string(rune('a'+i)))
		}
		tok := token(e.root)
		links := func(base string, header map[string]string) (next, prev string) {
			t.Helper()
			r := e.do(t, req{method: "GET", path: base + "/core/v2/partners?limit=1&offset=1", token: tok, header: header}).want(t, 200)
			var v struct {
				Pagination map[string]string `json:"pagination"`
			}
			if err := json.Unmarshal(r.body, &v); err != nil {
				t.Fatal(err)
			}
			return v.Pagination["next"], v.Pagination["previous"]
		}
		scheme := func(link string) string {
			t.Helper()
			u, err := url.Parse(link)
			if err != nil || link == "" {
				t.Fatalf("bad link %q: %v", link, err)
			}
			return u.Scheme
		}
		https := map[string]string{"X-Forwarded-Proto": "https"}

		// Default: the header is not trusted.
		for _, h := range []map[string]string{nil, https} {
			next, prev := links(e.srv.URL, h)
			if scheme(next) != "http" || scheme(prev) != "http" {
				t.Errorf("untrusted %v: links %q %q, want http", h, next, prev)
			}
		}

		// Trusted: a face over the same service built with the option.
		face := carrierx.New(e.svc, fakeAuthn{e.svc.Store()}, nil, carrierx.TrustProxyHeaders(true))
		srv := httptest.NewServer(server.NewHandler(server.Deps{Faces: []server.Face{{Prefix: carrierx.Prefix, Handler: face}}}))
		t.Cleanup(srv.Close)
		for _, c := range []struct {
			header map[string]string
			want   string
		}{
			{nil, "http"},
			{https, "https"},
			{map[string]string{"X-Forwarded-Proto": "HTTPS, http"}, "https"},
			{map[string]string{"X-Forwarded-Proto": "http"}, "http"},
			{map[string]string{"X-Forwarded-Proto": "javascript"}, "http"},
		} {
			next, prev := links(srv.URL, c.header)
			if scheme(next) != c.want || scheme(prev) != c.want {
				t.Errorf("trusted %v: links %q %q, want %s", c.header, next, prev, c.want)
			}
			if !strings.HasSuffix(strings.TrimPrefix(next, c.want+"://"), "/core/v2/partners?limit=1&offset=2") {
				t.Errorf("trusted %v: next %q", c.header, next)
			}
		}

		// A TLS connection gives https either way.
		tlsSrv := httptest.NewTLSServer(server.NewHandler(server.Deps{Faces: []server.Face{{Prefix: carrierx.Prefix, Handler: carrierx.New(e.svc, fakeAuthn{e.svc.Store()}, nil)}}}))
		t.Cleanup(tlsSrv.Close)
		rq, _ := http.NewRequest("GET", tlsSrv.URL+"/core/v2/partners?limit=1&offset=1", nil)
		rq.Header.Set("Authorization", "Bearer "+tok)
		resp, err := tlsSrv.Client().Do(rq)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v struct {
			Pagination map[string]string `json:"pagination"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		if scheme(v.Pagination["next"]) != "https" {
			t.Errorf("TLS: next %q", v.Pagination["next"])
		}
	})
}
