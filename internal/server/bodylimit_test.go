package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"
)

// readBody is a face that reports whether reading the body hit the limit.
func readBody(w http.ResponseWriter, r *http.Request) {
	_, err := io.Copy(io.Discard, r.Body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		w.WriteHeader(http.StatusRequestEntityTooLarge)
	case err != nil:
		w.WriteHeader(http.StatusBadRequest)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		limit int64
		size  int
		want  int
	}{
		{"at limit", 10, 10, http.StatusOK},
		{"over limit", 10, 11, http.StatusRequestEntityTooLarge},
		{"default at 1 MiB", 0, 1 << 20, http.StatusOK},
		{"default over 1 MiB", 0, 1<<20 + 1, http.StatusRequestEntityTooLarge},
		{"negative means default", -1, 1<<20 + 1, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := NewHandler(Deps{MaxBodyBytes: tt.limit, Faces: []Face{face("/up", readBody)}})

			rec := do(h, http.MethodPost, "/up/load", bytes.NewReader(make([]byte, tt.size)), nil)

			if rec.Code != tt.want {
				t.Errorf("status = %d, want %d", rec.Code, tt.want)
			}
		})
	}
}
