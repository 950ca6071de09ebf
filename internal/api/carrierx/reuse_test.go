package carrierx_test

import (
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// A partner created after the newest one was deleted shows its own data,
// never the deleted partner's (which the face's encoding memo and the read
// cache once held under the same id), and the deleted one stays gone.
func TestDeletedPartnerNeverReappears(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		tok := token(e.root)
		gone := e.partner(e.root, "Deleted Secret Co")
		e.do(t, req{method: "GET", path: "/core/v2/partners/" + gone.SID, token: tok}).want(t, 200)
		e.do(t, req{method: "GET", path: "/core/v2/partners", token: tok}).want(t, 200)
		e.do(t, req{method: "DELETE", path: "/core/v2/partners/" + gone.SID, token: tok}).want(t, 204)

		r := e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"company_name":"Newcomer Ltd"}`}).want(t, 200)
		m := checkPartnerObject(t, r.body)
		sid, _ := m["partner_sid"].(string)
		got := checkPartnerObject(t, e.do(t, req{method: "GET", path: "/core/v2/partners/" + sid, token: tok}).want(t, 200).body)
		if got["company_name"] != "Newcomer Ltd" || got["partner_sid"] != sid {
			t.Fatalf("GET of the new partner shows %v / %v", got["company_name"], got["partner_sid"])
		}
		list := e.do(t, req{method: "GET", path: "/core/v2/partners?limit=100", token: tok}).want(t, 200)
		if body := string(list.body); !strings.Contains(body, "Newcomer Ltd") || strings.Contains(body, "Deleted Secret Co") {
			t.Fatalf("list after delete and create: %s", body)
		}
		e.do(t, req{method: "GET", path: "/core/v2/partners/" + gone.SID, token: tok}).wantError(t, 404, "")
		if p, err := e.svc.Partner(t.Context(), e.sys(), hub.PartnerKey{SID: sid}); err != nil || p.ID <= gone.ID {
			t.Fatalf("new partner %+v (%v): its id must be above the deleted partner's %d", p, err, gone.ID)
		}
	})
}
