package bluefin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestPartnerCreate: sub-partners only (parent required, by id or by
// name among the visible partners: none or several is a 409 naming
// parent); the inline contact becomes the partner's Partner Supervisor
// and logs in with Basic at once when it has a password (never returned);
// userRole of a partner's contact can only be Partner Supervisor; an
// existing contact by id must be visible and homed at the parent or
// above; refused creates leave nothing; isActive false deactivates and is
// refused on the caller's own home partner.
func TestPartnerCreate(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		a := e.partner(e.root, "A")
		e.partner(a, "Twin")
		e.partner(a, "Twin")
		b := e.partner(e.root, "B")
		e.partner(b, "OnlyInB")
		supA := e.user("sup-a", hub.RolePartnerSupervisor, a, nil, "")
		atB := e.user("at-b", hub.RolePartnerUser, b, nil, "")
		contact := func(name string) map[string]any {
			return map[string]any{"userName": name, "firstName": "F", "lastName": "L", "email": name + "@example.com", "phone": "+14155550100"}
		}
		count := func() int64 {
			page, err := e.svc.ListPartners(context.Background(), e.sys(), hub.PartnerKey{}, hub.ListQuery{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			return page.Total
		}
		before := count()
		create := func(body map[string]any) response { return e.post(t, supA.auth, "/api/v1/partners", body) }
		create(map[string]any{"name": "X", "contact": contact("c1")}).wantInvalid(t, "parent")
		create(map[string]any{"name": "X", "parent": map[string]any{"name": "Twin"}, "contact": contact("c2")}).wantInvalid(t, "parent")
		create(map[string]any{"name": "X", "parent": map[string]any{"name": "OnlyInB"}, "contact": contact("c3")}).wantInvalid(t, "parent")
		create(map[string]any{"name": "X", "parent": map[string]any{"id": b.ID}, "contact": contact("c3")}).wantInvalid(t, "parent")
		create(map[string]any{"name": "X", "parent": map[string]any{"id": a.ID}}).wantInvalid(t, "contact")
		create(map[string]any{"parent": map[string]any{"id": a.ID}, "contact": contact("c4")}).wantInvalid(t, "name")
		create(map[string]any{"name": "X", "parent": map[string]any{"id": a.ID}, "contact": map[string]any{"userName": "c5"}}).wantInvalid(t, "contact.firstName")
		bad := contact("c6")
		bad["userRole"] = "Partner User"
		create(map[string]any{"name": "X", "parent": map[string]any{"id": a.ID}, "contact": bad}).wantInvalid(t, "contact.userRole")
		short := contact("c7")
		short["password"] = "short"
		create(map[string]any{"name": "X", "parent": map[string]any{"id": a.ID}, "contact": short}).wantInvalid(t, "contact.password")
		create(map[string]any{"name": "X", "parent": map[string]any{"id": a.ID}, "contact": contact("sup-a")}).wantInvalid(t, "contact.userName")
		create(map[string]any{"name": "X", "parent": map[string]any{"id": a.ID}, "contact": map[string]any{"id": atB.u.ID}}).wantInvalid(t, "contact")
		if after := count(); after != before {
			t.Fatalf("refused creates made %d partners", after-before)
		}

		withPW := contact("new.sup")
		withPW["password"] = "new-sup-password"
		withPW["userRole"] = map[string]any{"name": "Partner Supervisor"}
		id := create(map[string]any{"name": "New", "parent": map[string]any{"id": a.ID}, "contact": withPW}).id(t)
		r := e.get(t, basicAuth("new.sup", "new-sup-password"), "/api/v1/partners")
		if got := ids(t, r); len(got) != 1 || got[0] != id {
			t.Fatalf("the new contact lists %v; want only its partner %d", got, id)
		}
		if bytes.Contains(r.body, []byte("new-sup-password")) {
			t.Fatal("the password is answered")
		}
		// An existing user homed above, by id.
		id2 := create(map[string]any{"name": "Reuse", "parent": map[string]any{"id": a.ID}, "contact": map[string]any{"id": supA.u.ID}}).id(t)
		if c := e.get(t, supA.auth, path("/api/v1/partners/%d", id2)).obj(t)["contact"].(map[string]any); c["id"] != float64(supA.u.ID) {
			t.Fatalf("contact %v", c)
		}
		// isActive.
		e.patch(t, supA.auth, path("/api/v1/partners/%d", a.ID), map[string]any{"isActive": false}).wantInvalid(t, "isActive")
		e.patch(t, supA.auth, path("/api/v1/partners/%d", id), map[string]any{"isActive": false}).want(t, http.StatusOK)
		e.get(t, basicAuth("new.sup", "new-sup-password"), "/api/v1/partners").want(t, http.StatusUnauthorized)
		if p := e.get(t, supA.auth, path("/api/v1/partners/%d", id)).obj(t); p["isActive"] != false {
			t.Fatalf("deactivated partner: %v", p)
		}
		e.patch(t, supA.auth, path("/api/v1/partners/%d", id), map[string]any{"isActive": true}).want(t, http.StatusOK)
		e.get(t, basicAuth("new.sup", "new-sup-password"), "/api/v1/partners").want(t, http.StatusOK)
		// A GET-modify-PATCH round trip works.
		cur := e.get(t, supA.auth, path("/api/v1/partners/%d", id)).obj(t)
		cur["billingId"] = "B-7"
		e.patch(t, supA.auth, path("/api/v1/partners/%d", id), cur).want(t, http.StatusOK)
		e.patch(t, supA.auth, path("/api/v1/partners/%d", id), map[string]any{"contact": map[string]any{"id": atB.u.ID}}).wantInvalid(t, "contact")
		e.patch(t, supA.auth, path("/api/v1/partners/%d", id), map[string]any{"contact": contact("inline")}).wantInvalid(t, "contact")
		if p := e.get(t, supA.auth, path("/api/v1/partners/%d", id)).obj(t); p["billingId"] != "B-7" || p["version"] != float64(4) {
			t.Fatalf("after the round trip: %v", p)
		}
	})
}

// TestUsersAndClients: users by partner= and client= (id or name), 7403
// outside the subtree; a client-level user needs a client, and a partner
// beside it must be the client's owner; a user's password set by a
// manager's PATCH works at once; clients created with their contact, the
// contact changed by id, deleted only without channels (with their
// users).
func TestUsersAndClients(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		a := e.partner(e.root, "A")
		a1 := e.partner(a, "A1")
		b := e.partner(e.root, "B")
		supA := e.user("sup-a", hub.RolePartnerSupervisor, a, nil, "")
		e.user("user-a1", hub.RolePartnerUser, a1, nil, "")
		e.user("user-b", hub.RolePartnerUser, b, nil, "")
		contact := map[string]any{"userName": "shop.admin", "firstName": "S", "lastName": "A", "email": "s@shop.test", "phone": "+14155550120",
			"password": "shop-admin-password"}
		shopID := e.post(t, supA.auth, "/api/v1/clients", map[string]any{"name": "Shop", "directPartner": map[string]any{"name": "A1"}, "contact": contact}).id(t)
		e.post(t, supA.auth, "/api/v1/clients", map[string]any{"name": "Shop2", "directPartner": map[string]any{"id": b.ID}, "contact": contact}).wantInvalid(t, "directPartner")
		e.post(t, supA.auth, "/api/v1/clients", map[string]any{"name": "Shop3", "directPartner": map[string]any{"id": a1.ID}, "contact": contact}).wantInvalid(t, "contact.userName")

		names := func(r response) []string {
			var v struct{ Data []struct{ UserName string } }
			if err := json.Unmarshal(r.want(t, http.StatusOK).body, &v); err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range v.Data {
				out = append(out, d.UserName)
			}
			slices.Sort(out)
			return out
		}
		if got := names(e.get(t, supA.auth, "/api/v1/users?take=100")); !slices.Equal(got, []string{"shop.admin", "sup-a", "user-a1"}) {
			t.Fatalf("A's users: %v", got)
		}
		if got := names(e.get(t, supA.auth, "/api/v1/users?partner=A1")); !slices.Equal(got, []string{"shop.admin", "user-a1"}) {
			t.Fatalf("partner=A1: %v", got)
		}
		if got := names(e.get(t, supA.auth, "/api/v1/users?client=Shop")); !slices.Equal(got, []string{"shop.admin"}) {
			t.Fatalf("client=Shop: %v", got)
		}
		if got := names(e.get(t, supA.auth, path("/api/v1/users?client=%d&partner=A", shopID))); !slices.Equal(got, []string{"shop.admin"}) {
			t.Fatalf("client and partner: %v", got)
		}
		e.get(t, supA.auth, "/api/v1/users?partner=B").wantDenied(t)
		e.get(t, supA.auth, "/api/v1/users?client=987654").wantDenied(t)
		e.get(t, supA.auth, "/api/v1/users?partner=").wantInvalid(t, "partner")

		// The client's admin: its own client's users, its own client.
		shopAdmin := basicAuth("shop.admin", "shop-admin-password")
		if got := names(e.get(t, shopAdmin, "/api/v1/users")); !slices.Equal(got, []string{"shop.admin"}) {
			t.Fatalf("the client admin lists %v", got)
		}
		if got := ids(t, e.get(t, shopAdmin, "/api/v1/clients")); len(got) != 1 || got[0] != shopID {
			t.Fatalf("the client admin lists clients %v", got)
		}
		clerkID := e.post(t, shopAdmin, "/api/v1/users", map[string]any{"userName": "shop.clerk", "firstName": "C", "lastName": "K",
			"email": "c@shop.test", "phone": "+14155550121", "userRole": "Client User", "client": map[string]any{"name": "Shop"}}).id(t)
		e.post(t, supA.auth, "/api/v1/users", map[string]any{"userName": "x1", "firstName": "C", "lastName": "K",
			"email": "c@shop.test", "phone": "+14155550121", "userRole": "Client User"}).wantInvalid(t, "client")
		e.post(t, supA.auth, "/api/v1/users", map[string]any{"userName": "x2", "firstName": "C", "lastName": "K",
			"email": "c@shop.test", "phone": "+14155550121", "userRole": "Client User", "client": map[string]any{"id": shopID},
			"partner": map[string]any{"id": a.ID}}).wantInvalid(t, "partner")

		// A manager sets the clerk's password; the clerk logs in at once.
		e.patch(t, shopAdmin, path("/api/v1/users/%d", clerkID), map[string]any{"password": "clerk-password-1"}).want(t, http.StatusOK)
		e.get(t, basicAuth("shop.clerk", "clerk-password-1"), path("/api/v1/clients/%d", shopID)).want(t, http.StatusOK)
		e.patch(t, shopAdmin, path("/api/v1/users/%d", clerkID), map[string]any{"isActive": false}).want(t, http.StatusOK)
		e.get(t, basicAuth("shop.clerk", "clerk-password-1"), path("/api/v1/clients/%d", shopID)).want(t, http.StatusUnauthorized)

		// Contact by id: a user of the client only.
		e.patch(t, supA.auth, path("/api/v1/clients/%d", shopID), map[string]any{"contact": map[string]any{"id": clerkID}}).want(t, http.StatusOK)
		e.patch(t, supA.auth, path("/api/v1/clients/%d", shopID), map[string]any{"contact": map[string]any{"id": supA.u.ID}}).wantInvalid(t, "contact")
		if c := e.get(t, supA.auth, path("/api/v1/clients/%d", shopID)).obj(t)["contact"].(map[string]any); c["id"] != float64(clerkID) {
			t.Fatalf("client contact %v", c)
		}

		// Delete: not with a channel; then with its users.
		if _, err := e.svc.CreateChannel(context.Background(), e.sys(), &hub.Channel{ClientID: shopID, PhoneNumber: "+14155550140"}); err != nil {
			t.Fatal(err)
		}
		e.del(t, supA.auth, path("/api/v1/clients/%d", shopID)).want(t, http.StatusConflict)
		otherID := e.post(t, supA.auth, "/api/v1/clients", map[string]any{"name": "Gone", "directPartner": map[string]any{"id": a.ID},
			"contact": map[string]any{"userName": "gone.admin", "firstName": "G", "lastName": "A", "email": "g@gone.test", "phone": "+14155550122"}}).id(t)
		if got := e.del(t, supA.auth, path("/api/v1/clients/%d", otherID)).id(t); got != otherID {
			t.Fatalf("DELETE answered id %d", got)
		}
		e.get(t, supA.auth, path("/api/v1/clients/%d", otherID)).want(t, http.StatusNotFound)
		if got := names(e.get(t, supA.auth, "/api/v1/users?take=100")); slices.Contains(got, "gone.admin") {
			t.Fatalf("the deleted client's user remains: %v", got)
		}
	})
}
