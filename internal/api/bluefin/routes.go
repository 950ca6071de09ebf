package bluefin

import (
	"log/slog"
	"net/http"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// Authenticator identifies the caller of a request (httpapi.Authenticator;
// *auth.Authenticator implements it).
type Authenticator = httpapi.Authenticator

// Route is one route of the face, as data (httpapi.Route).
type Route = httpapi.Route

// Prefix is where the face is mounted; every route below is a full path.
const Prefix = "/api/v1"

// DefaultRateLimit is the requests per hour each caller may make unless
// configured otherwise (the vendor's published quota).
const DefaultRateLimit = 36_000

// routes is the whole route table of /api/v1, bound to a. New serves it
// and Routes exports it, so the two cannot diverge. The path parameters
// are named after what they identify (the vendor's documents call each
// {id}); the isolation matrix substitutes them by name.
func (a *api) routes() []httpapi.Route {
	var (
		partnersRead   = hub.NeedPartnersRead.AnyOf()
		partnersCreate = hub.NeedPartnersCreate.AnyOf()
		partnersUpdate = hub.NeedPartnersUpdate.AnyOf()
		usersRead      = hub.NeedUsersRead.AnyOf()
		usersManage    = hub.NeedUsersManage.AnyOf()
		clientsRead    = hub.NeedClientsRead.AnyOf()
		clientsManage  = hub.NeedClientsManage.AnyOf()
	)
	return []httpapi.Route{
		{Method: "GET", Pattern: "/api/v1/openapi.json", Public: true, Handle: httpapi.ServeDocument(openAPIDoc)},

		{Method: "GET", Pattern: "/api/v1/partners", Scopes: partnersRead, Handle: a.listPartners},
		{Method: "POST", Pattern: "/api/v1/partners", Scopes: partnersCreate, Handle: a.createPartner},
		{Method: "GET", Pattern: "/api/v1/partners/{partner_id}", Scopes: partnersRead, Handle: a.getPartner, ReadAhead: partnerReadAhead},
		{Method: "PATCH", Pattern: "/api/v1/partners/{partner_id}", Scopes: partnersUpdate, Handle: a.patchPartner},

		{Method: "GET", Pattern: "/api/v1/users", Scopes: usersRead, Handle: a.listUsers},
		{Method: "POST", Pattern: "/api/v1/users", Scopes: usersManage, Handle: a.createUser},
		{Method: "GET", Pattern: "/api/v1/users/{user_id}", Scopes: usersRead, Handle: a.getUser},
		{Method: "PATCH", Pattern: "/api/v1/users/{user_id}", Scopes: usersManage, Handle: a.patchUser},

		{Method: "GET", Pattern: "/api/v1/clients", Scopes: clientsRead, Handle: a.listClients},
		{Method: "POST", Pattern: "/api/v1/clients", Scopes: clientsManage, Handle: a.createClient},
		{Method: "GET", Pattern: "/api/v1/clients/{client_id}", Scopes: clientsRead, Handle: a.getClient},
		{Method: "PATCH", Pattern: "/api/v1/clients/{client_id}", Scopes: clientsManage, Handle: a.patchClient},
		{Method: "DELETE", Pattern: "/api/v1/clients/{client_id}", Scopes: clientsManage, Handle: a.deleteClient},
	}
}

// Routes returns every route of the face (a copy, without handlers), in
// registration order.
func Routes() []Route { return httpapi.Describe((&api{}).routes()) }

// api carries the face's dependencies; handlers are its methods.
type api struct {
	svc     *hub.Service
	log     *slog.Logger
	limiter *httpapi.RateLimiter
	errs    *httpapi.Errors
}

// An Option configures New.
type Option func(*api)

// WithRateLimiter meters every authenticated request with l (the quota
// headers and 429 of the spec); by default each caller has
// DefaultRateLimit requests an hour, counted by a limiter of the face's
// own.
func WithRateLimiter(l *httpapi.RateLimiter) Option { return func(a *api) { a.limiter = l } }

// New returns the /api/v1 face. It serves full paths under /api/v1/ (the
// prefix is not stripped). A nil log discards.
func New(svc *hub.Service, authn Authenticator, log *slog.Logger, opts ...Option) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &api{svc: svc, log: log}
	for _, o := range opts {
		o(a)
	}
	if a.limiter == nil {
		a.limiter = httpapi.NewRateLimiter(DefaultRateLimit, rateWindow)
	}
	a.errs = newErrors(log)
	return httpapi.NewMux(httpapi.Mux{Prefix: Prefix, Routes: a.routes(), Authn: authn, Errors: a.errs, Limiter: a.limiter})
}
