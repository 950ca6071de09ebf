package dialog360

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
const Prefix = "/api/v2"

// The route patterns the handlers and tests share.
const (
	partnerPath  = Prefix + "/partners/{partner_id}"
	clientPath   = partnerPath + "/clients/{client_id}"
	requestsPath = partnerPath + "/selective_partner_change_requests"
	requestPath  = requestsPath + "/{pcr_id}"
)

// routes is the whole route table of /api/v2, bound to a. New serves it
// and Routes exports it, so the two cannot diverge. Scopes are the hub's
// requirement of the operation each route calls (for documentation and
// the access matrix: the hub checks them).
func (a *api) routes() []httpapi.Route {
	var (
		partnersRead   = hub.NeedPartnersRead.AnyOf()
		partnersUpdate = hub.NeedPartnersUpdate.AnyOf()
		clientsRead    = hub.NeedClientsRead.AnyOf()
		clientsManage  = hub.NeedClientsManage.AnyOf()
		channelsRead   = hub.NeedChannelsRead.AnyOf()
		channelsManage = hub.NeedChannelsManage.AnyOf()
		requestsRead   = hub.NeedChangeRequestsRead.AnyOf()
		requestsManage = hub.NeedChangeRequestsManage.AnyOf()
		keysManage     = hub.NeedKeysManage.AnyOf()
	)
	return []httpapi.Route{
		{Method: "GET", Pattern: Prefix + "/openapi.json", Public: true, Handle: httpapi.ServeDocument(openAPIDoc)},
		{Method: "POST", Pattern: Prefix + "/token", Public: true, Handle: a.issueToken},

		{Method: "GET", Pattern: partnerPath, Scopes: partnersRead, Handle: a.getPartner},
		{Method: "PATCH", Pattern: partnerPath, Scopes: partnersUpdate, Handle: a.patchPartner},
		{Method: "POST", Pattern: partnerPath + "/webhook_secret", Scopes: partnersUpdate, Handle: a.rotateWebhookSecret},
		{Method: "GET", Pattern: partnerPath + "/webhook_deliveries", Scopes: requestsRead, Handle: a.listWebhookDeliveries},

		{Method: "GET", Pattern: partnerPath + "/clients", Scopes: clientsRead, Handle: a.listClients},
		{Method: "POST", Pattern: partnerPath + "/clients", Scopes: clientsManage, Handle: a.createClient},
		{Method: "GET", Pattern: clientPath, Scopes: clientsRead, Handle: a.getClient},
		{Method: "PATCH", Pattern: clientPath, Scopes: clientsManage, Handle: a.patchClient},
		{Method: "POST", Pattern: clientPath + "/channels", Scopes: channelsManage, Handle: a.createChannel},
		{Method: "POST", Pattern: clientPath + "/partner_change_request", Scopes: requestsManage, Handle: a.createChangeRequest},
		{Method: "GET", Pattern: partnerPath + "/channels", Scopes: channelsRead, Handle: a.listChannels},

		{Method: "GET", Pattern: requestsPath, Scopes: requestsRead, Handle: a.listChangeRequests},
		{Method: "GET", Pattern: requestPath, Scopes: requestsRead, Handle: a.getChangeRequest},
		{Method: "POST", Pattern: requestPath + "/approve", Scopes: requestsManage, Handle: a.approveChangeRequest},
		{Method: "POST", Pattern: requestPath + "/reject", Scopes: requestsManage, Handle: a.rejectChangeRequest},
		{Method: "GET", Pattern: partnerPath + "/settings/partner_change_request", Scopes: requestsRead, Handle: a.getChangeRequestSettings},
		{Method: "PATCH", Pattern: partnerPath + "/settings/partner_change_request", Scopes: requestsManage, Handle: a.patchChangeRequestSettings},

		{Method: "GET", Pattern: partnerPath + "/api_keys", Scopes: keysManage, Handle: a.listAPIKeys},
		{Method: "POST", Pattern: partnerPath + "/api_keys", Scopes: keysManage, Handle: a.createAPIKey},
		{Method: "DELETE", Pattern: partnerPath + "/api_keys/{api_key_id}", Scopes: keysManage, Handle: a.revokeAPIKey},
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
	errs  *httpapi.Errors
}

// New returns the /api/v2 face. It serves full paths under /api/v2/ (the
// prefix is not stripped). A nil log discards.
func New(svc *hub.Service, authn Authenticator, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &api{svc: svc, authn: authn, log: log}
	a.errs = newErrors(log)
	return httpapi.NewMux(httpapi.Mux{Prefix: Prefix, Routes: a.routes(), Authn: authn, Errors: a.errs})
}
