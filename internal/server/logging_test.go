package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestLogLinesCarryRequestID: a face logging with the request's context
// through a logger wrapped once by LogHandler (as cmd/partnerhub builds
// it) gets request_id on its line, the same id as the response header and
// the access log line, each exactly once.
func TestLogLinesCarryRequestID(t *testing.T) {
	t.Parallel()
	base, buf := newTestLogger()
	log := slog.New(LogHandler(base.Handler()))
	h := NewHandler(Deps{Logger: log, Faces: []Face{face("/f", func(w http.ResponseWriter, r *http.Request) {
		log.ErrorContext(r.Context(), "face: internal error", "err", "boom")
		log.With("component", "x").WithGroup("g").InfoContext(r.Context(), "grouped")
		log.InfoContext(r.Context(), "explicit", "request_id", "set-by-caller")
		w.WriteHeader(http.StatusInternalServerError)
	})}})

	rec := do(h, http.MethodGet, "/f/x", nil, nil)
	id := rec.Header().Get(RequestIDHeader)
	if id == "" {
		t.Fatal("no request id")
	}
	if got := findRecord(t, buf, "face: internal error")["request_id"]; got != id {
		t.Errorf("face line request_id = %v, want %q", got, id)
	}
	if got := findRecord(t, buf, "http request")["request_id"]; got != id {
		t.Errorf("access line request_id = %v, want %q", got, id)
	}
	if g, _ := findRecord(t, buf, "grouped")["g"].(map[string]any); g == nil || g["request_id"] != id {
		t.Errorf("grouped line: %v", findRecord(t, buf, "grouped"))
	}
	if got := findRecord(t, buf, "explicit")["request_id"]; got != "set-by-caller" {
		t.Errorf("a record's own request_id was replaced: %v", got)
	}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if n := strings.Count(line, `"request_id"`); n != 1 {
			t.Errorf("%d request_id attributes in %s", n, line)
		}
	}
}

// TestLogHandlerOutsideRequests: records without a request context carry
// no request_id, and wrapping twice wraps once.
func TestLogHandlerOutsideRequests(t *testing.T) {
	t.Parallel()
	base, buf := newTestLogger()
	h := LogHandler(base.Handler())
	if LogHandler(h) != h {
		t.Error("LogHandler wrapped a wrapped handler again")
	}
	slog.New(h).InfoContext(context.Background(), "startup")
	if _, ok := findRecord(t, buf, "startup")["request_id"]; ok {
		t.Errorf("request_id outside a request: %s", buf.String())
	}
}
