package carrierx_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"sync"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// putBody carries every modifiable field.
const putBody = `{"acls":[{"x":1}],"address1":"1 Main St","address2":null,"attributes":{"a":"1"},
	"billing_email":null,"callbacks":{},"city":"Springfield","company_name":"Acme Put","name":"Pat",
	"owner_email":null,"parent_assigned_acls":[],"phonenumber":"+14155550100","tech_email":null,
	"transformations":[],"zip":"12345"}`

func TestPatchMergeAndReplace(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "Acme", func(p *hub.Partner) {
			p.Attributes = map[string]string{"keep": "k", "drop": "d", "change": "old"}
			p.Callbacks = map[string]string{"sms": "https://a.test/sms"}
			p.ACLs = []map[string]any{{"a": "1"}, {"b": "2"}}
			p.City = "Old Town"
		})
		tok := token(e.root)
		path := "/core/v2/partners/" + p.SID

		r := e.do(t, req{method: "PATCH", path: path, token: tok, body: `{"attributes":{"change":"new","drop":null,"add":"a"},"acls":[{"c":"3"}],"company_name":"Acme 2"}`}).want(t, 200)
		m := checkPartnerObject(t, r.body)
		wantAttrs := map[string]any{"keep": "k", "change": "new", "add": "a"}
		if !reflect.DeepEqual(m["attributes"], wantAttrs) {
			t.Errorf("merged attributes = %v, want %v", m["attributes"], wantAttrs)
		}
		if !reflect.DeepEqual(m["acls"], []any{map[string]any{"c": "3"}}) {
			t.Errorf("acls not replaced whole: %v", m["acls"])
		}
		if m["company_name"] != "Acme 2" || m["city"] != "Old Town" {
			t.Errorf("company_name %v city %v: only sent keys change", m["company_name"], m["city"])
		}
		if !reflect.DeepEqual(m["callbacks"], map[string]any{"sms": "https://a.test/sms"}) {
			t.Errorf("callbacks touched: %v", m["callbacks"])
		}
		if got := r.header.Get("ETag"); got != `"2"` {
			t.Errorf("ETag after one PATCH = %q, want \"2\"", got)
		}

		r = e.do(t, req{method: "PATCH", path: path + "?nested_objects=replace", token: tok, body: `{"attributes":{"only":"this"}}`}).want(t, 200)
		if m := r.json(t); !reflect.DeepEqual(m["attributes"], map[string]any{"only": "this"}) {
			t.Errorf("replaced attributes = %v", m["attributes"])
		}
		if got := r.header.Get("ETag"); got != `"3"` {
			t.Errorf("ETag = %q, want \"3\"", got)
		}
		// GET agrees with what PATCH answered.
		g := e.do(t, req{method: "GET", path: path, token: tok}).want(t, 200)
		if string(g.body) != string(r.body) || g.header.Get("ETag") != `"3"` {
			t.Errorf("GET differs from PATCH answer:\n%s\n%s", g.body, r.body)
		}

		e.do(t, req{method: "PATCH", path: path + "?nested_objects=sideways", token: tok, body: `{}`}).wantError(t, 400, "nested_objects")
		e.do(t, req{method: "PATCH", path: path, token: tok, body: `{"attributes":{"x":1}}`}).wantError(t, 422, "attributes.x")
		e.do(t, req{method: "PATCH", path: path, token: tok, body: `{"attributes":"x"}`}).wantError(t, 422, "attributes")
		e.do(t, req{method: "PATCH", path: path, token: tok, body: `{"acls":{}}`}).wantError(t, 422, "acls")
		e.do(t, req{method: "PATCH", path: path, token: tok, body: `{"callbacks":{"sms":"not a url"}}`}).wantError(t, 422, "callbacks.sms")
	})
}

