package httpapi

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// Handler serves one route. pr is the authenticated caller; on a public
// route it is the zero Principal.
type Handler func(w http.ResponseWriter, r *http.Request, pr hub.Principal)

// Route is one route of a face, as data: the method, the full ServeMux
// pattern (with the face's prefix, such as "/core/v2/partners/{partner_sid}"),
// the scopes of which a caller needs one (from the hub's Requirement of
// the operation, Requirement.AnyOf; for documentation and the access
// matrix: the hub checks them), whether the route is served without
// authentication, and its handler. ReadAhead, when set, gives the context
// the request is authenticated and served with (see
// hub.WithPartnerReadAhead): it may only let the credential check read
// ahead what the handler reads next, never change an answer.
type Route struct {
	Method    string
	Pattern   string
	Scopes    []string
	Public    bool
	Handle    Handler
	ReadAhead func(r *http.Request) context.Context
}

// ID names the route as "METHOD pattern".
func (rt Route) ID() string { return rt.Method + " " + rt.Pattern }

// Describe returns a copy of routes for export as data: scopes copied,
// handlers left out, so that nobody outside the face can call a handler
// past the mux's authentication.
func Describe(routes []Route) []Route {
	out := make([]Route, len(routes))
	for i, rt := range routes {
		out[i] = Route{Method: rt.Method, Pattern: rt.Pattern, Scopes: slices.Clone(rt.Scopes), Public: rt.Public}
	}
	return out
}

// Mux is what NewMux needs to serve a face.
type Mux struct {
	// Prefix is where the face is mounted, such as "/core/v2": a path
	// below it that no route names is a 404 in the face's shape.
	Prefix string
	// Routes is the face's route table.
	Routes []Route
	// Authn authenticates every route that is not Public.
	Authn Authenticator
	// Errors writes every error answer of the mux: authentication, an
	// undecodable query string, unknown paths (404) and methods (405,
	// with Allow).
	Errors *Errors
	// Limiter, when not nil, meters every authenticated request against
	// its caller's budget (RateLimitKey) after authentication: the quota
	// headers go on the answer, and a spent budget is a RateLimited error
	// (429 with Retry-After) before the handler runs.
	Limiter *RateLimiter
}

// NewMux returns the face's handler: an http.ServeMux with one pattern
// per route (the pattern becomes the route label of the access log and
// the metrics), a 405 with Allow for a known path called with another
// method, and a 404 for any other path below Prefix, all answered through
// Errors. An authenticated route authenticates first, then checks the
// query string (CheckQuery), then runs its handler (metered by Limiter, when
// set, after authentication); a public route checks the
// query string and runs its handler. It panics on a route without a
// handler or a duplicate route, a wiring bug.
func NewMux(m Mux) http.Handler {
	mux := http.NewServeMux()
	allowed := map[string][]string{} // pattern -> methods
	var patterns []string
	for _, rt := range m.Routes {
		if rt.Handle == nil {
			panic("httpapi: route " + rt.ID() + " has no handler")
		}
		mux.Handle(rt.Method+" "+rt.Pattern, m.serve(rt))
		if _, ok := allowed[rt.Pattern]; !ok {
			patterns = append(patterns, rt.Pattern)
		}
		allowed[rt.Pattern] = append(allowed[rt.Pattern], rt.Method)
	}
	for _, p := range patterns {
		methods := allowed[p]
		slices.Sort(methods)
		allow := strings.Join(methods, ", ")
		mux.Handle(p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			m.Errors.Write(w, r, &RequestError{Status: http.StatusMethodNotAllowed,
				Message: "method " + r.Method + " is not allowed here; allowed: " + allow})
		}))
	}
	mux.Handle(m.Prefix+"/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.Errors.Write(w, r, &RequestError{Status: http.StatusNotFound, Message: "no such endpoint: " + r.URL.Path})
	}))
	return mux
}

// serve wraps one route's handler in the checks every route shares.
func (m Mux) serve(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var pr hub.Principal
		if rt.ReadAhead != nil {
			r = r.WithContext(rt.ReadAhead(r))
		}
		if !rt.Public {
			var err error
			if pr, err = m.Authn.Principal(r); err != nil {
				m.Errors.Write(w, r, err)
				return
			}
			if m.Limiter != nil {
				if err := m.Limiter.meter(w, pr); err != nil {
					m.Errors.Write(w, r, err)
					return
				}
			}
		}
		if err := CheckQuery(r); err != nil {
			m.Errors.Write(w, r, err)
			return
		}
		rt.Handle(w, r, pr)
	})
}
