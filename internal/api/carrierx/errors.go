package carrierx

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// errorBody is the face's one error shape (spec: "ours, matching what the
// client reads"). errors always holds at least one entry; field is null
// when the problem is not tied to one field.
type errorBody struct {
	Message string       `json:"message"`
	Errors  []errorEntry `json:"errors"`
}

type errorEntry struct {
	Field        *string `json:"field"`
	Message      string  `json:"message"`
	ReferenceSID *string `json:"reference_sid"`
}

// origin tells writeError where an Invalid error came from: a request
// body describing an object (422) or the query string (400).
type origin int

const (
	fromBody  origin = iota // object validation: Invalid -> 422
	fromQuery               // query parameters, filters, cursors: Invalid -> 400
)

// statusOf maps a hub Kind to the face's status code, in one place.
func statusOf(k hub.Kind, o origin) int {
	switch k {
	case hub.NotFound:
		return http.StatusNotFound
	case hub.Invalid:
		if o == fromQuery {
			return http.StatusBadRequest
		}
		return http.StatusUnprocessableEntity
	case hub.Conflict:
		return http.StatusConflict
	case hub.PreconditionFailed:
		return http.StatusPreconditionFailed
	case hub.Forbidden:
		return http.StatusForbidden
	case hub.Unauthenticated:
		return http.StatusUnauthorized
	case hub.RateLimited:
		return http.StatusTooManyRequests
	case hub.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// retryAfter is implemented by errors that know when to retry (a rate
// limiter's). Without it a 429 or 503 says one second.
type retryAfter interface{ RetryAfter() time.Duration }

// retryAfterSeconds is the Retry-After of a 429 or 503: the wait carried
// by the authenticator's throttle (auth.RetryAfter) or by any error with a
// RetryAfter method, rounded up to whole seconds; one second otherwise.
func retryAfterSeconds(err error) int {
	d, ok := auth.RetryAfter(err)
	var ra retryAfter
	if !ok && errors.As(err, &ra) {
		d = ra.RetryAfter()
	}
	if d <= time.Second {
		return 1
	}
	return int((d + time.Second - 1) / time.Second)
}

// writeError answers err in the vendor's error shape. Internal errors get
// a generic message; their detail only reaches the log.
func (a *api) writeError(w http.ResponseWriter, r *http.Request, err error, o origin) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		a.writeProblem(w, http.StatusRequestEntityTooLarge, "the request body is larger than "+strconv.FormatInt(mbe.Limit, 10)+" bytes", nil)
		return
	}
	var he *hub.Error
	if !errors.As(err, &he) {
		he = &hub.Error{Kind: hub.Internal, Message: "internal error", Err: err}
	}
	status := statusOf(he.Kind, o)
	h := w.Header()
	switch status {
	case http.StatusInternalServerError:
		a.log.ErrorContext(r.Context(), "carrierx: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		a.writeProblem(w, status, "internal error", nil)
		return
	case http.StatusUnauthorized:
		h.Set("WWW-Authenticate", `Bearer realm="core/v2", Basic realm="core/v2"`)
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		h.Set("Retry-After", strconv.Itoa(retryAfterSeconds(err)))
	}
	a.writeProblem(w, status, he.Message, he.Fields)
}

// writeProblem writes one error body.
func (a *api) writeProblem(w http.ResponseWriter, status int, msg string, fields []hub.FieldError) {
	body := errorBody{Message: msg}
	for _, f := range fields {
		body.Errors = append(body.Errors, errorEntry{Field: &f.Field, Message: f.Message})
	}
	if len(body.Errors) == 0 {
		body.Errors = []errorEntry{{Message: msg}}
	}
	writeJSON(w, status, body)
}

// routeNotFound answers paths under the prefix that name no route.
func (a *api) routeNotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.writeProblem(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path, nil)
	})
}

// methodNotAllowed answers a known path called with another method.
func (a *api) methodNotAllowed(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		a.writeProblem(w, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed here; allowed: "+allow, nil)
	})
}

// errPartnerNotFound is the answer for a partner_sid that is malformed,
// missing or invisible: the same text the hub gives for the latter two.
func errPartnerNotFound() error { return hub.Errorf(hub.NotFound, "partner not found") }

// queryError builds an Invalid error about one query parameter (400).
func queryError(param, format string, args ...any) error {
	return hub.InvalidField(param, format, args...)
}

// publicFields renames the hub's field names in a validation error to the
// CarrierX ones (the hub's Partner.Name is company_name, ContactName is
// name) and rebuilds the message from the renamed first field.
func publicFields(err error) error {
	var he *hub.Error
	if !errors.As(err, &he) || len(he.Fields) == 0 {
		return err
	}
	out := *he
	out.Fields = make([]hub.FieldError, len(he.Fields))
	for i, f := range he.Fields {
		switch f.Field {
		case "name":
			f.Field = "company_name"
		case "contact_name":
			f.Field = "name"
		case "parent":
			f.Field = "parent_sid"
		}
		out.Fields[i] = f
	}
	out.Message = out.Fields[0].Field + ": " + out.Fields[0].Message
	if n := len(out.Fields) - 1; n > 0 {
		out.Message += " (and " + strconv.Itoa(n) + " more)"
	}
	return &out
}
