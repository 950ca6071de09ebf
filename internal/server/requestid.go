package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// RequestIDHeader is the header that carries the request id in both
// directions: an acceptable incoming value is kept, and the id in effect is
// always echoed on the response.
const RequestIDHeader = "X-Request-Id"

// maxRequestIDLen bounds an incoming id so a client cannot inflate every
// log line it causes.
const maxRequestIDLen = 128

type requestIDKey struct{}

// RequestID returns the id of the request that ctx belongs to, or "" if
// ctx did not come from a handler built by NewHandler. Faces put it into
// error bodies so a client report can be matched to the access log.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// withRequestID gives every request an id: the caller's X-Request-Id when it
// is well formed (so ids propagate across services), otherwise a fresh
// random one.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// validRequestID accepts 1..128 characters of [A-Za-z0-9._-]. The id is
// client controlled and ends up in logs, headers and JSON bodies; this
// alphabet needs no escaping in any of them and cannot forge log lines.
func validRequestID(id string) bool {
	if len(id) == 0 || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// newRequestID returns 16 random bytes in hex (32 characters).
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it crashes the program instead)
	return hex.EncodeToString(b[:])
}
