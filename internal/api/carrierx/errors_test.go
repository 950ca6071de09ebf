package carrierx_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

func TestAuthAndScope(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "Acme")
		path := "/core/v2/partners/" + p.SID

		r := e.do(t, req{method: "GET", path: path})
		r.wantError(t, http.StatusUnauthorized, "")
		if r.header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		e.do(t, req{method: "GET", path: path, token: "test-nope"}).wantError(t, 401, "")

		r = e.do(t, req{method: "GET", path: path, token: "slow-down"})
		r.wantError(t, http.StatusTooManyRequests, "")
		if got := r.header.Get("Retry-After"); got != "7" {
			t.Errorf("Retry-After = %q, want 7", got)
		}

		r = e.do(t, req{method: "GET", path: path, token: "db-down"})
		r.wantError(t, http.StatusServiceUnavailable, "")
		if r.header.Get("Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
		r = e.do(t, req{method: "GET", path: path, token: "boom"})
		if m := r.wantError(t, http.StatusInternalServerError, ""); m["message"] != "internal error" || bytes.Contains(r.body, []byte("secret")) {
			t.Errorf("500 body leaks or is not generic: %s", r.body)
		}
		if !strings.Contains(e.log.String(), "secret detail") {
			t.Errorf("the 500's detail is not in the log: %q", e.log.String())
		}

		// partners.read alone: reads pass; a write to a visible partner is
		// 403 (the hub checks visibility, then the scope).
		reader := "read-" + itoa(e.root.ID)
		e.do(t, req{method: "GET", path: path, token: reader}).want(t, 200)
		e.do(t, req{method: "GET", path: "/core/v2/partners", token: reader}).want(t, 200)
		e.do(t, req{method: "PATCH", path: path, token: reader, body: `{"city":"X"}`}).wantError(t, 403, "")
		e.do(t, req{method: "PUT", path: path, token: reader, body: putBody}).wantError(t, 403, "")
		e.do(t, req{method: "DELETE", path: path, token: reader}).wantError(t, 403, "")
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: reader, body: `{"company_name":"X"}`}).wantError(t, 403, "")
		// The request's own shape is checked before the hub is asked: an
		// incomplete PUT is 422 whatever the caller may do.
		e.do(t, req{method: "PUT", path: path, token: reader, body: `{}`}).wantError(t, 422, "acls")
		// Visibility comes before the scope (issue 8): a missing SID is 404
		// without the scope too, exactly as an invisible one.
		missing := e.do(t, req{method: "DELETE", path: "/core/v2/partners/" + hub.NewSID(), token: reader})
		missing.wantError(t, 404, "")
		sibling := e.partner(e.root, "Sibling")
		sub := e.partner(sibling, "Below the sibling")
		readerAtA := "read-" + itoa(p.ID)
		for _, m := range []string{"DELETE", "PATCH"} {
			body := ""
			if m == "PATCH" {
				body = `{"city":"X"}`
			}
			invisible := e.do(t, req{method: m, path: "/core/v2/partners/" + sub.SID, token: readerAtA, body: body})
			gone := e.do(t, req{method: m, path: "/core/v2/partners/" + hub.NewSID(), token: readerAtA, body: body})
			invisible.wantError(t, 404, "")
			if !bytes.Equal(invisible.body, gone.body) || gone.status != 404 {
				t.Errorf("%s without the scope: invisible %d %s, missing %d %s", m, invisible.status, invisible.body, gone.status, gone.body)
			}
		}
	})
}

