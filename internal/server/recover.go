package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

type errorBody struct {
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
}

// withRecovery turns a panicking handler into a logged error and, if the
// response has not started yet, a 500 with a small JSON body. Without it
// net/http would drop the connection and log to the standard logger with no
// request context.
//
// http.ErrAbortHandler is re-panicked untouched: it is the documented way
// for a handler to abort a response, and net/http handles it quietly. A
// panic after the response has started is logged and then converted to
// http.ErrAbortHandler, because a status can no longer be sent and the
// client must see a broken response rather than a truncated one that looks
// complete.
func withRecovery(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := recorderFor(w)
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler { // compared by identity, as net/http does
				panic(p)
			}
			id := RequestID(r.Context())
			log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("panic", fmt.Sprint(p)),
				slog.String("stack", string(debug.Stack())),
				slog.String("method", r.Method),
				slog.String("route", routeLabel(r)),
				slog.String("path", r.URL.Path),
			)
			if rec.wroteHeader() {
				panic(http.ErrAbortHandler)
			}
			// Drop headers describing the body the handler meant to send.
			h := rec.Header()
			for _, k := range []string{"Content-Length", "Content-Encoding", "Content-Range",
				"Content-Disposition", "ETag", "Last-Modified", "Trailer"} {
				h.Del(k)
			}
			writeJSON(rec, http.StatusInternalServerError,
				errorBody{Message: "internal error", RequestID: id})
		}()
		next.ServeHTTP(rec, r)
	})
}
