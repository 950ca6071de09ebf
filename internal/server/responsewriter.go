package server

import "net/http"

// statusRecorder wraps a ResponseWriter to learn the status code and body
// size of the response, for the access log, metrics and panic recovery.
//
// Optional interfaces of the wrapped writer stay reachable through Unwrap,
// which is how http.ResponseController finds them (Hijack, SetReadDeadline,
// EnableFullDuplex, ...). Flush is also implemented directly, because many
// handlers still use a w.(http.Flusher) type assertion and because a flush
// commits the status, which the recorder has to see.
type statusRecorder struct {
	http.ResponseWriter
	status int   // final status sent; 0 while headers are not yet written
	bytes  int64 // body bytes accepted by the wrapped writer
}

// recorderFor returns w itself if it is already a *statusRecorder, so that
// stacked middleware share one wrapper (one allocation per request), or
// wraps w otherwise.
func recorderFor(w http.ResponseWriter) *statusRecorder {
	if rec, ok := w.(*statusRecorder); ok {
		return rec
	}
	return &statusRecorder{ResponseWriter: w}
}

// WriteHeader implements http.ResponseWriter.
func (w *statusRecorder) WriteHeader(code int) {
	// Forward first: net/http panics on an invalid code, and that code must
	// not be recorded as sent.
	w.ResponseWriter.WriteHeader(code)
	// 1xx responses other than 101 are informational and may be followed
	// by the real status.
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
	}
}

// Write implements http.ResponseWriter.
func (w *statusRecorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK // what net/http sends implicitly
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// FlushError flushes the wrapped writer; http.ResponseController prefers it
// over Flush, so flush errors reach callers that use the controller.
func (w *statusRecorder) FlushError() error {
	err := http.NewResponseController(w.ResponseWriter).Flush()
	if err == nil && w.status == 0 {
		w.status = http.StatusOK // flushing commits an implicit 200
	}
	return err
}

// Flush implements http.Flusher. It is a no-op when the wrapped writer
// cannot flush, which is what the Flusher contract allows.
func (w *statusRecorder) Flush() { _ = w.FlushError() }

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wroteHeader reports whether the status line has been committed, after
// which it can no longer be changed.
func (w *statusRecorder) wroteHeader() bool { return w.status != 0 }
