package carrierx

import (
	"log/slog"
	"net/http"

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

// api carries the face's dependencies; handlers are its methods.
type api struct {
	svc   *hub.Service
	authn Authenticator
	log   *slog.Logger
}

// New returns the /core/v2 face. It serves full paths under /core/v2/ (the
// prefix is not stripped). A nil log discards.
func New(svc *hub.Service, authn Authenticator, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &api{svc: svc, authn: authn, log: log}
	mux := http.NewServeMux()

	// The whole route table of /core/v2.
	mux.Handle("GET /core/v2/openapi.json", handleOpenAPI())

	mux.Handle("POST /core/v2/partners", a.authorized(a.createPartner, hub.ScopePartnersManage, hub.ScopePartnersCreate))
	mux.Handle("GET /core/v2/partners", a.authorized(a.listPartners, hub.ScopePartnersManage, hub.ScopePartnersRead))
	mux.Handle("GET /core/v2/partners/{partner_sid}", a.authorized(a.getPartner, hub.ScopePartnersManage, hub.ScopePartnersRead))
	mux.Handle("PATCH /core/v2/partners/{partner_sid}", a.authorized(a.patchPartner, hub.ScopePartnersManage, hub.ScopePartnersUpdate))
	mux.Handle("PUT /core/v2/partners/{partner_sid}", a.authorized(a.putPartner, hub.ScopePartnersManage, hub.ScopePartnersUpdate))
	mux.Handle("DELETE /core/v2/partners/{partner_sid}", a.authorized(a.deletePartner, hub.ScopePartnersManage, hub.ScopePartnersDelete))

	// Known paths with another method: 405 in the vendor's error shape.
	mux.Handle("/core/v2/partners", a.methodNotAllowed("GET, POST"))
	mux.Handle("/core/v2/partners/{partner_sid}", a.methodNotAllowed("DELETE, GET, PATCH, PUT"))
	mux.Handle("/core/v2/openapi.json", a.methodNotAllowed("GET"))
	// Everything else under the prefix: 404 in the vendor's error shape.
	mux.Handle("/core/v2/", a.routeNotFound())
	return mux
}
