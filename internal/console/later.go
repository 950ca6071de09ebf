package console

import (
	"net/http"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// The change-request pages (incoming and outgoing requests, approve and
// reject with confirmation, live status until completed) and the webhook
// deliveries page need the hub's change-request API (ChangeRequest,
// create/approve/reject/list, River jobs, webhook deliveries), which
// lands with the /api/v2 face. Until then their routes exist and say so,
// with no made-up data; wiring them means replacing these two handlers
// (and adding the approve/reject routes) in routes.go.

// laterData says what a page is waiting for.
type laterData struct {
	What string
}

// changeRequests is the change-request page's place in the console.
func (c *console) changeRequests(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	c.page(w, r, pr, "later", "Change requests", "changes", &laterData{What: "change requests"})
}

// webhookDeliveries is the webhook-deliveries page's place in the console.
func (c *console) webhookDeliveries(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	c.page(w, r, pr, "later", "Webhook deliveries", "webhooks", &laterData{What: "webhook deliveries"})
}
