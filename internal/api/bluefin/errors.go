package bluefin

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// RateWindow is the window of the face's rate limit: the vendor's quota
// is per hour.
const RateWindow = time.Hour

const rateWindow = RateWindow

// Error codes (ours): 7000 + the HTTP status.
const codeBase = 7000

// statusOf maps a hub Kind to the face's status code, in one place.
// Bluefin answers every validation problem with 409.
func statusOf(k hub.Kind) int {
	switch k {
	case hub.Invalid, hub.Conflict, hub.PreconditionFailed:
		return http.StatusConflict
	}
	return httpapi.StatusOf(k)
}

// newErrors returns the face's error writer.
func newErrors(log *slog.Logger) *httpapi.Errors {
	return &httpapi.Errors{
		Face:      "bluefin",
		Log:       log,
		Challenge: `Basic realm="api/v1"`,
		Status:    func(e *hub.Error) int { return statusOf(e.Kind) },
		Body:      writeProblem,
	}
}

// validationBody is the vendor's ErrorValidation: errors is an object
// keyed by attribute.
type validationBody struct {
	Success   bool                     `json:"success"`
	ErrorCode int                      `json:"errorCode"`
	Message   string                   `json:"message"`
	Errors    map[string]validationErr `json:"errors"`
}

type validationErr struct {
	Attribute string `json:"attribute"`
	Message   string `json:"message"`
	ErrorCode int    `json:"errorCode"`
}

// permissionBody is the vendor's documented permission error; UUID is new
// for every answer.
type permissionBody struct {
	UUID      string `json:"uuid"`
	ErrorCode int    `json:"errorCode"`
	Message   string `json:"message"`
}

// serverBody is the vendor's ErrorServer, the shape of every other error.
type serverBody struct {
	ErrorCode int    `json:"errorCode"`
	Message   string `json:"message"`
}

// internalErrorBody is the plain 500 written when an error body itself
// does not encode.
const internalErrorBody = `{"errorCode":7500,"message":"internal error"}` + "\n"

// writeProblem writes one error body in the shape its status has.
func writeProblem(w http.ResponseWriter, _ *http.Request, status int, e *hub.Error) {
	code := codeBase + status
	var body any
	switch status {
	case http.StatusConflict:
		vb := validationBody{ErrorCode: code, Message: e.Message, Errors: map[string]validationErr{}}
		for _, f := range e.Fields {
			if _, dup := vb.Errors[f.Field]; !dup {
				vb.Errors[f.Field] = validationErr{Attribute: f.Field, Message: f.Message, ErrorCode: code}
			}
		}
		body = vb
	case http.StatusForbidden:
		body = permissionBody{UUID: hub.NewSID(), ErrorCode: code, Message: "Permission denied."}
	case http.StatusNotFound:
		body = serverBody{ErrorCode: code, Message: e.Message}
	default:
		body = serverBody{ErrorCode: code, Message: e.Message}
	}
	if err := httpapi.WriteJSON(w, status, body); err != nil {
		httpapi.WriteBody(w, http.StatusInternalServerError, []byte(internalErrorBody))
	}
}

// writeError answers err in the vendor's error shapes (see httpapi.Errors
// for the rules every face shares).
func (a *api) writeError(w http.ResponseWriter, r *http.Request, err error) { a.errs.Write(w, r, err) }

// writeID answers a create or an update: 200 {"id": n}.
func writeID(w http.ResponseWriter, id int64) {
	bp := httpapi.GetBuffer()
	defer httpapi.PutBuffer(bp)
	b := append(*bp, `{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, "}\n"...)
	*bp = b
	httpapi.WriteBody(w, http.StatusOK, b)
}

// writeJSON sends v with the given status. Values are the face's own DTOs,
// which always encode; a failure is still answered as a plain 500.
func writeJSON(w http.ResponseWriter, status int, v any) {
	if err := httpapi.WriteJSON(w, status, v); err != nil {
		httpapi.WriteBody(w, http.StatusInternalServerError, []byte(internalErrorBody))
	}
}

// attrError builds an Invalid error naming one attribute of the request
// (in the vendor's words).
func attrError(attr, format string, args ...any) *hub.Error {
	return hub.InvalidField(attr, format, args...)
}

// errNotFound is the answer for a path id that is malformed, missing or
// invisible: the text the hub gives for the latter two.
func errNotFound(what string) error { return hub.Errorf(hub.NotFound, "%s not found", what) }

// staleVersion reports whether err is a version conflict (a stale version
// sent by the caller) and rewrites it as a 409 naming version.
func staleVersion(err error) error {
	if errors.Is(err, hub.ErrStale) {
		return &hub.Error{Kind: hub.Conflict, Message: "version: is stale: the object was changed since it was read; reload and retry",
			Fields: []hub.FieldError{{Field: "version", Message: "is stale: the object was changed since it was read; reload and retry"}}, Err: err}
	}
	return err
}

// refError turns the failure to resolve a reference the request body
// makes (parent, partner, client, directPartner, contact) into a 409
// naming the attribute: no match (missing or invisible alike) or a name
// that several visible objects carry. Other errors pass unchanged.
func refError(err error, attr string) error {
	switch {
	case hub.IsKind(err, hub.NotFound):
		return attrError(attr, "not found")
	case errors.Is(err, hub.ErrAmbiguous):
		return attrError(attr, "more than one matches this name; name it by id")
	}
	return err
}

// renamer returns a RenameFields function for the domain names of one
// resource's hub errors; names not in m pass unchanged.
func renamer(m map[string]string) func(error) error {
	return func(err error) error {
		return httpapi.RenameFields(err, func(f string) string {
			if n, ok := m[f]; ok {
				return n
			}
			return f
		})
	}
}
