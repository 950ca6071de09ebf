package dialog360

import _ "embed"

// openAPIDoc is the OpenAPI 3.1 description of this face.
//
//go:embed openapi.json
var openAPIDoc []byte // served at /api/v2/openapi.json (httpapi.ServeDocument), without authentication
