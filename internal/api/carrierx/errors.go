package carrierx

import (
	"log/slog"
	"net/http"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
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

// internalErrorBody is the plain 500 written when an error body itself
// does not encode.
const internalErrorBody = `{"message":"internal error","errors":[{"field":null,"message":"internal error","reference_sid":null}]}` + "\n"

// origin tells writeError where an Invalid error came from: a request
// body describing an object (422) or the query string (400).
type origin int

const (
	fromBody  origin = iota // object validation: Invalid -> 422
	fromQuery               // query parameters, filters, cursors: Invalid -> 400
)

// statusOf maps a hub Kind to the face's status code, in one place.
func statusOf(k hub.Kind, o origin) int {
	if k == hub.Invalid && o == fromBody {
		return http.StatusUnprocessableEntity
	}
	return httpapi.StatusOf(k)
}

// newErrors returns the face's error writers, one per origin; they differ
// only in the status of an Invalid error.
func newErrors(log *slog.Logger) [2]*httpapi.Errors {
	var out [2]*httpapi.Errors
	for _, o := range []origin{fromBody, fromQuery} {
		out[o] = &httpapi.Errors{
			Face:      "carrierx",
			Log:       log,
			Challenge: `Bearer realm="core/v2", Basic realm="core/v2"`,
			Status:    func(e *hub.Error) int { return statusOf(e.Kind, o) },
			Body:      writeProblem,
		}
	}
	return out
}

// writeError answers err in the vendor's error shape (see httpapi.Errors
// for the rules every face shares: 499 for a client that went away,
// internal errors logged and answered with a generic message).
func (a *api) writeError(w http.ResponseWriter, r *http.Request, err error, o origin) {
	a.errs[o].Write(w, r, err)
}

// writeProblem writes one error body.
func writeProblem(w http.ResponseWriter, _ *http.Request, status int, e *hub.Error) {
	body := errorBody{Message: e.Message}
	for _, f := range e.Fields {
		body.Errors = append(body.Errors, errorEntry{Field: &f.Field, Message: f.Message})
	}
	if len(body.Errors) == 0 {
		body.Errors = []errorEntry{{Message: e.Message}}
	}
	if err := httpapi.WriteJSON(w, status, body); err != nil {
		httpapi.WriteBody(w, http.StatusInternalServerError, []byte(internalErrorBody))
	}
}

// writeJSON sends v with the given status. Values are the face's own DTOs,
// which always encode; a failure is still answered as a plain 500.
func writeJSON(w http.ResponseWriter, status int, v any) {
	if err := httpapi.WriteJSON(w, status, v); err != nil {
		httpapi.WriteBody(w, http.StatusInternalServerError, []byte(internalErrorBody))
	}
}

// errPartnerNotFound is the answer for a partner_sid that is malformed,
// missing or invisible: the same text the hub gives for the latter two.
func errPartnerNotFound() error { return hub.Errorf(hub.NotFound, "partner not found") }

// preconditionFailed is the answer to a stale If-Match.
func preconditionFailed() error {
	return hub.Errorf(hub.PreconditionFailed, "If-Match does not match the current version: the partner was changed since it was read; reload and retry")
}

// queryError builds an Invalid error about one query parameter (400).
func queryError(param, format string, args ...any) error {
	return hub.InvalidField(param, format, args...)
}
