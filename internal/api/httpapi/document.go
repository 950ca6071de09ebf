package httpapi

import (
	"net/http"
	"strconv"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// ServeDocument returns the Handler of a face's public machine-readable
// description (its openapi.json): doc as application/json, cacheable for
// five minutes. doc must not be modified afterwards.
func ServeDocument(doc []byte) Handler {
	length := strconv.Itoa(len(doc))
	return func(w http.ResponseWriter, _ *http.Request, _ hub.Principal) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", length)
		h.Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(doc)
	}
}
