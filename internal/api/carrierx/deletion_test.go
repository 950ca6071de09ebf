package carrierx_test

import (
	"context"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestDeletePartnerWithChangeRequest: DELETE /partners/{sid} of a partner
// an open change request is addressed to is a 409 naming the request;
// once the request is rejected the partner goes (204), and the request
// stays readable by its source with the deleted partner's ref.
func TestDeletePartnerWithChangeRequest(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		active := func(p *hub.Partner) { p.Status = hub.StatusActive }
		a, b := e.partner(e.root, "A", active), e.partner(e.root, "B", active)
		c, err := e.svc.CreateClient(ctx, e.sys(), &hub.Client{Name: "Leaving", PartnerID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		cr, err := e.svc.CreateChangeRequest(ctx, e.sys(), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: b.Ref}})
		if err != nil {
			t.Fatal(err)
		}
		tok := token(e.root)
		m := e.do(t, req{method: "DELETE", path: "/core/v2/partners/" + b.SID, token: tok}).wantError(t, 409, "")
		if msg, _ := m["message"].(string); !strings.Contains(msg, "open change request") || !strings.Contains(msg, cr.Ref) {
			t.Fatalf("the 409 does not say why: %v", m)
		}
		e.do(t, req{method: "GET", path: "/core/v2/partners/" + b.SID, token: tok}).want(t, 200)

		if _, err := e.svc.RejectChangeRequest(ctx, e.sys(), hub.PartnerKey{}, cr.ID, ""); err != nil {
			t.Fatal(err)
		}
		e.do(t, req{method: "DELETE", path: "/core/v2/partners/" + b.SID, token: tok}).want(t, 204)
		got, err := e.svc.ChangeRequest(ctx, hub.SystemPrincipal(e.root, "test"), hub.PartnerKey{}, cr.ID, "")
		if err != nil || got.Public().TargetPartnerID != b.Ref || got.Status != hub.ChangeRequestRejected {
			t.Fatalf("the request to the deleted partner: %+v %v", got, err)
		}
	})
}
