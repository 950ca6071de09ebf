package httpapi

import (
	"net/http"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// StatusOf is the HTTP status most faces give a hub Kind: NotFound 404,
// Invalid 400, Conflict 409, PreconditionFailed 412, Forbidden 403,
// Unauthenticated 401, RateLimited 429, Unavailable 503, anything else
// 500. A face whose vendor answers otherwise (a 422 for an invalid body,
// a 409 for every validation error) overrides those kinds and defers to
// StatusOf for the rest, so the kinds every vendor agrees on are mapped
// in one place.
func StatusOf(k hub.Kind) int {
	switch k {
	case hub.NotFound:
		return http.StatusNotFound
	case hub.Invalid:
		return http.StatusBadRequest
	case hub.Conflict:
		return http.StatusConflict
	case hub.PreconditionFailed:
		return http.StatusPreconditionFailed
	case hub.Forbidden:
		return http.StatusForbidden
	case hub.Unauthenticated:
		return http.StatusUnauthorized
	case hub.RateLimited:
		return http.StatusTooManyRequests
	case hub.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
