package bluefin

import _ "embed"

// openAPIDoc is the OpenAPI 3.0 description of this face: the vendor's,
// restricted to partners, users and clients, with partnerhub's additions
// (see its info.description). TestOpenAPIDerivedFromVendor keeps it a
// superset of the vendor's schemas.
//
//go:embed openapi.json
var openAPIDoc []byte // served at /api/v1/openapi.json (httpapi.ServeDocument), without authentication
