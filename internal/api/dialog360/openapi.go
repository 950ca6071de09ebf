package dialog360

import (
	_ "embed"
	"net/http"
	"strconv"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// openAPIDoc is the OpenAPI 3.1 description of this face.
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI serves GET /api/v2/openapi.json, the embedded document, without
// authentication.
func (a *api) openAPI(w http.ResponseWriter, _ *http.Request, _ hub.Principal) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(openAPIDoc)))
	h.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDoc)
}