func TestPatchReadOnlyAndUnknown(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "Acme")
		path := "/core/v2/partners/" + p.SID
		for _, k := range []string{"balance", "partner_sid", "status", "country_code", "display_id", "date_created", "parent_sid", "payment_type", "state"} {
			m := e.do(t, req{method: "PATCH", path: path, token: token(e.root), body: `{"` + k + `":"x"}`}).wantError(t, 422, k)
			if msg := m["errors"].([]any)[0].(map[string]any)["message"]; msg != "is read-only" {
				t.Errorf("%s: message %q", k, msg)
			}
		}
		m := e.do(t, req{method: "PATCH", path: path, token: token(e.root), body: `{"city":"A","frobnicate":true}`}).wantError(t, 422, "frobnicate")
		if msg := m["errors"].([]any)[0].(map[string]any)["message"]; msg != "is not a known field" {
			t.Errorf("unknown field message %q", msg)
		}
		// Nothing changed: the version is still 1.
		if r := e.do(t, req{method: "GET", path: path, token: token(e.root)}); r.header.Get("ETag") != `"1"` {
			t.Errorf("a refused PATCH changed the version: ETag %s", r.header.Get("ETag"))
		}
	})
}

func TestPut(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "Acme", func(p *hub.Partner) { p.Attributes = map[string]string{"old": "o"} })
		path := "/core/v2/partners/" + p.SID
		tok := token(e.root)
		m := e.do(t, req{method: "PUT", path: path, token: tok, body: `{"city":"X"}`}).wantError(t, 422, "acls")
		if n := len(m["errors"].([]any)); n != 14 {
			t.Errorf("PUT missing 14 fields names %d", n)
		}
		r := e.do(t, req{method: "PUT", path: path + "?nested_objects=replace", token: tok, body: putBody}).want(t, 200)
		got := checkPartnerObject(t, r.body)
		for k, v := range map[string]any{"company_name": "Acme Put", "name": "Pat", "city": "Springfield", "zip": "12345", "address2": nil} {
			if got[k] != v {
				t.Errorf("%s = %#v, want %#v", k, got[k], v)
			}
		}
		if !reflect.DeepEqual(got["attributes"], map[string]any{"a": "1"}) {
			t.Errorf("attributes = %v", got["attributes"])
		}
		e.do(t, req{method: "PUT", path: path, token: tok, body: putBody[:len(putBody)-1] + `,"balance":"1"}`}).wantError(t, 422, "balance")
	})
}

func TestParentAssignedACLs(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		a := e.partner(e.root, "A")
		path := "/core/v2/partners/" + a.SID
		acl := `{"parent_assigned_acls":[{"access_control_rules":["` + hub.NewSID() + `"],"direction":"outbound"}]}`
		// The partner itself may not change them...
		e.do(t, req{method: "PATCH", path: path, token: token(a), body: acl}).wantError(t, 422, "parent_assigned_acls")
		// ...its ancestor may.
		r := e.do(t, req{method: "PATCH", path: path, token: token(e.root), body: acl}).want(t, 200)
		// Sending them back unchanged is fine (GET, modify, PUT round trip).
		cur := r.json(t)["parent_assigned_acls"]
		e.do(t, req{method: "PATCH", path: path, token: token(a), body: `{"parent_assigned_acls":` + mustJSON(t, cur) + `,"city":"Mine"}`}).want(t, 200)
	})
}

func TestIfMatch(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "Acme")
		path := "/core/v2/partners/" + p.SID
		tok := token(e.root)
		ifMatch := func(v string) map[string]string { return map[string]string{"If-Match": v} }

		r := e.do(t, req{method: "PATCH", path: path, token: tok, body: `{"city":"A"}`, header: ifMatch(`"1"`)}).want(t, 200)
		if r.header.Get("ETag") != `"2"` {
			t.Fatalf("ETag %s", r.header.Get("ETag"))
		}
		e.do(t, req{method: "PATCH", path: path, token: tok, body: `{"city":"B"}`, header: ifMatch(`"1"`)}).wantError(t, http.StatusPreconditionFailed, "")
		e.do(t, req{method: "PUT", path: path, token: tok, body: putBody, header: ifMatch(`"1"`)}).wantError(t, http.StatusPreconditionFailed, "")
		for _, bad := range []string{`1`, `W/"2"`, `"x"`, `"2", "3"`, `""`} {
			e.do(t, req{method: "PATCH", path: path, token: tok, body: `{}`, header: ifMatch(bad)}).wantError(t, 400, "If-Match")
		}
		e.do(t, req{method: "PATCH", path: path, token: tok, body: `{"city":"C"}`, header: ifMatch(`*`)}).want(t, 200)
		if m := e.do(t, req{method: "GET", path: path, token: tok}).want(t, 200).json(t); m["city"] != "C" {
			t.Fatalf("city = %v", m["city"])
		}
	})
}

