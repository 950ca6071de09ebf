package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// StatusClientClosedRequest is the status recorded for a request whose
// client went away before it was answered (nginx's 499). Nothing reaches
// the client; the status is for the access log and the metrics, where a
// disconnect must not count as a server error.
const StatusClientClosedRequest = 499

// RequestError is a problem with the HTTP request itself rather than with
// what it asks of the domain: a query string or body that cannot be
// decoded (400), a body of the wrong media type (415) or too large (413),
// an unknown path (404) or method (405). Its status is the same in every
// face; the face renders it in its own error shape.
type RequestError struct {
	Status  int
	Field   string // the query parameter or header concerned; "" for the body or the path
	Message string // safe to show to the caller
	Err     error  // the cause, for logs only
}

// Error returns the message, prefixed by the field when there is one.
func (e *RequestError) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Unwrap exposes the cause.
func (e *RequestError) Unwrap() error { return e.Err }

// hubError is e as the hub error a face's Body renders: NotFound for 404,
// Invalid otherwise, naming Field when there is one.
func (e *RequestError) hubError() *hub.Error {
	kind := hub.Invalid
	if e.Status == http.StatusNotFound {
		kind = hub.NotFound
	}
	out := &hub.Error{Kind: kind, Message: e.Error(), Err: e.Err}
	if e.Field != "" {
		out.Fields = []hub.FieldError{{Field: e.Field, Message: e.Message}}
	}
	return out
}

// ClientGone reports whether r's client went away: its context was
// canceled (net/http cancels it when the connection closes). Whatever
// error a request then ends with is an effect of the disconnect, not a
// fault of the server.
func ClientGone(r *http.Request) bool {
	return errors.Is(r.Context().Err(), context.Canceled)
}

// RetryAfter returns the wait an error carries (the first error in its
// chain with a RetryAfter() time.Duration method, such as the
// authenticator's throttle), rounded up to whole seconds and at least one
// second; one second when none does.
func RetryAfter(err error) int {
	var ra interface{ RetryAfter() time.Duration }
	if !errors.As(err, &ra) {
		return 1
	}
	d := ra.RetryAfter()
	if d <= time.Second {
		return 1
	}
	return int((d + time.Second - 1) / time.Second)
}

// Errors writes a face's error answers. It holds the rules every face
// shares and asks the face only what differs: the status of each hub error
// (Status) and the body (Body).
//
// The shared rules, in order:
//   - a client that went away (ClientGone): status 499 is recorded and
//     nothing is written or logged here, whatever err is;
//   - a *RequestError keeps its status; a *http.MaxBytesError is 413;
//   - any error that is not a *hub.Error is Internal;
//   - Internal (status 500): logged at ERROR with the cause; the body gets
//     the generic message "internal error", never the cause;
//   - 401 carries WWW-Authenticate (Challenge); 429 and 503 carry
//     Retry-After (RetryAfter).
type Errors struct {
	// Face names the face in log lines ("carrierx").
	Face string
	// Log receives internal errors; nil discards them.
	Log *slog.Logger
	// Challenge is the WWW-Authenticate value of a 401.
	Challenge string
	// Status maps a hub error to the face's status code; a result of 0
	// means 500. It is not called for a *RequestError.
	Status func(e *hub.Error) int
	// Body writes the error body for status (headers such as
	// Content-Type included). e's Message and Fields are safe to show.
	Body func(w http.ResponseWriter, r *http.Request, status int, e *hub.Error)
}

// Write answers err.
func (x *Errors) Write(w http.ResponseWriter, r *http.Request, err error) {
	if ClientGone(r) {
		if x.Log != nil {
			x.Log.DebugContext(r.Context(), x.Face+": client went away", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		w.WriteHeader(StatusClientClosedRequest)
		return
	}
	var status int
	var he *hub.Error
	var re *RequestError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &re):
		status, he = re.Status, re.hubError()
	case errors.As(err, &mbe):
		re = &RequestError{Status: http.StatusRequestEntityTooLarge, Message: "the request body is larger than " + strconv.FormatInt(mbe.Limit, 10) + " bytes", Err: err}
		status, he = re.Status, re.hubError()
	case errors.As(err, &he):
		status = x.Status(he)
	default:
		he = &hub.Error{Kind: hub.Internal, Message: "internal error", Err: err}
		status = x.Status(he)
	}
	if status == 0 {
		status = http.StatusInternalServerError
	}
	h := w.Header()
	switch status {
	case http.StatusInternalServerError:
		if x.Log != nil {
			x.Log.ErrorContext(r.Context(), x.Face+": internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		he = &hub.Error{Kind: hub.Internal, Message: "internal error"}
	case http.StatusUnauthorized:
		if x.Challenge != "" {
			h.Set("WWW-Authenticate", x.Challenge)
		}
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		h.Set("Retry-After", strconv.Itoa(RetryAfter(err)))
	}
	x.Body(w, r, status, he)
}
