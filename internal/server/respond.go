package server

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// writeJSON sends v as a JSON response with the given status. It is meant
// for the package's own small, fixed-shape bodies, which cannot fail to
// encode.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Unreachable for the types used in this package; fail loudly but
		// without leaking anything.
		status = http.StatusInternalServerError
		body = []byte(`{"message":"internal error"}`)
	}
	body = append(body, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body) // a failed write means the client went away
}
