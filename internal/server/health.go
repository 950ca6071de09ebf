package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// readyTimeout bounds one readiness check, so a hung dependency makes
// /readyz fail fast instead of piling up probe requests.
const readyTimeout = 2 * time.Second

type statusBody struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// handleHealthz reports liveness: the process is up and serving HTTP.
// It deliberately checks no dependency, so a database outage never makes
// an orchestrator restart healthy processes.
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
	})
}

// handleReadyz reports readiness by calling ready with readyTimeout.
// A nil ready means always ready. The error text is returned to the caller
// as is; see Deps.Ready for why it must be free of secrets.
func handleReadyz(log *slog.Logger, ready func(context.Context) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if ready != nil {
			ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
			err := ready(ctx)
			cancel()
			if err != nil {
				log.LogAttrs(r.Context(), slog.LevelWarn, "not ready", slog.String("error", err.Error()))
				writeJSON(w, http.StatusServiceUnavailable,
					statusBody{Status: "unavailable", Error: err.Error()})
				return
			}
		}
		writeJSON(w, http.StatusOK, statusBody{Status: "ready"})
	})
}
