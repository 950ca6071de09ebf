package carrierx

import (
	"log/slog"
	"net/http"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// Authenticator identifies the caller of a request (httpapi.Authenticator;
// *auth.Authenticator implements it).
type Authenticator = httpapi.Authenticator

// Route is one route of the face, as data (httpapi.Route): the method,
// the full ServeMux pattern, the scopes of which the caller needs one (the
// hub's requirement of the operation, for documentation and the access
// matrix: the hub checks it), and whether it is served without
// authentication.
type Route = httpapi.Route

// Prefix is where the face is mounted; every route below is a full path.
const Prefix = "/core/v2"

// routes is the whole route table of /core/v2, bound to a. New serves it
// and Routes exports it, so the two cannot diverge.
func (a *api) routes() []httpapi.Route {
	var (
		partnersRead   = hub.NeedPartnersRead.AnyOf()
		partnersCreate = hub.NeedPartnersCreate.AnyOf()
		partnersUpdate = hub.NeedPartnersUpdate.AnyOf()
		partnersDelete = hub.NeedPartnersDelete.AnyOf()
		tokensManage   = hub.NeedTokensManage.AnyOf()
	)
	return []httpapi.Route{
		{Method: "GET", Pattern: "/core/v2/openapi.json", Public: true, Handle: httpapi.ServeDocument(openAPIDoc)},

		{Method: "POST", Pattern: "/core/v2/oauth/token", Public: true, Handle: a.issueToken},
		{Method: "POST", Pattern: "/core/v2/oauth/token/{partner_sid}", Scopes: tokensManage, Handle: a.issueTokenForPartner},
		{Method: "GET", Pattern: "/core/v2/oauth/tokens", Scopes: tokensManage, Handle: a.listTokens},
		{Method: "DELETE", Pattern: "/core/v2/oauth/tokens/{token_sid}", Scopes: tokensManage, Handle: a.revokeToken},

		{Method: "POST", Pattern: "/core/v2/partners", Scopes: partnersCreate, Handle: a.createPartner},
		{Method: "GET", Pattern: "/core/v2/partners", Scopes: partnersRead, Handle: a.listPartners},
		{Method: "GET", Pattern: "/core/v2/partners/{partner_sid}", Scopes: partnersRead, Handle: a.getPartner, ReadAhead: partnerReadAhead},
		{Method: "PATCH", Pattern: "/core/v2/partners/{partner_sid}", Scopes: partnersUpdate, Handle: a.patchPartner},
		{Method: "PUT", Pattern: "/core/v2/partners/{partner_sid}", Scopes: partnersUpdate, Handle: a.putPartner},
		{Method: "DELETE", Pattern: "/core/v2/partners/{partner_sid}", Scopes: partnersDelete, Handle: a.deletePartner},

		{Method: "POST", Pattern: "/core/v2/partners/{partner_sid}/verify_email", Scopes: partnersUpdate, Handle: a.requestEmailVerification},
		{Method: "POST", Pattern: "/core/v2/verify_email", Public: true, Handle: a.verifyEmail},
	}
}

// Routes returns every route of the face (a copy, without handlers), in
// registration order.
func Routes() []Route { return httpapi.Describe((&api{}).routes()) }

// api carries the face's dependencies; handlers are its methods.
type api struct {
	svc   *hub.Service
	authn Authenticator
	log   *slog.Logger
	base  httpapi.BaseURL // where pagination links point
	memo  *partnerMemo    // encoded partners by (ID, Version), read paths only
	errs  [2]*httpapi.Errors
}

// An Option configures New.
type Option func(*api)

// WithBaseURL sets the client-facing base of absolute links (pagination):
// serve's --public-url, or the listen address. Without it links start
// with http://localhost. Request headers (Host, X-Forwarded-*) are never
// used.
func WithBaseURL(b httpapi.BaseURL) Option { return func(a *api) { a.base = b } }

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
	a.errs = newErrors(log)
	return httpapi.NewMux(httpapi.Mux{Prefix: Prefix, Routes: a.routes(), Authn: authn, Errors: a.errs[fromQuery]})
}
