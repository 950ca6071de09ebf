package dialog360

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/server"
)

// errorBody is the vendor's error envelope:
//
//	{"meta": {"success": false, "http_code": 404, "developer_message": "...",
//	          "360dialog_trace_id": "..."}}
//
// A wrong payload (400) adds details (one line per problem) and error_data
// (code, message, real_message, status), which the vendor's public .NET
// client reads.
type errorBody struct {
	Meta errorMeta `json:"meta"`
}

type errorMeta struct {
	Success          bool       `json:"success"`
	HTTPCode         int        `json:"http_code"`
	DeveloperMessage string     `json:"developer_message"`
	TraceID          string     `json:"360dialog_trace_id"`
	Details          []string   `json:"details,omitempty"`
	ErrorData        *errorData `json:"error_data,omitempty"`
}

type errorData struct {
	Code        string `json:"code"`
	Message     string `json:"message"`
	RealMessage string `json:"real_message"`
	Status      int    `json:"status"`
}

// internalErrorBody is the plain 500 written when an error body itself
// does not encode.
const internalErrorBody = `{"meta":{"success":false,"http_code":500,"developer_message":"internal error","360dialog_trace_id":""}}` + "\n"

// newErrors returns the face's error writer.
func newErrors(log *slog.Logger) *httpapi.Errors {
	return &httpapi.Errors{
		Face:      "dialog360",
		Log:       log,
		Challenge: `Bearer realm="api/v2"`,
		// A wrong payload (Invalid) is 400, whether it is a body or a
		// query parameter: the vendor has no 422.
		Status: func(e *hub.Error) int { return httpapi.StatusOf(e.Kind) },
		Body:   writeProblem,
	}
}

// writeError answers err in the vendor's error envelope (see
// httpapi.Errors for the rules every face shares).
func (a *api) writeError(w http.ResponseWriter, r *http.Request, err error) {
	a.errs.Write(w, r, err)
}

// writeProblem writes one error body. The trace id is the request's id
// (the X-Request-Id the server answers with, and its log lines carry).
func writeProblem(w http.ResponseWriter, r *http.Request, status int, e *hub.Error) {
	m := errorMeta{HTTPCode: status, DeveloperMessage: e.Message, TraceID: traceID(r)}
	if status == http.StatusBadRequest {
		m.Details = make([]string, 0, max(len(e.Fields), 1))
		for _, f := range e.Fields {
			m.Details = append(m.Details, f.Field+": "+f.Message)
		}
		if len(m.Details) == 0 {
			m.Details = append(m.Details, e.Message)
		}
		m.ErrorData = &errorData{Code: errorCode(e), Message: e.Message, RealMessage: m.Details[0], Status: status}
	}
	if err := httpapi.WriteJSON(w, status, errorBody{Meta: m}); err != nil {
		httpapi.WriteBody(w, http.StatusInternalServerError, []byte(internalErrorBody))
	}
}

// errorCode names a wrong payload's kind for error_data.code: the field
// concerned first, else the generic "invalid_payload".
func errorCode(e *hub.Error) string {
	if len(e.Fields) > 0 {
		return "invalid_field"
	}
	return "invalid_payload"
}

// traceID is the id of r: the server's request id, or a fresh one when the
// face runs without the server's middleware.
func traceID(r *http.Request) string {
	if id := server.RequestID(r.Context()); id != "" {
		return id
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// writeJSON sends v with the given status. Values are the face's own DTOs,
// which always encode; a failure is still answered as a plain 500.
func writeJSON(w http.ResponseWriter, status int, v any) {
	if err := httpapi.WriteJSON(w, status, v); err != nil {
		httpapi.WriteBody(w, http.StatusInternalServerError, []byte(internalErrorBody))
	}
}

// invalid is a wrong payload naming field (400).
func invalid(field, format string, args ...any) error {
	return hub.InvalidField(field, format, args...)
}
