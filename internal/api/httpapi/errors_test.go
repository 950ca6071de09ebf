package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testErrors is an Errors with a plain body {"status", "message",
// "fields"} and a log kept in buf.
func testErrors(buf *bytes.Buffer) *Errors {
	return &Errors{
		Face:      "test",
		Log:       slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Challenge: `Bearer realm="t"`,
		Status: func(e *hub.Error) int {
			switch e.Kind {
			case hub.NotFound:
				return 404
			case hub.Invalid:
				return 409 // a face may choose any status (Bluefin's validation errors are 409)
			case hub.Unauthenticated:
				return 401
			case hub.RateLimited:
				return 429
			case hub.Unavailable:
				return 503
			}
			return 0
		},
		Body: func(w http.ResponseWriter, _ *http.Request, status int, e *hub.Error) {
			fields := map[string]string{}
			for _, f := range e.Fields {
				fields[f.Field] = f.Message
			}
			_ = WriteJSON(w, status, map[string]any{"message": e.Message, "fields": fields})
		},
	}
}

// waitErr is a throttle's error: RateLimited, knowing when to retry.
type waitErr struct{ d time.Duration }

func (e waitErr) Error() string             { return "slow down" }
func (e waitErr) RetryAfter() time.Duration { return e.d }
func (e waitErr) Unwrap() error             { return hub.Errorf(hub.RateLimited, "too many attempts") }

func TestErrorsWrite(t *testing.T) {
	for _, c := range []struct {
		name     string
		err      error
		status   int
		message  string
		header   string // "Name: value"
		logged   bool   // an ERROR line
		leakFree string // text that must not reach the body
	}{
		{"not found", hub.Errorf(hub.NotFound, "partner not found"), 404, "partner not found", "", false, ""},
		{"face's own status", hub.InvalidField("name", "is required"), 409, "name: is required", "", false, ""},
		{"unauthenticated", hub.Errorf(hub.Unauthenticated, "credentials are required"), 401, "credentials are required", `Www-Authenticate: Bearer realm="t"`, false, ""},
		{"rate limited", waitErr{2500 * time.Millisecond}, 429, "too many attempts", "Retry-After: 3", false, ""},
		{"unavailable", hub.Errorf(hub.Unavailable, "down"), 503, "down", "Retry-After: 1", false, ""},
		{"request error", &RequestError{Status: 415, Message: "send JSON"}, 415, "send JSON", "", false, ""},
		{"request error with field", &RequestError{Status: 400, Field: "limit", Message: "must be a whole number"}, 400, "limit: must be a whole number", "", false, ""},
		{"body too large", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 1024}), 413, "the request body is larger than 1024 bytes", "", false, ""},
		{"internal hub error", &hub.Error{Kind: hub.Internal, Message: "db", Err: errors.New("dial 10.0.0.7: secret")}, 500, "internal error", "", true, "secret"},
		{"plain error", errors.New("boom: secret detail"), 500, "internal error", "", true, "secret"},
	} {
		var log bytes.Buffer
		w := httptest.NewRecorder()
		testErrors(&log).Write(w, httptest.NewRequest("GET", "/x", nil), c.err)
		var body struct {
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != c.status || body.Message != c.message {
			t.Errorf("%s: %d %s; want %d %q", c.name, w.Code, w.Body, c.status, c.message)
		}
		if c.header != "" {
			k, v, _ := strings.Cut(c.header, ": ")
			if got := w.Header().Get(k); got != v {
				t.Errorf("%s: %s %q, want %q", c.name, k, got, v)
			}
		}
		if logged := strings.Contains(log.String(), "level=ERROR"); logged != c.logged {
			t.Errorf("%s: logged at ERROR %v, want %v: %s", c.name, logged, c.logged, log.String())
		}
		if c.leakFree != "" && strings.Contains(w.Body.String(), c.leakFree) {
			t.Errorf("%s: body leaks the cause: %s", c.name, w.Body)
		}
	}
}

// TestErrorsClientGone: once the request's context is canceled (the
// client went away), any error, internal ones included, is recorded as
// 499 with no body and no ERROR line.
func TestErrorsClientGone(t *testing.T) {
	for _, err := range []error{
		context.Canceled,
		&hub.Error{Kind: hub.Internal, Message: "query", Err: fmt.Errorf("sql: %w", context.Canceled)},
		errors.New("driver: bad connection"),
		hub.Errorf(hub.NotFound, "partner not found"),
	} {
		var log bytes.Buffer
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/x", nil).WithContext(ctx)
		testErrors(&log).Write(w, r, err)
		if w.Code != StatusClientClosedRequest || w.Body.Len() != 0 || strings.Contains(log.String(), "level=ERROR") {
			t.Errorf("%v: %d %q, log %q", err, w.Code, w.Body, log.String())
		}
	}
	// A deadline is not a disconnect: still a server error.
	ctx, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	var log bytes.Buffer
	w := httptest.NewRecorder()
	testErrors(&log).Write(w, httptest.NewRequest("GET", "/x", nil).WithContext(ctx), context.DeadlineExceeded)
	if w.Code != 500 || !strings.Contains(log.String(), "level=ERROR") {
		t.Errorf("deadline: %d, log %q", w.Code, log.String())
	}
}

func TestRetryAfter(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{errors.New("x"), 1},
		{waitErr{0}, 1},
		{waitErr{time.Second}, 1},
		{waitErr{1001 * time.Millisecond}, 2},
		{fmt.Errorf("wrapped: %w", waitErr{90 * time.Second}), 90},
	} {
		if got := RetryAfter(c.err); got != c.want {
			t.Errorf("%v: %d, want %d", c.err, got, c.want)
		}
	}
}
