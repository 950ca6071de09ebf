package httpapi

import (
	"context"
	"net"
	"net/http"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// Authenticator identifies callers for the faces; *auth.Authenticator
// implements it. Errors are hub errors: Unauthenticated (401), RateLimited
// (429, with Retry-After when the error has a RetryAfter method) or any
// other kind, answered through the face's Errors.
type Authenticator interface {
	// Principal authenticates an HTTP request by its credentials (Basic,
	// Bearer, X-API-Key).
	Principal(r *http.Request) (hub.Principal, error)
	// Basic checks a username and password sent from ip, under the same
	// failure throttles as Principal's Basic authentication: the OAuth
	// password grants of the faces use it, so guessing passwords through a
	// token endpoint is limited exactly like guessing them through Basic.
	Basic(ctx context.Context, username, password, ip string) (hub.Principal, error)
}

// ClientIP is the client's address as this process sees it: the host part
// of r.RemoteAddr (the whole of it when it has no port). Headers such as
// X-Forwarded-For are never read: a proxy in front must be the one that
// connects. Throttles, token records and logs all use this one value.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
