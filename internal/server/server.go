// Package server is partnerhub's HTTP skeleton: it owns the route table,
// the cross-cutting middleware (request id, access log, metrics, panic
// recovery, body limit), the operational endpoints (/healthz, /readyz,
// /metrics) and the http.Server lifecycle. The vendor-compatible API faces
// are mounted into it as opaque handlers; see Face.
//
// The package holds no global state: everything a handler needs arrives
// through Deps, so tests can build as many independent servers as they like.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// DefaultMaxBodyBytes is the request body limit used when Deps.MaxBodyBytes
// is not positive.
const DefaultMaxBodyBytes int64 = 1 << 20 // 1 MiB

// Face is one API surface mounted under a path prefix, for example the
// /core/v2 compatibility API.
type Face struct {
	// Prefix is the mount point: it must start with "/", must not end with
	// "/" and must not be empty, e.g. "/core/v2". The face receives every
	// request whose path is below Prefix+"/", with the path unmodified (the
	// prefix is not stripped). A request for exactly Prefix is redirected to
	// Prefix+"/" by http.ServeMux.
	Prefix string
	// Handler serves the face. If it routes with its own http.ServeMux
	// (without http.StripPrefix), the pattern that mux matches becomes the
	// route label in logs and metrics, which keeps them precise and bounded.
	Handler http.Handler
}

// Deps is everything the HTTP layer needs from the rest of the program.
// The zero value is usable: it serves only the operational endpoints,
// reports ready, logs nowhere and limits bodies to DefaultMaxBodyBytes.
type Deps struct {
	// Logger receives the access log, panics and readiness failures, each
	// with the request's id (NewHandler wraps its handler in LogHandler).
	// Nil discards them.
	Logger *slog.Logger
	// Ready reports whether the service can take traffic (typically a DB
	// ping). It is called by GET /readyz with a 2s deadline. The text of a
	// returned error is sent to the caller verbatim, so it must not contain
	// a DSN, password or other secret; wrapping driver errors that embed the
	// connection string is the implementer's responsibility. Nil means
	// always ready.
	Ready func(context.Context) error
	// Metrics is the registry GET /metrics exposes. NewHandler registers
	// on it the HTTP metrics, partnerhub_build_info and the Go runtime and
	// process collectors; every other subsystem registers its own
	// collectors on the same registry (store.DB and readcache.Store have
	// RegisterMetrics). Nil means a new registry of the handler's own. Use
	// one registry per handler: registering twice panics.
	Metrics *prometheus.Registry
	// Faces are the API surfaces mounted under their prefixes.
	Faces []Face
	// MaxBodyBytes caps every request body; reads past it fail with
	// *http.MaxBytesError. Zero or negative means DefaultMaxBodyBytes (a
	// negative value does not disable the limit, by design).
	MaxBodyBytes int64
	// Version is exported as the version label of partnerhub_build_info.
	// Empty means "unknown".
	Version string
}

// NewHandler builds the complete HTTP handler: the route table wrapped in
// the middleware chain. It panics if a Face has an invalid Prefix or a nil
// Handler, or if two routes conflict, because that is a wiring bug that must
// stop the program at startup (the same policy as http.ServeMux).
//
// Nothing is registered globally (prometheus.DefaultRegisterer is not
// used), so a program or a test can build as many handlers as it likes,
// each with its own registry.
func NewHandler(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	d.Logger = slog.New(LogHandler(d.Logger.Handler()))
	if d.MaxBodyBytes <= 0 {
		d.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if d.Version == "" {
		d.Version = "unknown"
	}
	for _, f := range d.Faces {
		if err := validateFace(f); err != nil {
			panic("server: " + err.Error())
		}
	}

	if d.Metrics == nil {
		d.Metrics = prometheus.NewRegistry()
	}
	m := newMetrics(d.Metrics)
	registerProcessMetrics(d.Metrics, d.Version)
	mux := http.NewServeMux()
	addRoutes(mux, d)

	// Built inside out; a request passes through them in the reverse order:
	// request id -> metrics+access log -> panic recovery -> body limit -> mux.
	// The request id comes first so that every log line (including a
	// recovered panic) can carry it; recovery sits inside the access log so
	// that the 500 it writes is what gets logged and counted.
	var h http.Handler = mux
	h = withBodyLimit(h, d.MaxBodyBytes)
	h = withRecovery(h, d.Logger)
	h = withObservability(h, d.Logger, m)
	h = withRequestID(h)
	return h
}

func validateFace(f Face) error {
	switch {
	case f.Handler == nil:
		return fmt.Errorf("face %q has a nil Handler", f.Prefix)
	case f.Prefix == "" || !strings.HasPrefix(f.Prefix, "/") || strings.HasSuffix(f.Prefix, "/"):
		// Without the leading slash ServeMux would read the prefix as a
		// host name; a trailing slash would produce "//" in the pattern.
		return fmt.Errorf("face prefix %q must start with %q and not end with it", f.Prefix, "/")
	case strings.ContainsAny(f.Prefix, "{} \t"):
		// Wildcards or a method would change the meaning of the pattern.
		return fmt.Errorf("face prefix %q must be a literal path", f.Prefix)
	}
	return nil
}
