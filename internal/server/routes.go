package server

import "net/http"

// addRoutes is the whole route table of the service: every endpoint the
// process serves is registered here and nowhere else.
func addRoutes(mux *http.ServeMux, d Deps) {
	// Operational endpoints.
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", handleReadyz(d.Logger, d.Ready))
	mux.Handle("GET /metrics", handleMetrics(d.Metrics, d.Logger))

	// API faces (/core/v2, /api/v1, /api/v2, ...) mount below their
	// prefixes. No method in the pattern: each face routes methods itself
	// and answers its own 404/405 in its vendor's error format.
	for _, f := range d.Faces {
		mux.Handle(f.Prefix+"/", f.Handler)
	}
}
