package dialog360_test

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestAllowClientToAddPhoneNo: a client's own user (bearer token) adding
// a channel is 403 while its partner's allow_client_to_add_phone_no is
// false, and 201 once the partner sets it; the partner's key adds
// channels either way.
func TestAllowClientToAddPhoneNo(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "P")
		kp := e.key(p)
		c, _ := e.client(p, 0)
		user, pass := e.user(p, c, hub.RoleClientAdmin)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		e.do(cred{}, "POST", "/api/v2/token", `{"username":"`+user+`","password":"`+pass+`"}`).want(t, 200).into(t, &tok)
		admin := bearer(tok.AccessToken)
		channels := "/api/v2/partners/" + p.Ref + "/clients/" + c.Ref + "/channels"
		number := func() string { return `{"setup_info":{"phone_number":"` + e.phone() + `"}}` }

		if got := e.do(kp, "GET", "/api/v2/partners/"+p.Ref, "").want(t, 200).obj(t); got["allow_client_to_add_phone_no"] != false {
			t.Fatalf("a new partner allows its clients to add numbers: %v", got)
		}
		e.do(admin, "POST", channels, number()).wantMeta(t, 403, "")
		e.do(kp, "POST", channels, number()).want(t, 201)
		var list envelope
		e.do(kp, "GET", "/api/v2/partners/"+p.Ref+"/channels", "").want(t, 200).into(t, &list)
		if list.Total != 1 {
			t.Fatalf("%d channels after one refused and one accepted add", list.Total)
		}

		e.do(kp, "PATCH", "/api/v2/partners/"+p.Ref, `{"allow_client_to_add_phone_no":true}`).want(t, 200)
		e.do(admin, "POST", channels, number()).want(t, 201)
		e.do(kp, "POST", channels, number()).want(t, 201)
	})
}
