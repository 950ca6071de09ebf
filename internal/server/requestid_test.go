package server

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestRequestID(t *testing.T) {
	t.Parallel()
	generated := regexp.MustCompile(`^[0-9a-f]{32}$`)
	tests := []struct {
		name     string
		incoming []string // nil: header absent
		want     string   // "" means a generated id is expected
	}{
		{name: "generated when absent"},
		{name: "generated when empty", incoming: []string{""}},
		{name: "honoured", incoming: []string{"abc-DEF_012.xyz"}, want: "abc-DEF_012.xyz"},
		{name: "honoured at 128 chars", incoming: []string{strings.Repeat("a", 128)}, want: strings.Repeat("a", 128)},
		{name: "too long replaced", incoming: []string{strings.Repeat("a", 129)}},
		{name: "space replaced", incoming: []string{"abc def"}},
		{name: "log forging replaced", incoming: []string{"abc\"}\n{\"msg\":\"x"}},
		{name: "non-ASCII replaced", incoming: []string{"abcé"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var seen string
			h := NewHandler(Deps{Faces: []Face{face("/t", func(w http.ResponseWriter, r *http.Request) {
				seen = RequestID(r.Context())
			})}})
			hdr := http.Header{}
			if tt.incoming != nil {
				hdr[RequestIDHeader] = tt.incoming
			}

			rec := do(h, http.MethodGet, "/t/x", nil, hdr)

			got := rec.Header().Get(RequestIDHeader)
			if tt.want != "" && got != tt.want {
				t.Errorf("response id = %q, want %q", got, tt.want)
			}
			if tt.want == "" && !generated.MatchString(got) {
				t.Errorf("response id = %q, want 32 hex chars", got)
			}
			if seen != got {
				t.Errorf("RequestID(ctx) = %q, response header = %q", seen, got)
			}
		})
	}
}

func TestRequestIDsAreUnique(t *testing.T) {
	t.Parallel()
	h := NewHandler(Deps{})
	a := do(h, http.MethodGet, "/healthz", nil, nil).Header().Get(RequestIDHeader)
	b := do(h, http.MethodGet, "/healthz", nil, nil).Header().Get(RequestIDHeader)
	if a == b {
		t.Errorf("two requests got the same id %q", a)
	}
}

func TestRequestIDOutsideHandler(t *testing.T) {
	t.Parallel()
	if got := RequestID(t.Context()); got != "" {
		t.Errorf("RequestID(bare ctx) = %q, want empty", got)
	}
}
