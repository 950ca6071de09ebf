// Package httpapi is what every API face shares: the rules of request
// bodies (JSON objects, forms) and query strings, ETag and If-Match, pooled
// response buffers, the route table as data and the mux built from it, the
// client IP, absolute links built from a configured base URL, the
// Authenticator a face calls, and the error pipeline every face's answers
// go through (with the face's own status mapping and body shape).
//
// A face is a translator (see DESIGN.md): it declares its route table
// ([Route]), its error shape ([Errors]), its public field names
// ([Vocabulary]) and its list spelling; everything else lives here or in
// the hub. The package knows no vendor: nothing in it names a field, a
// status choice or a body shape of one face.
//
// Order of checks on every route NewMux builds: authentication (a face's
// 401 or 429), then the query string (400 when it cannot be decoded); then
// the face's handler, which decodes the body (415, 400, 413) and calls the
// hub, which checks visibility (404), then the operation's scope (403),
// then the operation's rules and input.
package httpapi
