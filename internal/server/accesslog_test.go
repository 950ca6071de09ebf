package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAccessLogLine(t *testing.T) {
	t.Parallel()
	log, buf := newTestLogger()
	h := NewHandler(Deps{Logger: log, Faces: []Face{face("/core/v2", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte("hello"))
	})}})

	rec := do(h, http.MethodPost, "/core/v2/partners", nil, http.Header{RequestIDHeader: {"req-1"}})

	a := findRecord(t, buf, "http request")
	want := map[string]any{
		"level":       "INFO",
		"method":      "POST",
		"route":       "/core/v2/",
		"path":        "/core/v2/partners",
		"status":      float64(201),
		"bytes":       float64(5),
		"request_id":  "req-1",
		"remote_addr": "192.0.2.1:1234", // httptest.NewRequest's default
		"aborted":     false,
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("%s = %v, want %v", k, a[k], v)
		}
	}
	if _, ok := a["duration"].(float64); !ok {
		t.Errorf("duration = %v, want a number", a["duration"])
	}
	if rec.Code != http.StatusCreated {
		t.Errorf("status = %d", rec.Code)
	}
	if n := len(logRecords(t, buf)); n != 1 {
		t.Errorf("%d log records, want exactly one per request", n)
	}
}

func TestAccessLogImplicitStatus(t *testing.T) {
	t.Parallel()
	log, buf := newTestLogger()
	h := NewHandler(Deps{Logger: log, Faces: []Face{face("/quiet", func(http.ResponseWriter, *http.Request) {})}})

	do(h, http.MethodGet, "/quiet/x", nil, nil)

	if a := findRecord(t, buf, "http request"); a["status"] != float64(200) || a["bytes"] != float64(0) {
		t.Errorf("status, bytes = %v, %v; want 200, 0", a["status"], a["bytes"])
	}
}

func TestAccessLogOmitsSecrets(t *testing.T) {
	t.Parallel()
	const (
		token    = "Bearer tok-9f8e7d6c5b4a"
		apiKey   = "ak-0123456789abcdef"
		password = "hunter2-Sup3rSecret"
		cookie   = "session=c00kie-v4lue"
	)
	log, buf := newTestLogger()
	h := NewHandler(Deps{Logger: log, Faces: []Face{face("/api/v1", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	})}})

	for _, target := range []string{
		"/healthz?password=" + password,
		"/api/v1/login?user=bob&password=" + password + "&api_key=" + apiKey,
		"/nowhere?password=" + password,
	} {
		do(h, http.MethodGet, target, nil, http.Header{
			"Authorization": {token},
			"X-Api-Key":     {apiKey},
			"Cookie":        {cookie},
		})
	}
	// A panic log must not leak them either.
	hp := NewHandler(Deps{Logger: log, Faces: []Face{face("/p", func(http.ResponseWriter, *http.Request) { panic("x") })}})
	do(hp, http.MethodGet, "/p/x?password="+password, nil, http.Header{"Authorization": {token}})

	out := buf.String()
	if n := strings.Count(out, `"msg":"http request"`); n != 4 {
		t.Fatalf("%d access log lines, want 4:\n%s", n, out)
	}
	for _, secret := range []string{"tok-9f8e7d6c5b4a", apiKey, password, "c00kie", "password="} {
		if strings.Contains(out, secret) {
			t.Errorf("log output contains %q:\n%s", secret, out)
		}
	}
}

func TestResponseWriterFlushes(t *testing.T) {
	t.Parallel()
	var assertOK bool
	var ctrlErr error
	h := NewHandler(Deps{Faces: []Face{face("/stream", func(w http.ResponseWriter, r *http.Request) {
		_, assertOK = w.(http.Flusher)
		_, _ = w.Write([]byte("chunk"))
		ctrlErr = http.NewResponseController(w).Flush()
	})}})

	rec := do(h, http.MethodGet, "/stream/x", nil, nil)

	if !assertOK {
		t.Error("wrapped writer does not implement http.Flusher")
	}
	if ctrlErr != nil {
		t.Errorf("ResponseController.Flush: %v", ctrlErr)
	}
	if !rec.Flushed {
		t.Error("flush did not reach the underlying writer")
	}
}

func TestResponseControllerReachesUnderlyingWriter(t *testing.T) {
	t.Parallel()
	// Only the real net/http writer supports deadlines, so success proves
	// the controller found it through Unwrap.
	errc := make(chan error, 1)
	h := NewHandler(Deps{Faces: []Face{face("/d", func(w http.ResponseWriter, r *http.Request) {
		errc <- http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute))
	})}})
	srv := httptest.NewServer(h)
	defer srv.Close()

	resp, err := srv.Client().Get(srv.URL + "/d/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if err := <-errc; err != nil {
		t.Errorf("SetWriteDeadline through the middleware: %v", err)
	}
}
