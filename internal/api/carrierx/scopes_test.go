package carrierx_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestAvailableScopes: the root may grant every scope; any other partner
// the scopes of a Partner Supervisor (sorted), the highest role its users
// can hold.
func TestAvailableScopes(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		a := e.partner(e.root, "A")
		a1 := e.partner(a, "A1")
		supervisor := hub.RolePartnerSupervisor.Scopes()
		slices.Sort(supervisor)
		for _, c := range []struct {
			p    *hub.Partner
			want []string
		}{{e.root, hub.AllScopes}, {a, supervisor}, {a1, supervisor}} {
			r := e.do(t, req{method: "GET", path: "/core/v2/partners/" + c.p.SID, token: token(e.root)}).want(t, 200)
			var v struct {
				AvailableScopes []string `json:"available_scopes"`
			}
			if err := json.Unmarshal(r.body, &v); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(v.AvailableScopes, c.want) {
				t.Errorf("%s: available_scopes %v, want %v", c.p.Name, v.AvailableScopes, c.want)
			}
		}
		// The list renders the same.
		r := e.do(t, req{method: "GET", path: "/core/v2/partners?limit=100", token: token(e.root)}).want(t, 200)
		var list struct {
			Items []struct {
				ParentSID       *string  `json:"parent_sid"`
				AvailableScopes []string `json:"available_scopes"`
			} `json:"items"`
		}
		if err := json.Unmarshal(r.body, &list); err != nil || len(list.Items) != 3 {
			t.Fatalf("list: %v %s", err, r.body)
		}
		for _, it := range list.Items {
			want := supervisor
			if it.ParentSID == nil {
				want = hub.AllScopes
			}
			if !slices.Equal(it.AvailableScopes, want) {
				t.Errorf("list item (parent %v): %v", it.ParentSID, it.AvailableScopes)
			}
		}
	})
}
