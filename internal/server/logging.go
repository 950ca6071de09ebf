package server

import (
	"context"
	"log/slog"
)

// requestIDAttr is the attribute name of a request's id in log records.
const requestIDAttr = "request_id"

// LogHandler wraps h so that every record logged with the context of a
// request served by a NewHandler handler (see RequestID) carries that
// request's id as the attribute request_id, unless the record already
// has one. Install it where the program's logger is built, so the log
// lines of every component (a face's internal-error line, the
// authenticator's warnings) can be matched to the access log and to the
// X-Request-Id the client saw; NewHandler also installs it on
// Deps.Logger. Wrapping an already wrapped handler returns it unchanged.
// Under WithGroup the attribute lands in the innermost group, as any
// record attribute would.
func LogHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(requestIDHandler); ok {
		return h
	}
	return requestIDHandler{h}
}

// requestIDHandler is the slog.Handler LogHandler returns.
type requestIDHandler struct{ slog.Handler }

// Handle implements slog.Handler.
func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" && !hasAttr(r, requestIDAttr) {
		// Clone: the record's attribute storage may be shared with the
		// caller's copy.
		r = r.Clone()
		r.AddAttrs(slog.String(requestIDAttr, id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

// WithGroup implements slog.Handler.
func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// hasAttr reports whether r has a top-level attribute named key.
func hasAttr(r slog.Record, key string) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == key
		return !found
	})
	return found
}
