package console

import (
	"net/http"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// routes is the console's whole route table, bound to c. Scopes document
// the hub requirement of each page (the hub checks them; pages only hide
// what the caller may not use). Every route that is not GET needs the
// session's CSRF token (withCSRF, applied here so no route can miss it);
// the static files are served before the session (see handler).
func (c *console) routes() []httpapi.Route {
	var (
		partnersRead   = hub.NeedPartnersRead.AnyOf()
		partnersCreate = hub.NeedPartnersCreate.AnyOf()
		partnersUpdate = hub.NeedPartnersUpdate.AnyOf()
		clientsRead    = hub.NeedClientsRead.AnyOf()
		channelsRead   = hub.NeedChannelsRead.AnyOf()
		usersRead      = hub.NeedUsersRead.AnyOf()
		usersManage    = hub.NeedUsersManage.AnyOf()
		keysManage     = hub.NeedKeysManage.AnyOf()
		auditRead      = hub.NeedAuditRead.AnyOf()
		crRead         = hub.NeedChangeRequestsRead.AnyOf()
		crManage       = hub.NeedChangeRequestsManage.AnyOf()
	)
	routes := []httpapi.Route{
		{Method: "GET", Pattern: "/console/sign-in", Public: true, Handle: c.signInForm},
		{Method: "POST", Pattern: "/console/sign-in", Public: true, Handle: c.signIn},
		{Method: "POST", Pattern: "/console/sign-out", Handle: c.signOut},

		{Method: "GET", Pattern: "/console/{$}", Scopes: partnersRead, Handle: c.home},
		{Method: "GET", Pattern: "/console/tree", Scopes: partnersRead, Handle: c.tree},
		{Method: "GET", Pattern: "/console/tree/{id}/children", Scopes: partnersRead, Handle: c.treeChildren},
		{Method: "GET", Pattern: "/console/search", Scopes: partnersRead, Handle: c.search},

		{Method: "GET", Pattern: "/console/partners/{id}", Scopes: partnersRead, Handle: c.partnerPage},
		{Method: "GET", Pattern: "/console/partners/{id}/clients", Scopes: clientsRead, Handle: c.partnerClients},
		{Method: "GET", Pattern: "/console/partners/{id}/channels", Scopes: channelsRead, Handle: c.partnerChannels},
		{Method: "GET", Pattern: "/console/partners/{id}/users", Scopes: usersRead, Handle: c.partnerUsers},
		{Method: "GET", Pattern: "/console/partners/{id}/edit", Scopes: partnersUpdate, Handle: c.editPartnerForm},
		{Method: "POST", Pattern: "/console/partners/{id}/edit", Scopes: partnersUpdate, Handle: c.editPartner},
		{Method: "GET", Pattern: "/console/partners/{id}/move", Scopes: partnersUpdate, Handle: c.movePartnerForm},
		{Method: "POST", Pattern: "/console/partners/{id}/move", Scopes: partnersUpdate, Handle: c.movePartner},
		{Method: "GET", Pattern: "/console/partners/{id}/new", Scopes: partnersCreate, Handle: c.newPartnerForm},
		{Method: "POST", Pattern: "/console/partners/{id}/new", Scopes: partnersCreate, Handle: c.createPartner},
		{Method: "GET", Pattern: "/console/partners/{id}/change-requests", Scopes: crRead, Handle: c.partnerChangeRequests},
		{Method: "GET", Pattern: "/console/partners/{id}/auto-approve", Scopes: crManage, Handle: c.autoApproveForm},
		{Method: "POST", Pattern: "/console/partners/{id}/auto-approve", Scopes: crManage, Handle: c.setAutoApprove},
		{Method: "GET", Pattern: "/console/partners/{id}/webhooks", Scopes: partnersRead, Handle: c.partnerWebhooks},
		{Method: "GET", Pattern: "/console/partners/{id}/webhooks/url", Scopes: partnersUpdate, Handle: c.webhookURLForm},
		{Method: "POST", Pattern: "/console/partners/{id}/webhooks/url", Scopes: partnersUpdate, Handle: c.setWebhookURL},
		{Method: "GET", Pattern: "/console/partners/{id}/webhooks/clear", Scopes: partnersUpdate, Handle: c.clearWebhookForm},
		{Method: "POST", Pattern: "/console/partners/{id}/webhooks/clear", Scopes: partnersUpdate, Handle: c.clearWebhook},
		{Method: "GET", Pattern: "/console/partners/{id}/webhooks/rotate", Scopes: partnersUpdate, Handle: c.rotateSecretForm},
		{Method: "POST", Pattern: "/console/partners/{id}/webhooks/rotate", Scopes: partnersUpdate, Handle: c.rotateSecret},

		{Method: "GET", Pattern: "/console/clients/{id}", Scopes: clientsRead, Handle: c.clientPage},
		{Method: "GET", Pattern: "/console/clients/{id}/change-request", Scopes: crManage, Handle: c.newChangeRequestForm},
		{Method: "POST", Pattern: "/console/clients/{id}/change-request", Scopes: crManage, Handle: c.createChangeRequest},

		// Change requests: the home partner's (a client-level user's:
		// its client's), one request with its live status (an htmx poll
		// of the same URL while pending), and the decisions, each after a
		// confirmation page. The hub decides who may decide.
		{Method: "GET", Pattern: "/console/change-requests", Scopes: crRead, Handle: c.changeRequests},
		{Method: "GET", Pattern: "/console/change-requests/{id}", Scopes: crRead, Handle: c.changeRequestPage},
		{Method: "GET", Pattern: "/console/change-requests/{id}/approve", Scopes: crManage, Handle: c.approveForm},
		{Method: "POST", Pattern: "/console/change-requests/{id}/approve", Scopes: crManage, Handle: c.approve},
		{Method: "GET", Pattern: "/console/change-requests/{id}/reject", Scopes: crManage, Handle: c.rejectForm},
		{Method: "POST", Pattern: "/console/change-requests/{id}/reject", Scopes: crManage, Handle: c.reject},

		// The home partner's webhook and deliveries (the partner pages
		// hold each partner's).
		{Method: "GET", Pattern: "/console/webhooks", Scopes: partnersRead, Handle: c.webhooks},

		{Method: "GET", Pattern: "/console/keys", Scopes: keysManage, Handle: c.keys},
		{Method: "GET", Pattern: "/console/keys/new", Scopes: keysManage, Handle: c.newKeyForm},
		{Method: "POST", Pattern: "/console/keys", Scopes: keysManage, Handle: c.createKey},
		{Method: "GET", Pattern: "/console/keys/{id}/revoke", Scopes: keysManage, Handle: c.revokeKeyForm},
		{Method: "POST", Pattern: "/console/keys/{id}/revoke", Scopes: keysManage, Handle: c.revokeKey},

		{Method: "GET", Pattern: "/console/users", Scopes: usersRead, Handle: c.users},
		{Method: "POST", Pattern: "/console/users", Scopes: usersManage, Handle: c.createUser},
		// GET /console/users/new (the new-user form, users.manage) is
		// served by userPage: the mux cannot hold a fixed path beside
		// {id} on the same level (its 405 fallbacks would clash).
		{Method: "GET", Pattern: "/console/users/{id}", Scopes: usersRead, Handle: c.userPage},
		{Method: "POST", Pattern: "/console/users/{id}/role", Scopes: usersManage, Handle: c.setUserRole},
		{Method: "GET", Pattern: "/console/users/{id}/deactivate", Scopes: usersManage, Handle: c.deactivateUserForm},
		{Method: "POST", Pattern: "/console/users/{id}/deactivate", Scopes: usersManage, Handle: c.deactivateUser},

		{Method: "GET", Pattern: "/console/audit", Scopes: auditRead, Handle: c.audit},
	}
	for i, rt := range routes {
		if rt.Method != http.MethodGet && !rt.Public {
			routes[i].Handle = c.withCSRF(rt.Handle)
		}
	}
	return routes
}

// Routes returns the console's route table (a copy, without handlers), in
// registration order, plus the static files' pattern.
func Routes() []httpapi.Route {
	return append(httpapi.Describe((&console{}).routes()),
		httpapi.Route{Method: "GET", Pattern: staticPrefix + "{file}", Public: true})
}