func TestInvisibleIsMissing(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		a := e.partner(e.root, "A")
		b := e.partner(e.root, "B")
		tok := token(a)
		for _, m := range []string{"GET", "PATCH", "PUT", "DELETE"} {
			var body string
			if m == "PATCH" {
				body = `{"city":"X"}`
			}
			if m == "PUT" {
				body = `{"acls":[],"address1":null,"address2":null,"attributes":{},"billing_email":null,"callbacks":{},"city":null,"company_name":"B","name":null,"owner_email":null,"parent_assigned_acls":[],"phonenumber":null,"tech_email":null,"transformations":[],"zip":null}`
			}
			invisible := e.do(t, req{method: m, path: "/core/v2/partners/" + b.SID, token: tok, body: body})
			missing := e.do(t, req{method: m, path: "/core/v2/partners/" + hub.NewSID(), token: tok, body: body})
			malformed := e.do(t, req{method: m, path: "/core/v2/partners/not-a-sid", token: tok, body: body})
			for _, r := range []response{invisible, missing, malformed} {
				r.wantError(t, http.StatusNotFound, "")
				if !bytes.Equal(r.body, invisible.body) {
					t.Fatalf("%s: bodies differ:\n%s\n%s", m, invisible.body, r.body)
				}
			}
		}
		// The invisible partner's parent (the root) is not visible either.
		e.do(t, req{method: "GET", path: "/core/v2/partners/" + e.root.SID, token: tok}).wantError(t, 404, "")
		// Its own partner is.
		e.do(t, req{method: "GET", path: "/core/v2/partners/" + a.SID, token: tok}).want(t, 200)
	})
}

