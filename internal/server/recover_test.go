package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestPanicBecomes500JSON(t *testing.T) {
	t.Parallel()
	log, buf := newTestLogger()
	h := NewHandler(Deps{Logger: log, Faces: []Face{face("/boom", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "12345") // must not survive into the 500
		panic("kaboom")
	})}})

	rec := do(h, http.MethodGet, "/boom/now", nil, nil)

	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	id := rec.Header().Get(RequestIDHeader)
	body := decodeJSON(t, rec)
	if body["message"] != "internal error" || body["request_id"] != id || len(body) != 2 {
		t.Errorf("body = %v, want message and request_id %q", body, id)
	}
	if cl := rec.Header().Get("Content-Length"); cl == "12345" {
		t.Errorf("stale Content-Length %q kept", cl)
	}

	p := findRecord(t, buf, "panic serving request")
	if p["level"] != "ERROR" || p["panic"] != "kaboom" || p["request_id"] != id || p["route"] != "/boom/" {
		t.Errorf("panic record = %v", p)
	}
	stack, _ := p["stack"].(string)
	if !strings.Contains(stack, "TestPanicBecomes500JSON") {
		t.Errorf("stack does not show the panicking handler:\n%s", stack)
	}
	// The access log sees the 500 that recovery wrote.
	if a := findRecord(t, buf, "http request"); a["status"] != float64(500) {
		t.Errorf("access log status = %v, want 500", a["status"])
	}
}

func TestErrAbortHandlerIsRepanicked(t *testing.T) {
	t.Parallel()
	log, buf := newTestLogger()
	h := NewHandler(Deps{Logger: log, Faces: []Face{face("/abort", func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	})}})

	got := func() (p any) {
		defer func() { p = recover() }()
		do(h, http.MethodGet, "/abort/x", nil, nil)
		return nil
	}()

	if got != http.ErrAbortHandler {
		t.Fatalf("recovered %v, want http.ErrAbortHandler", got)
	}
	if strings.Contains(buf.String(), "panic serving request") {
		t.Errorf("ErrAbortHandler was logged as a panic:\n%s", buf)
	}
	// Still accounted for, as aborted with no status sent.
	a := findRecord(t, buf, "http request")
	if a["aborted"] != true || a["status"] != float64(0) {
		t.Errorf("access log = %v, want aborted with status 0", a)
	}
}

func TestPanicAfterResponseStartedAborts(t *testing.T) {
	t.Parallel()
	log, buf := newTestLogger()
	h := NewHandler(Deps{Logger: log, Faces: []Face{face("/late", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("partial"))
		panic("late failure")
	})}})

	got := func() (p any) {
		defer func() { p = recover() }()
		do(h, http.MethodGet, "/late/x", nil, nil)
		return nil
	}()

	// A 200 is already on the wire: the connection must be aborted so the
	// client cannot mistake the truncated body for a complete one.
	if got != http.ErrAbortHandler {
		t.Fatalf("recovered %v, want http.ErrAbortHandler", got)
	}
	if p := findRecord(t, buf, "panic serving request"); p["panic"] != "late failure" || p["stack"] == "" {
		t.Errorf("panic record = %v", p)
	}
}
