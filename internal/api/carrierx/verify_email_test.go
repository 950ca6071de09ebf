package carrierx_test

import (
	"reflect"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

func TestEmailVerification(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	engines(t, func(t *testing.T, e *env) {
		a := e.partner(e.root, "Acme", func(p *hub.Partner) { p.OwnerEmail = "owner@acme.test" })
		b := e.partner(e.root, "Beta", func(p *hub.Partner) { p.OwnerEmail = "owner@beta.test" })
		tok := token(e.root)
		path := "/core/v2/partners/" + a.SID
		m := e.do(t, req{method: "GET", path: path, token: tok}).want(t, 200).json(t)
		if m["owner_email"] != nil || m["status"] != hub.StatusUnverified {
			t.Fatalf("before verification: owner_email %v, status %v", m["owner_email"], m["status"])
		}

		// An ancestor asks for a token; anyone holding it verifies.
		r := e.do(t, req{method: "POST", path: path + "/verify_email", token: tok, body: `{"field":"owner_email"}`}).want(t, 200)
		conforms(t, doc, "EmailVerificationIssued", r.body)
		issued := r.json(t)
		vt, _ := issued["verification_token"].(string)
		if issued["field"] != "owner_email" || len(vt) != 43 {
			t.Fatalf("issued: %s", r.body)
		}
		r = e.do(t, req{method: "POST", path: "/core/v2/verify_email", body: `{"token":"` + vt + `"}`}).want(t, 200)
		conforms(t, doc, "EmailVerified", r.body)
		want := map[string]any{"partner_sid": a.SID, "field": "owner_email", "verified": true}
		if got := r.json(t); !reflect.DeepEqual(got, want) {
			t.Fatalf("verified answer %v, want %v (never the partner object)", got, want)
		}
		g := e.do(t, req{method: "GET", path: path, token: tok}).want(t, 200)
		m = g.json(t)
		if m["owner_email"] != "owner@acme.test" || m["status"] != hub.StatusActive || g.header.Get("ETag") != `"2"` {
			t.Fatalf("after verification: owner_email %v, status %v, ETag %s", m["owner_email"], m["status"], g.header.Get("ETag"))
		}
		again := e.do(t, req{method: "POST", path: "/core/v2/verify_email", body: `{"token":"` + vt + `"}`}).wantError(t, 422, "token")
		if again["message"] != "verification token is invalid or expired" {
			t.Fatalf("reused token: %v", again)
		}
		conforms(t, doc, "Error", mustJSONBytes(t, again))

		// An address changed after the request: the token fails, the new
		// address stays hidden.
		r = e.do(t, req{method: "POST", path: path + "/verify_email", token: tok, body: `{"field":"owner_email"}`}).want(t, 200)
		vt = r.json(t)["verification_token"].(string)
		e.do(t, req{method: "PATCH", path: path, token: tok, body: `{"owner_email":"new@acme.test"}`}).want(t, 200)
		e.do(t, req{method: "POST", path: "/core/v2/verify_email", body: `{"token":"` + vt + `"}`}).wantError(t, 422, "token")
		if m = e.do(t, req{method: "GET", path: path, token: tok}).want(t, 200).json(t); m["owner_email"] != nil || m["status"] != hub.StatusActive {
			t.Fatalf("after a failed verification of a changed address: %v %v", m["owner_email"], m["status"])
		}

		// Request errors.
		e.do(t, req{method: "POST", path: path + "/verify_email", token: token(b), body: `{"field":"owner_email"}`}).wantError(t, 404, "")
		e.do(t, req{method: "POST", path: path + "/verify_email", token: token(a), body: `{"field":"owner_email"}`}).wantError(t, 403, "")
		e.do(t, req{method: "POST", path: "/core/v2/partners/not-a-sid/verify_email", token: tok, body: `{"field":"owner_email"}`}).wantError(t, 404, "")
		e.do(t, req{method: "POST", path: path + "/verify_email", token: "read-" + itoa(e.root.ID), body: `{"field":"owner_email"}`}).wantError(t, 403, "")
		e.do(t, req{method: "POST", path: path + "/verify_email", token: tok, body: `{"field":"email"}`}).wantError(t, 422, "field")
		e.do(t, req{method: "POST", path: path + "/verify_email", token: tok, body: `{}`}).wantError(t, 422, "field")
		e.do(t, req{method: "POST", path: path + "/verify_email", token: tok, body: `{"field":"owner_email","x":1}`}).wantError(t, 422, "x")
		e.do(t, req{method: "POST", path: path + "/verify_email", token: tok, body: `{"field":"tech_email"}`}).wantError(t, 422, "tech_email")
		e.do(t, req{method: "POST", path: path + "/verify_email", token: tok, body: `{"field":"owner_email"}`,
			header: map[string]string{"Content-Type": "text/plain"}}).wantError(t, 415, "")

		// Verify errors: all the same 422, whatever the token.
		for _, body := range []string{`{"token":"nope"}`, `{"token":""}`, `{}`, `{"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`} {
			e.do(t, req{method: "POST", path: "/core/v2/verify_email", body: body}).wantError(t, 422, "token")
		}
		e.do(t, req{method: "POST", path: "/core/v2/verify_email", body: `[]`}).wantError(t, 400, "")
	})
}

func mustJSONBytes(t *testing.T, v any) []byte { return []byte(mustJSON(t, v)) }
