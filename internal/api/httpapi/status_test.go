package httpapi

import (
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestStatusOf pins the statuses every face shares.
func TestStatusOf(t *testing.T) {
	for k, want := range map[hub.Kind]int{
		hub.NotFound: 404, hub.Invalid: 400, hub.Conflict: 409, hub.PreconditionFailed: 412, hub.Forbidden: 403,
		hub.Unauthenticated: 401, hub.RateLimited: 429, hub.Unavailable: 503, hub.Internal: 500, hub.Kind(99): 500,
	} {
		if got := StatusOf(k); got != want {
			t.Errorf("StatusOf(%v) = %d, want %d", k, got, want)
		}
	}
}

// TestServeDocument: the document as JSON, with its length and a cache
// lifetime, to anyone.
func TestServeDocument(t *testing.T) {
	doc := []byte(`{"openapi":"3.1.0"}`)
	rec := httptest.NewRecorder()
	ServeDocument(doc)(rec, httptest.NewRequest("GET", "/x/openapi.json", nil), hub.Principal{})
	h := rec.Header()
	if rec.Code != 200 || rec.Body.String() != string(doc) || h.Get("Content-Type") != "application/json" ||
		h.Get("Content-Length") != strconv.Itoa(len(doc)) || h.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("%d %q %v", rec.Code, rec.Body.String(), h)
	}
}