// TestInvisibleParentIsMissing: POST /partners with a parent_sid the
// caller cannot see answers byte for byte like one that names no partner
// (or is not a SID), whatever else is wrong with the body; before, an
// invalid body told the two apart (an invisible parent got the body's
// validation error).
func TestInvisibleParentIsMissing(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		a := e.partner(e.root, "A")
		b := e.partner(e.root, "B")
		bChild := e.partner(b, "B1")
		tok := token(a)
		bodies := []string{
			`{"company_name":"X","parent_sid":%q}`,               // valid
			`{"parent_sid":%q}`,                                  // company_name missing
			`{"name":"no company","parent_sid":%q}`,              // company_name missing
			`{"company_name":"X","bogus":1,"parent_sid":%q}`,     // unknown key
			`{"company_name":"X","balance":"5","parent_sid":%q}`, // read-only key
			`{"company_name":7,"parent_sid":%q}`,                 // wrong type
			`{"company_name":"X","password":"p","parent_sid":%q}`,
			`{"company_name":"X","charge_at":"1.23456","parent_sid":%q}`,
		}
		for _, body := range bodies {
			missing := e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: fmt.Sprintf(body, hub.NewSID())})
			missing.wantError(t, 422, "parent_sid")
			for _, sid := range []string{b.SID, bChild.SID, e.root.SID, "not-a-sid"} {
				r := e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: fmt.Sprintf(body, sid)})
				if r.status != missing.status || !bytes.Equal(r.body, missing.body) {
					t.Fatalf("%s with parent_sid %s:\n%d %s\nmissing:\n%d %s", body, sid, r.status, r.body, missing.status, missing.body)
				}
			}
		}
		// A visible parent still reaches the body's own errors.
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"parent_sid":"` + a.SID + `"}`}).wantError(t, 422, "company_name")
	})
}

func TestRequestShapeErrors(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "Acme")
		tok := token(e.root)
		path := "/core/v2/partners/" + p.SID
		for _, m := range []string{"POST", "PATCH", "PUT"} {
			target := path
			if m == "POST" {
				target = "/core/v2/partners"
			}
			e.do(t, req{method: m, path: target, token: tok, body: `{}`, header: map[string]string{"Content-Type": "text/plain"}}).wantError(t, 415, "")
			e.do(t, req{method: m, path: target, token: tok, body: `{}`, header: map[string]string{"Content-Type": ""}}).wantError(t, 415, "")
			e.do(t, req{method: m, path: target, token: tok, body: `{"city":`}).wantError(t, 400, "")
			e.do(t, req{method: m, path: target, token: tok, body: `[1]`}).wantError(t, 400, "")
			e.do(t, req{method: m, path: target, token: tok, body: `{} {}`}).wantError(t, 400, "")
			e.do(t, req{method: m, path: target, token: tok, header: map[string]string{"Content-Type": "application/json"}}).wantError(t, 400, "")
			big := `{"city":"` + strings.Repeat("x", 2<<20) + `"}`
			e.do(t, req{method: m, path: target, token: tok, body: big}).wantError(t, http.StatusRequestEntityTooLarge, "")
		}
		// charset parameters are fine; a GET with the header and no body too.
		e.do(t, req{method: "PATCH", path: path, token: tok, body: `{}`, header: map[string]string{"Content-Type": "application/json; charset=utf-8"}}).want(t, 200)
		e.do(t, req{method: "GET", path: path, token: tok, header: map[string]string{"Content-Type": "application/json"}}).want(t, 200)

		// Unknown routes and methods answer in the error shape.
		e.do(t, req{method: "GET", path: "/core/v2/nothing", token: tok}).wantError(t, 404, "")
		r := e.do(t, req{method: "POST", path: path, token: tok, body: `{}`})
		r.wantError(t, http.StatusMethodNotAllowed, "")
		if r.header.Get("Allow") == "" {
			t.Error("405 without Allow")
		}
	})
}

func TestCreateAndDelete(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		a := e.partner(e.root, "A")
		tok := token(a)
		r := e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{
			"company_name": "Sub", "name": "Sam", "login": "sub1",
			"country_code": "CAN", "payment_type": "postpay", "charge_at": "12.5", "prepay_amount": 7,
			"owner_email": "o@sub.test", "attributes": {"tier": "gold"}, "transformations": [{"a": 1}]}`}).want(t, 200)
		m := checkPartnerObject(t, r.body)
		for k, v := range map[string]any{"company_name": "Sub", "name": "Sam", "login": "sub1", "country_code": "CAN",
			"payment_type": "postpay", "charge_at": "12.5", "prepay_amount": "7", "owner_email": nil,
			"status": "unverified", "parent_sid": a.SID} {
			if m[k] != v {
				t.Errorf("%s = %#v, want %#v", k, m[k], v)
			}
		}
		sub := m["partner_sid"].(string)

		// A login is taken regardless of case (passwords: partner_login_test.go).
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"company_name":"Pw","login":"pw1"}`}).want(t, 200)
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"company_name":"Pw","login":"PW1"}`}).wantError(t, 409, "login")

		// parent_sid places the new partner under a visible parent.
		r = e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"company_name":"SubSub","parent_sid":"` + sub + `"}`}).want(t, 200)
		if got := r.json(t)["parent_sid"]; got != sub {
			t.Errorf("parent_sid = %v, want %v", got, sub)
		}
		subsub := r.json(t)["partner_sid"].(string)
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"company_name":"X","parent_sid":"` + e.root.SID + `"}`}).wantError(t, 422, "parent_sid")
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"company_name":"X","parent_sid":"zzz"}`}).wantError(t, 422, "parent_sid")

		// Validation and read-only fields name the field.
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"name":"no company"}`}).wantError(t, 422, "company_name")
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"company_name":"X","balance":"5"}`}).wantError(t, 422, "balance")
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"company_name":"X","bogus":1}`}).wantError(t, 422, "bogus")
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"company_name":"X","charge_at":"1.23456"}`}).wantError(t, 422, "charge_at")
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"company_name":7}`}).wantError(t, 422, "company_name")
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"company_name":"X","country_code":"usa"}`}).wantError(t, 422, "country_code")
		e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: `{"company_name":"X","login":"sub1"}`}).wantError(t, 409, "")

		// DELETE: a partner with sub-partners is 409; a leaf goes with 204.
		e.do(t, req{method: "DELETE", path: "/core/v2/partners/" + sub, token: tok}).wantError(t, 409, "")
		r = e.do(t, req{method: "DELETE", path: "/core/v2/partners/" + subsub, token: tok}).want(t, 204)
		if len(r.body) != 0 {
			t.Errorf("204 with a body: %q", r.body)
		}
		e.do(t, req{method: "GET", path: "/core/v2/partners/" + subsub, token: tok}).wantError(t, 404, "")
		e.do(t, req{method: "DELETE", path: "/core/v2/partners/" + a.SID, token: tok}).wantError(t, 422, "")
	})
}
