package server

import "net/http"

// withBodyLimit caps the request body at max bytes: reads past it fail with
// *http.MaxBytesError, which faces map to 413 in their own error format.
func withBodyLimit(next http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			// MaxBytesReader uses w only to tell net/http to close the
			// connection once the limit is hit (an unexported method our
			// wrappers cannot forward), so hand it the innermost writer.
			//
			// r is modified in place instead of cloned: r is already a
			// private copy (withRequestID made it), and a clone would hide
			// the r.Pattern that the mux sets from withObservability.
			r.Body = http.MaxBytesReader(innermostWriter(w), r.Body, max)
		}
		next.ServeHTTP(w, r)
	})
}

// innermostWriter follows Unwrap to the writer net/http created.
func innermostWriter(w http.ResponseWriter) http.ResponseWriter {
	for {
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return w
		}
		w = u.Unwrap()
	}
}
