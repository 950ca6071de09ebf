package server

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestHealthz(t *testing.T) {
	t.Parallel()
	h := NewHandler(Deps{Ready: func(context.Context) error { return errors.New("db down") }})

	rec := do(h, http.MethodGet, "/healthz", nil, nil)

	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	// Liveness must not depend on readiness.
	if got := decodeJSON(t, rec); got["status"] != "ok" || len(got) != 1 {
		t.Errorf("body = %v, want {status: ok}", got)
	}
}

func TestHealthzRejectsOtherMethods(t *testing.T) {
	t.Parallel()
	rec := do(NewHandler(Deps{}), http.MethodPost, "/healthz", nil, nil)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("status = %d, want 405", rec.Code)
	}
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		ready      func(context.Context) error
		wantStatus int
		wantBody   map[string]any
	}{
		{
			name:       "ready",
			ready:      func(context.Context) error { return nil },
			wantStatus: http.StatusOK,
			wantBody:   map[string]any{"status": "ready"},
		},
		{
			name:       "nil Ready means ready",
			wantStatus: http.StatusOK,
			wantBody:   map[string]any{"status": "ready"},
		},
		{
			name:       "failing",
			ready:      func(context.Context) error { return errors.New("database: connection refused") },
			wantStatus: http.StatusServiceUnavailable,
			wantBody:   map[string]any{"status": "unavailable", "error": "database: connection refused"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			log, buf := newTestLogger()
			rec := do(NewHandler(Deps{Logger: log, Ready: tt.ready}), http.MethodGet, "/readyz", nil, nil)

			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			got := decodeJSON(t, rec)
			if len(got) != len(tt.wantBody) {
				t.Errorf("body = %v, want %v", got, tt.wantBody)
			}
			for k, v := range tt.wantBody {
				if got[k] != v {
					t.Errorf("body[%q] = %v, want %v", k, got[k], v)
				}
			}
			if tt.wantStatus != http.StatusOK {
				findRecord(t, buf, "not ready")
			}
		})
	}
}

func TestReadyzBoundsTheCheck(t *testing.T) {
	t.Parallel()
	var deadline time.Time
	var hasDeadline bool
	h := NewHandler(Deps{Ready: func(ctx context.Context) error {
		deadline, hasDeadline = ctx.Deadline()
		return nil
	}})
	start := time.Now()

	do(h, http.MethodGet, "/readyz", nil, nil)
	end := time.Now()

	if !hasDeadline {
		t.Fatal("Ready got a context without deadline")
	}
	// The deadline was set readyTimeout after some instant during the request.
	if set := deadline.Add(-readyTimeout); set.Before(start) || set.After(end) {
		t.Errorf("deadline %v, want %v after a moment in [%v, %v]", deadline, readyTimeout, start, end)
	}
}
