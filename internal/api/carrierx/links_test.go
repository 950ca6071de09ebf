package carrierx_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/server"
)

// TestPaginationLinksIgnoreRequestHeaders: pagination links are built on
// the face's base URL (serve's --public-url, or its listen address), never
// on what the request says about where it was sent: a Host header of
// evil.example, X-Forwarded-Host or X-Forwarded-Proto change nothing.
// Before, the Host header was copied into pagination.next.
func TestPaginationLinksIgnoreRequestHeaders(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		for i := range 3 {
			e.partner(e.root, "P"+string(rune('a'+i)))
		}
		links := func(srvURL string, host string, header map[string]string) (next, prev string) {
			t.Helper()
			rq, err := http.NewRequest("GET", srvURL+"/core/v2/partners?limit=1&offset=1", nil)
			if err != nil {
				t.Fatal(err)
			}
			rq.Header.Set("Authorization", "Bearer "+token(e.root))
			if host != "" {
				rq.Host = host
			}
			for k, v := range header {
				rq.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(rq)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var v struct {
				Pagination map[string]string `json:"pagination"`
			}
			if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&v) != nil {
				t.Fatalf("status %d", resp.StatusCode)
			}
			return v.Pagination["next"], v.Pagination["previous"]
		}
		spoof := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "Forwarded": "host=evil.example;proto=https"}

		// The test env's face is built on its listen address.
		for _, host := range []string{"", "evil.example", "evil.example:8443"} {
			for _, h := range []map[string]string{nil, spoof} {
				next, prev := links(e.srv.URL, host, h)
				if next != e.srv.URL+"/core/v2/partners?limit=1&offset=2" || prev != e.srv.URL+"/core/v2/partners?limit=1&offset=0" {
					t.Errorf("Host %q, headers %v: links %q %q; want them on %s", host, h, next, prev, e.srv.URL)
				}
			}
		}

		// A configured public URL, with a path prefix a proxy strips.
		public, err := httpapi.ParseBaseURL("https://api.example.com/ph/")
		if err != nil {
			t.Fatal(err)
		}
		face := carrierx.New(e.svc, fakeAuthn{e.svc.Store()}, nil, carrierx.WithBaseURL(public))
		srv := httptest.NewServer(server.NewHandler(server.Deps{Faces: []server.Face{{Prefix: carrierx.Prefix, Handler: face}}}))
		t.Cleanup(srv.Close)
		for _, host := range []string{"", "evil.example"} {
			next, _ := links(srv.URL, host, spoof)
			if next != "https://api.example.com/ph/core/v2/partners?limit=1&offset=2" {
				t.Errorf("public URL, Host %q: next %q", host, next)
			}
			if strings.Contains(next, "evil") {
				t.Errorf("a request header reached the link: %q", next)
			}
		}
	})
}
