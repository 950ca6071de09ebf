package server

import (
	"log/slog"
	"net/http"
	"time"
)

// unmatchedRoute is the route label of requests no registered pattern
// matched (404, 405, mux redirects).
const unmatchedRoute = "unmatched"

// withObservability writes one access log line and records the request
// metrics for every request, including one whose handler panics past
// withRecovery (http.ErrAbortHandler): the work happens in a defer.
//
// What is logged is deliberately narrow: method, route pattern, path,
// status, bytes, duration and remote address, plus the request id, which
// the logger's LogHandler adds from the context. Query strings and
// headers are never logged because they carry credentials (tokens, API
// keys, passwords in legacy query parameters).
func withObservability(next http.Handler, log *slog.Logger, m *metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := recorderFor(w)
		completed := false
		defer func() {
			elapsed := time.Since(start)
			status := rec.status
			if status == 0 && completed {
				status = http.StatusOK // the handler wrote nothing; net/http sends 200
			}
			// status stays 0 for an aborted request that sent nothing.
			route := routeLabel(r)
			m.observe(methodLabel(r.Method), route, status, elapsed)

			level := slog.LevelInfo
			if !completed {
				level = slog.LevelWarn
			}
			log.LogAttrs(r.Context(), level, "http request",
				slog.String("method", r.Method),
				slog.String("route", route),
				slog.String("path", r.URL.Path), // Path only: RawQuery may hold secrets
				slog.Int("status", status),
				slog.Int64("bytes", rec.bytes),
				slog.Duration("duration", elapsed),
				slog.String("remote_addr", r.RemoteAddr),
				slog.Bool("aborted", !completed),
			)
		}()
		next.ServeHTTP(rec, r)
		completed = true
	})
}

// routeLabel names the route that served r, for logs and metric labels.
//
// It reads r.Pattern, which http.ServeMux sets on the *Request it is handed
// once it has routed it. This only works because every middleware between
// withObservability and the mux passes r through unchanged instead of
// cloning it; keep it that way.
//
// The label is always a registered pattern or "unmatched", never the raw
// path, so metric cardinality stays bounded whatever clients send.
func routeLabel(r *http.Request) string {
	// For CONNECT, ServeMux reports the redirect target path (client
	// controlled) as the pattern; no face serves CONNECT anyway.
	if r.Pattern == "" || r.Method == http.MethodConnect {
		return unmatchedRoute
	}
	return r.Pattern
}
