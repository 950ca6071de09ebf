package carrierx

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// Authenticator identifies the caller of a request. An error of hub Kind
// Unauthenticated becomes 401, RateLimited 429 (with Retry-After); any other
// kind is answered through the face's error mapping.
type Authenticator interface {
	Principal(r *http.Request) (hub.Principal, error)
}

// Prefix is where the face is mounted; every route below is a full path.
const Prefix = "/core/v2"

// Route is one route of the face, as data: the method, the full ServeMux
// pattern, the scopes of which the caller needs any one (checked after
// authentication, before anything else), and whether it is served without
// authentication.
type Route struct {
	Method  string
	Pattern string
	Scopes  []string
	Public  bool
}

// routeDef is a Route with its handler: serve for an authenticated route,
// public for a public one (exactly one is set).
type routeDef struct {
	Route
	serve  func(*api, http.ResponseWriter, *http.Request, hub.Principal)
	public func(*api, http.ResponseWriter, *http.Request)
}

var (
	partnersRead   = []string{hub.ScopePartnersManage, hub.ScopePartnersRead}
	partnersCreate = []string{hub.ScopePartnersManage, hub.ScopePartnersCreate}
	partnersUpdate = []string{hub.ScopePartnersManage, hub.ScopePartnersUpdate}
	partnersDelete = []string{hub.ScopePartnersManage, hub.ScopePartnersDelete}
	tokensManage   = []string{hub.ScopeTokensManage}
)

// routeTable is the whole route table of /core/v2. New builds its mux from
// it and Routes exports it, so the two cannot diverge.
var routeTable = []routeDef{
	{Route: Route{Method: "GET", Pattern: "/core/v2/openapi.json", Public: true}, public: (*api).openAPI},

	{Route: Route{Method: "POST", Pattern: "/core/v2/oauth/token", Public: true}, public: (*api).issueToken},
	{Route: Route{Method: "POST", Pattern: "/core/v2/oauth/token/{partner_sid}", Scopes: tokensManage}, serve: (*api).issueTokenForPartner},
	{Route: Route{Method: "GET", Pattern: "/core/v2/oauth/tokens", Scopes: tokensManage}, serve: (*api).listTokens},
	{Route: Route{Method: "DELETE", Pattern: "/core/v2/oauth/tokens/{token_sid}", Scopes: tokensManage}, serve: (*api).revokeToken},

	{Route: Route{Method: "POST", Pattern: "/core/v2/partners", Scopes: partnersCreate}, serve: (*api).createPartner},
	{Route: Route{Method: "GET", Pattern: "/core/v2/partners", Scopes: partnersRead}, serve: (*api).listPartners},
	{Route: Route{Method: "GET", Pattern: "/core/v2/partners/{partner_sid}", Scopes: partnersRead}, serve: (*api).getPartner},
	{Route: Route{Method: "PATCH", Pattern: "/core/v2/partners/{partner_sid}", Scopes: partnersUpdate}, serve: (*api).patchPartner},
	{Route: Route{Method: "PUT", Pattern: "/core/v2/partners/{partner_sid}", Scopes: partnersUpdate}, serve: (*api).putPartner},
	{Route: Route{Method: "DELETE", Pattern: "/core/v2/partners/{partner_sid}", Scopes: partnersDelete}, serve: (*api).deletePartner},

	{Route: Route{Method: "POST", Pattern: "/core/v2/partners/{partner_sid}/verify_email", Scopes: partnersUpdate}, serve: (*api).requestEmailVerification},
	{Route: Route{Method: "POST", Pattern: "/core/v2/verify_email", Public: true}, public: (*api).verifyEmail},
}

// Routes returns every route of the face (a copy), in registration order.
func Routes() []Route {
	out := make([]Route, len(routeTable))
	for i, d := range routeTable {
		out[i] = d.Route
		out[i].Scopes = slices.Clone(d.Scopes)
	}
	return out
}

// api carries the face's dependencies; handlers are its methods.
type api struct {
	svc        *hub.Service
	authn      Authenticator
	log        *slog.Logger
	trustProxy bool         // honour X-Forwarded-Proto (TrustProxyHeaders)
	memo       *partnerMemo // encoded partners by (ID, Version), read paths only
}

// An Option configures New.
type Option func(*api)

// TrustProxyHeaders makes the face take the client-facing scheme of its
// pagination links from X-Forwarded-Proto ("https" or "http"; the first
// of a comma-separated list). Turn it on only behind a proxy that sets
// the header itself: without it a client could choose the scheme of the
// links. Off (the default), the scheme is https exactly when the
// connection to this server is TLS.
func TrustProxyHeaders(on bool) Option { return func(a *api) { a.trustProxy = on } }

// New returns the /core/v2 face. It serves full paths under /core/v2/ (the
// prefix is not stripped). A nil log discards.
func New(svc *hub.Service, authn Authenticator, log *slog.Logger, opts ...Option) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &api{svc: svc, authn: authn, log: log, memo: newPartnerMemo(memoMaxEntries, memoMaxBytes)}
	for _, o := range opts {
		o(a)
	}
	mux := http.NewServeMux()
	allowed := map[string][]string{} // pattern -> methods
	var patterns []string
	for _, d := range routeTable {
		var h http.Handler
		if d.Public {
			h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { d.public(a, w, r) })
		} else {
			h = a.authorized(func(w http.ResponseWriter, r *http.Request, pr hub.Principal) { d.serve(a, w, r, pr) }, d.Scopes...)
		}
		mux.Handle(d.Method+" "+d.Pattern, h)
		if _, ok := allowed[d.Pattern]; !ok {
			patterns = append(patterns, d.Pattern)
		}
		allowed[d.Pattern] = append(allowed[d.Pattern], d.Method)
	}
	// Known paths with another method: 405 in the vendor's error shape.
	for _, p := range patterns {
		methods := allowed[p]
		slices.Sort(methods)
		mux.Handle(p, a.methodNotAllowed(strings.Join(methods, ", ")))
	}
	// Everything else under the prefix: 404 in the vendor's error shape.
	mux.Handle("/core/v2/", a.routeNotFound())
	return mux
}
