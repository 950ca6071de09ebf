package bluefin_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"testing"
	"time"
)

// isoRE is the face's timestamp form: ISO 8601, UTC, milliseconds.
var isoRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// without returns m without the given keys, after checking they are
// timestamps in the face's form.
func timestamps(t *testing.T, m map[string]any, keys ...string) map[string]any {
	t.Helper()
	for _, k := range keys {
		s, _ := m[k].(string)
		if !isoRE.MatchString(s) {
			t.Fatalf("%s is %v; want an ISO 8601 UTC timestamp", k, m[k])
		}
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		delete(m, k)
	}
	return m
}

func wantJSON(t *testing.T, what string, got map[string]any, want string) {
	t.Helper()
	var w map[string]any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, w) {
		g, _ := json.Marshal(got)
		t.Fatalf("%s:\n got  %s\n want %s", what, g, want)
	}
}

// TestShapes: the exact answers of create, details and list items of
// partners, users and clients: create and update answer {"id": n}; strings
// never set are null; a top-level partner shows no parent, a deeper one
// parent {id, name}; partnerId equals reference; details expand the
// contact and add created/modified; users show partner or client by role;
// a client shows its top-level partner and its owner.
func TestShapes(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		admin := e.admin().auth
		topID := e.post(t, admin, "/api/v1/partners", map[string]any{
			"name": "Top", "parent": map[string]any{"id": e.root.ID}, "reference": "0b9f-ref", "billingId": "B-1",
			"contact": map[string]any{"userName": "top.sup", "firstName": "Tina", "lastName": "Top", "email": "tina@top.test",
				"phone": "+14155550111", "password": "top-password-1", "sendWelcomeEmail": true},
		}).id(t)
		subID := e.post(t, admin, "/api/v1/partners", map[string]any{
			"name": "Sub", "parent": map[string]any{"name": "Top"}, "isActive": false,
			"contact": map[string]any{"userName": "sub.sup", "firstName": "Sam", "lastName": "Sub", "email": "sam@sub.test", "phone": "+14155550112"},
		}).id(t)

		top := e.get(t, admin, path("/api/v1/partners/%d", topID)).want(t, http.StatusOK).obj(t)
		contactID := top["contact"].(map[string]any)["id"]
		wantJSON(t, "top partner", timestamps(t, top, "created", "modified"), `{"id":`+jsonNum(topID)+`,"name":"Top","reference":"0b9f-ref",
			"verificationPhrase":null,"version":1,"contact":{"id":`+jsonNum(contactID)+`,"firstName":"Tina","lastName":"Top","email":"tina@top.test"},
			"isActive":true,"partnerId":"0b9f-ref","billingId":"B-1"}`)
		sub := e.get(t, admin, path("/api/v1/partners/%d", subID)).want(t, http.StatusOK).obj(t)
		subContact := sub["contact"].(map[string]any)["id"]
		wantJSON(t, "sub partner", timestamps(t, sub, "created", "modified"), `{"id":`+jsonNum(subID)+`,"name":"Sub","reference":null,
			"verificationPhrase":null,"parent":{"id":`+jsonNum(topID)+`,"name":"Top"},"version":1,
			"contact":{"id":`+jsonNum(subContact)+`,"firstName":"Sam","lastName":"Sub","email":"sam@sub.test"},
			"isActive":false,"partnerId":null,"billingId":null}`)

		var list struct {
			Total int64
			Data  []map[string]any
		}
		if err := json.Unmarshal(e.get(t, admin, "/api/v1/partners?partner=Top").want(t, 200).body, &list); err != nil {
			t.Fatal(err)
		}
		if list.Total != 2 || len(list.Data) != 2 {
			t.Fatalf("partner=Top lists %d of %d; want Top and Sub", len(list.Data), list.Total)
		}
		wantJSON(t, "sub partner item", list.Data[1], `{"id":`+jsonNum(subID)+`,"name":"Sub","reference":null,
			"verificationPhrase":null,"parent":{"id":`+jsonNum(topID)+`,"name":"Top"},"version":1,"contact":{"id":`+jsonNum(subContact)+`},
			"isActive":false,"partnerId":null,"billingId":null}`)

		// Users: the contact is the partner's Partner Supervisor.
		u := e.get(t, admin, "/api/v1/users/"+jsonNum(contactID)).want(t, http.StatusOK).obj(t)
		wantJSON(t, "contact user", timestamps(t, u, "created", "modified"), `{"id":`+jsonNum(contactID)+`,"userName":"top.sup",
			"firstName":"Tina","lastName":"Top","email":"tina@top.test","phone":"+14155550111","isActive":true,"version":1,
			"userRole":{"name":"Partner Supervisor"},"partner":{"id":`+jsonNum(topID)+`,"name":"Top"}}`)

		// Clients: partner is the top-level partner, directPartner the owner.
		clientID := e.post(t, admin, "/api/v1/clients", map[string]any{
			"name": "Shop", "directPartner": map[string]any{"id": subID}, "mid": "M-9",
			"contact": map[string]any{"userName": "shop.user", "firstName": "Sue", "lastName": "Shop", "email": "sue@shop.test",
				"phone": "+14155550113", "userRole": "Client User"},
		}).id(t)
		c := e.get(t, admin, path("/api/v1/clients/%d", clientID)).want(t, http.StatusOK).obj(t)
		clientContact := c["contact"].(map[string]any)["id"]
		wantJSON(t, "client", timestamps(t, c, "created", "modified"), `{"id":`+jsonNum(clientID)+`,"name":"Shop","billingId":null,
			"mid":"M-9","isActive":true,"version":1,"partner":{"id":`+jsonNum(topID)+`,"name":"Top"},
			"directPartner":{"id":`+jsonNum(subID)+`,"name":"Sub"},
			"contact":{"id":`+jsonNum(clientContact)+`,"firstName":"Sue","lastName":"Shop","email":"sue@shop.test"}}`)
		cu := e.get(t, admin, "/api/v1/users/"+jsonNum(clientContact)).want(t, http.StatusOK).obj(t)
		wantJSON(t, "client user", timestamps(t, cu, "created", "modified"), `{"id":`+jsonNum(clientContact)+`,"userName":"shop.user",
			"firstName":"Sue","lastName":"Shop","email":"sue@shop.test","phone":"+14155550113","isActive":true,"version":1,
			"userRole":{"name":"Client User"},"client":{"id":`+jsonNum(clientID)+`,"name":"Shop"}}`)

		// Update answers {"id": n} too.
		if got := e.patch(t, admin, path("/api/v1/clients/%d", clientID), map[string]any{"billingId": "CB-1"}).id(t); got != clientID {
			t.Fatalf("PATCH answered id %d", got)
		}
		if got := e.patch(t, admin, "/api/v1/users/"+jsonNum(clientContact), map[string]any{"phone": nil}).id(t); got != int64(clientContact.(float64)) {
			t.Fatalf("PATCH user answered id %d", got)
		}
		if p := e.get(t, admin, "/api/v1/users/"+jsonNum(clientContact)).obj(t)["phone"]; p != nil {
			t.Fatalf("a phone cleared with null reads %v", p)
		}
	})
}

// jsonNum formats an id (an int64 or a decoded JSON number) for a JSON text.
func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