func TestConcurrentPatches(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		tok := token(e.root)

		// Two PATCHes pinned to the same version: exactly one wins.
		for round := range 5 {
			p := e.partner(e.root, fmt.Sprint("Pinned ", round))
			path := "/core/v2/partners/" + p.SID
			var wg sync.WaitGroup
			statuses := make([]int, 2)
			for i := range statuses {
				wg.Go(func() {
					r, err := e.send(req{method: "PATCH", path: path, token: tok,
						body: fmt.Sprintf(`{"attributes":{"k%d":"v"}}`, i), header: map[string]string{"If-Match": `"1"`}})
					if err != nil {
						t.Error(err)
					}
					statuses[i] = r.status
				})
			}
			wg.Wait()
			ok, failed := 0, 0
			for _, s := range statuses {
				switch s {
				case 200:
					ok++
				case 412:
					failed++
				}
			}
			if ok != 1 || failed != 1 {
				t.Fatalf("round %d: statuses %v, want one 200 and one 412", round, statuses)
			}
			if r := e.do(t, req{method: "GET", path: path, token: tok}); r.header.Get("ETag") != `"2"` {
				t.Fatalf("round %d: ETag %s, want \"2\"", round, r.header.Get("ETag"))
			}
		}

		// Unpinned PATCHes of different attribute keys all survive.
		p := e.partner(e.root, "Unpinned")
		path := "/core/v2/partners/" + p.SID
		const n = 5
		var wg sync.WaitGroup
		statuses := make([]int, n)
		for i := range n {
			wg.Go(func() {
				r, err := e.send(req{method: "PATCH", path: path, token: tok, body: fmt.Sprintf(`{"attributes":{"k%d":"v%d"}}`, i, i)})
				if err != nil {
					t.Error(err)
				}
				statuses[i] = r.status
			})
		}
		wg.Wait()
		for i, s := range statuses {
			if s != 200 {
				t.Fatalf("PATCH %d: status %d", i, s)
			}
		}
		r := e.do(t, req{method: "GET", path: path, token: tok}).want(t, 200)
		attrs := r.json(t)["attributes"].(map[string]any)
		for i := range n {
			if attrs[fmt.Sprintf("k%d", i)] != fmt.Sprintf("v%d", i) {
				t.Errorf("attribute k%d lost: %v", i, attrs)
			}
		}
		if r.header.Get("ETag") != fmt.Sprintf(`"%d"`, n+1) {
			t.Errorf("ETag %s, want %d updates", r.header.Get("ETag"), n)
		}
	})
}

// TestPutRoundTripKeepsPendingEmail: GET shows an unverified address as
// null; sending that object back with PUT must not erase the address,
// while "" clears it.
func TestPutRoundTripKeepsPendingEmail(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "Acme", func(p *hub.Partner) { p.OwnerEmail = "owner@acme.test" })
		path := "/core/v2/partners/" + p.SID
		tok := token(e.root)
		got := e.do(t, req{method: "GET", path: path, token: tok}).want(t, 200).json(t)
		if got["owner_email"] != nil {
			t.Fatalf("unverified owner_email shown as %#v, want null", got["owner_email"])
		}
		body := map[string]any{}
		for _, k := range []string{"acls", "address1", "address2", "attributes", "billing_email", "callbacks", "city",
			"company_name", "name", "owner_email", "parent_assigned_acls", "phonenumber", "tech_email", "transformations", "zip"} {
			body[k] = got[k]
		}
		body["city"] = "Round Trip"
		e.do(t, req{method: "PUT", path: path, token: tok, body: mustJSON(t, body)}).want(t, 200)
		stored, err := e.svc.Partner(context.Background(), e.sys(), hub.PartnerKey{ID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if stored.OwnerEmail != "owner@acme.test" || stored.City != "Round Trip" {
			t.Fatalf("after the round trip: owner_email %q city %q", stored.OwnerEmail, stored.City)
		}
		e.do(t, req{method: "PATCH", path: path, token: tok, body: `{"owner_email":""}`}).want(t, 200)
		stored, err = e.svc.Partner(context.Background(), e.sys(), hub.PartnerKey{ID: p.ID})
		if err != nil || stored.OwnerEmail != "" {
			t.Fatalf(`"" must clear the address: %q %v`, stored.OwnerEmail, err)
		}
	})
}
