package carrierx

import (
	"net/http"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// principalHandler is a handler that runs for an authenticated caller.
type principalHandler func(w http.ResponseWriter, r *http.Request, pr hub.Principal)

// authorized authenticates the request (401/429) and requires one of
// scopes (403) before it calls next. The hub checks visibility again on
// every call; scopes are also checked here so that a caller without the
// scope gets 403 before any lookup can tell it whether an object exists.
func (a *api) authorized(next principalHandler, scopes ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pr, err := a.authn.Principal(r)
		if err != nil {
			a.writeError(w, r, err, fromQuery)
			return
		}
		if err := pr.RequireScope(scopes...); err != nil {
			a.writeError(w, r, err, fromQuery)
			return
		}
		next(w, r, pr)
	})
}
