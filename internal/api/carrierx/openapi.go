package carrierx

import (
	_ "embed"
	"net/http"
	"strconv"
)

// openAPIDoc is the OpenAPI 3.1 description of this face.
//
//go:embed openapi.json
var openAPIDoc []byte

// handleOpenAPI serves the embedded document without authentication.
func handleOpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(openAPIDoc)))
		h.Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(openAPIDoc)
	})
}
