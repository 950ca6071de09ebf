package carrierx_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestNULRefusedOnBothEngines sends U+0000 in every kind of value the hub
// stores (nested map and list values included), in parent_sid and in a
// path SID. Both engines must give the same 4xx naming the field (or the
// same 404), and no ERROR line: PostgreSQL cannot store NUL in text or
// jsonb, SQLite can, so only a check before the database keeps them
// alike.
func TestNULRefusedOnBothEngines(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "Target")
		tok := token(e.root)
		for _, tc := range []struct {
			name, method, path, body string
			status                   int
			field                    string
		}{
			{"attributes value", "PATCH", "/core/v2/partners/" + p.SID, `{"attributes":{"k":"a\u0000b"}}`, 422, "attributes.k"},
			{"callbacks value", "PATCH", "/core/v2/partners/" + p.SID, `{"callbacks":{"sms":"https://x.test/\u0000"}}`, 422, "callbacks.sms"},
			{"acls nested value", "PATCH", "/core/v2/partners/" + p.SID, `{"acls":[{"direction":"in\u0000"}]}`, 422, "acls"},
			{"acls nested key", "PATCH", "/core/v2/partners/" + p.SID, `{"acls":[{"dir\u0000":"in"}]}`, 422, "acls"},
			{"acls deep value", "PATCH", "/core/v2/partners/" + p.SID, `{"acls":[{"rules":[{"x":["ok","\u0000"]}]}]}`, 422, "acls"},
			{"transformations value", "PATCH", "/core/v2/partners/" + p.SID, `{"transformations":[{"action":"set","value":"\u0000"}]}`, 422, "transformations"},
			{"parent_assigned_acls value", "PATCH", "/core/v2/partners/" + p.SID, `{"parent_assigned_acls":[{"direction":"\u0000"}]}`, 422, "parent_assigned_acls"},
			{"company_name", "PATCH", "/core/v2/partners/" + p.SID, `{"company_name":"a\u0000"}`, 422, "company_name"},
			{"create attributes", "POST", "/core/v2/partners", `{"company_name":"N","attributes":{"k":"\u0000"}}`, 422, "attributes.k"},
			{"create transformations", "POST", "/core/v2/partners", `{"company_name":"N","transformations":[{"k":"\u0000"}]}`, 422, "transformations"},
			{"parent_sid", "POST", "/core/v2/partners", `{"company_name":"N","parent_sid":"\u0000"}`, 422, "parent_sid"},
			{"parent_sid uuid-length", "POST", "/core/v2/partners", `{"company_name":"N","parent_sid":"` + strings.Repeat(`\u0000`, 36) + `"}`, 422, "parent_sid"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do(t, req{method: tc.method, path: tc.path, token: tok, body: tc.body})
				r.wantError(t, tc.status, tc.field)
			})
		}
		for _, path := range []string{"/core/v2/partners/%00", "/core/v2/partners/" + strings.Repeat("%00", 36), "/core/v2/partners/a%00b"} {
			e.do(t, req{method: "GET", path: path, token: tok}).wantError(t, http.StatusNotFound, "")
		}
		if strings.Contains(e.log.String(), "level=ERROR") {
			t.Fatalf("a NUL reached the database:\n%s", e.log.String())
		}
	})
}

// TestNegativeMoneyRefused: money a caller sets may not be negative; the
// hub refuses it (422 naming the field) on create and update alike.
func TestNegativeMoneyRefused(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		tok := token(e.root)
		for _, tc := range []struct{ body, field string }{
			{`{"company_name":"N","prepay_amount":-1}`, "prepay_amount"},
			{`{"company_name":"N","prepay_amount":"-0.01"}`, "prepay_amount"},
			{`{"company_name":"N","charge_at":-5}`, "charge_at"},
			{`{"company_name":"N","charge_at":"-5"}`, "charge_at"},
		} {
			e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok, body: tc.body}).wantError(t, http.StatusUnprocessableEntity, tc.field)
		}
		// Zero and positive amounts are fine.
		r := e.do(t, req{method: "POST", path: "/core/v2/partners", token: tok,
			body: `{"company_name":"N","prepay_amount":"0","charge_at":"10.5"}`}).want(t, http.StatusOK)
		m := r.json(t)
		if m["prepay_amount"] != "0" || m["charge_at"] != "10.5" {
			t.Fatalf("money answered %v %v", m["prepay_amount"], m["charge_at"])
		}
	})
}
