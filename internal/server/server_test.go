package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestFacesAreMounted(t *testing.T) {
	t.Parallel()
	mk := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			// The prefix is not stripped.
			_, _ = w.Write([]byte(name + " " + r.URL.Path))
		}
	}
	h := NewHandler(Deps{Faces: []Face{
		face("/core/v2", mk("core")),
		face("/api/v1", mk("v1")),
		face("/api/v2", mk("v2")),
	}})

	for target, want := range map[string]string{
		"/core/v2/partners": "core /core/v2/partners",
		"/api/v1/x":         "v1 /api/v1/x",
		"/api/v2/":          "v2 /api/v2/",
	} {
		if rec := do(h, http.MethodDelete, target, nil, nil); rec.Code != http.StatusOK || rec.Body.String() != want {
			t.Errorf("%s: %d %q, want 200 %q", target, rec.Code, rec.Body.String(), want)
		}
	}
	if rec := do(h, http.MethodGet, "/api/v3/x", nil, nil); rec.Code != http.StatusNotFound {
		t.Errorf("unmounted prefix: status %d, want 404", rec.Code)
	}
}

func TestNewHandlerRejectsBadFaces(t *testing.T) {
	t.Parallel()
	ok := http.NotFoundHandler()
	for _, f := range []Face{
		{Prefix: "", Handler: ok},
		{Prefix: "core/v2", Handler: ok},
		{Prefix: "/core/v2/", Handler: ok},
		{Prefix: "/core/{v}", Handler: ok},
		{Prefix: "/core/v2", Handler: nil},
	} {
		func() {
			defer func() {
				p := recover()
				if s, _ := p.(string); !strings.HasPrefix(s, "server: ") {
					t.Errorf("face %+v: panic %v, want a server: wiring panic", f, p)
				}
			}()
			NewHandler(Deps{Faces: []Face{f}})
		}()
	}
}
