package bluefin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestDeleteClientWithChangeRequest: DELETE /clients/{id} of a client
// with an open change request is a 409 naming the request, and deletes
// nothing; once the request is rejected the client goes, and the request
// stays readable with the client's ref.
func TestDeleteClientWithChangeRequest(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		a, b := e.partner(e.root, "A"), e.partner(e.root, "B")
		c := e.client(a, "Leaving", false)
		cr, err := e.svc.CreateChangeRequest(ctx, e.sys(), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: b.Ref}})
		if err != nil {
			t.Fatal(err)
		}
		supA := e.user("sup-a", hub.RolePartnerSupervisor, a, nil, "").auth
		r := e.del(t, supA, path("/api/v1/clients/%d", c.ID)).want(t, http.StatusConflict)
		if msg, _ := r.obj(t)["message"].(string); !strings.Contains(msg, "open change request") || !strings.Contains(msg, cr.Ref) {
			t.Fatalf("the 409 does not say why: %s", r.body)
		}
		e.get(t, supA, path("/api/v1/clients/%d", c.ID)).want(t, http.StatusOK)

		if _, err := e.svc.RejectChangeRequest(ctx, e.sys(), hub.PartnerKey{}, cr.ID, ""); err != nil {
			t.Fatal(err)
		}
		if got := e.del(t, supA, path("/api/v1/clients/%d", c.ID)).id(t); got != c.ID {
			t.Fatalf("DELETE answered id %d", got)
		}
		e.get(t, supA, path("/api/v1/clients/%d", c.ID)).want(t, http.StatusNotFound)
		got, err := e.svc.ChangeRequest(ctx, e.sys(), hub.PartnerKey{}, cr.ID, "")
		if err != nil || got.Public().SourceClientID != c.Ref || got.Status != hub.ChangeRequestRejected {
			t.Fatalf("the request of the deleted client: %+v %v", got, err)
		}
	})
}
