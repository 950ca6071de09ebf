package carrierx_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestPublicNamesReachTheDomain: the face's company_name is the
// organisation (the domain's name) and its name the contact person (the
// domain's contact_name) in filters and in order alike, and every error
// names the field as the caller wrote it, never the domain's name.
func TestPublicNamesReachTheDomain(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		// Organisations and contacts in opposite orders, so that a mix-up
		// of the two shows.
		e.partner(e.root, "Acme", func(p *hub.Partner) { p.ContactName = "Zoe" })
		e.partner(e.root, "Zeta", func(p *hub.Partner) { p.ContactName = "Adam" })
		list := func(query string) []string {
			t.Helper()
			r := e.do(t, req{method: "GET", path: "/core/v2/partners?limit=100&" + query, token: token(e.root)}).want(t, 200)
			var out []string
			for _, it := range r.json(t)["items"].([]any) {
				out = append(out, it.(map[string]any)["company_name"].(string))
			}
			return out
		}
		q := func(k, v string) string { return url.Values{k: {v}}.Encode() }
		for _, c := range []struct {
			query string
			want  []string
		}{
			{q("filter", "company_name eq Acme"), []string{"Acme"}},
			{q("filter", "name eq Adam"), []string{"Zeta"}},
			{q("filter", "company_name eq Zoe"), nil},
			{q("filter", "name like 'Z%'"), []string{"Acme"}},
			{q("filter", "company_name ne 'Root Co'") + "&" + q("order", "company_name desc"), []string{"Zeta", "Acme"}},
			{q("filter", "company_name ne 'Root Co'") + "&" + q("order", "company_name"), []string{"Acme", "Zeta"}},
			{q("filter", "company_name ne 'Root Co'") + "&" + q("order", "name"), []string{"Zeta", "Acme"}},
			{q("filter", "partner_sid eq "+e.root.SID), []string{"Root Co"}},
			{q("filter", "date_created gt 2000-01-01 and company_name eq Zeta"), []string{"Zeta"}},
		} {
			if got := list(c.query); !slices.Equal(got, c.want) {
				t.Errorf("%s: got %q, want %q", c.query, got, c.want)
			}
		}

		// Errors speak the caller's names: the domain's (created_at,
		// contact_name, sid) never appear.
		for _, c := range []struct{ query, field, says string }{
			{q("filter", "date_created gt yesterday"), "filter", `field "date_created": invalid value "yesterday"`},
			{q("filter", "company_name.x eq 1"), "filter", `"company_name" has no sub-fields`},
			{q("filter", "created_at gt 2000-01-01"), "filter", `unknown field "created_at"`},
			{q("filter", "contact_name eq x"), "filter", `unknown field "contact_name"`},
			{q("order", "created_at"), "order", `unknown field "created_at"`},
			{q("order", "charge_at"), "order", `cannot order by "charge_at"`},
			{q("order", "attributes desc"), "order", `cannot order by "attributes"`},
		} {
			m := e.do(t, req{method: "GET", path: "/core/v2/partners?" + c.query, token: token(e.root)}).wantError(t, 400, c.field)
			msg := m["message"].(string)
			if !strings.Contains(msg, c.says) {
				t.Errorf("%s: message %q does not say %s", c.query, msg, c.says)
			}
			for _, domain := range []string{"contact_name", "created_at", `"sid"`} {
				if strings.Contains(msg, domain) && !strings.Contains(c.query, strings.Trim(domain, `"`)) {
					t.Errorf("%s: message %q speaks the domain's %s", c.query, msg, domain)
				}
			}
		}
	})
}

// TestFilterErrorNamesTheParameterOnce: a filter error reads
// "filter: at position ...", not "filter: filter: at position ..."; the
// error entry names the field and says the rest.
func TestFilterErrorNamesTheParameterOnce(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		for _, f := range []string{`country_code equals USA`, `balance like "1%"`, `nosuch eq 1`} {
			m := e.do(t, req{method: "GET", path: "/core/v2/partners?filter=" + url.QueryEscape(f), token: token(e.root)}).wantError(t, 400, "filter")
			msg := m["message"].(string)
			entry := m["errors"].([]any)[0].(map[string]any)["message"].(string)
			if !strings.HasPrefix(msg, "filter: at position ") || strings.Count(msg, "filter:") != 1 {
				t.Errorf("%s: message %q", f, msg)
			}
			if strings.HasPrefix(entry, "filter:") || "filter: "+entry != msg {
				t.Errorf("%s: entry %q for message %q", f, entry, msg)
			}
		}
	})
}

// TestUndecodableQueryIsRefused: a query parameter that cannot be
// percent-decoded, or that carries a raw ';', is a 400 naming it. Before,
// net/http dropped it silently and the list answered 200 with the whole
// tree, as if no filter had been sent. Every route checks its query, the
// public ones too, after authentication.
func TestUndecodableQueryIsRefused(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		e.partner(e.root, "Acme")
		tok := token(e.root)
		for _, c := range []struct{ rawQuery, field string }{
			{"filter=company_name%20eq%20%zz", "filter"},
			{"filter=company_name%20eq%20Acme;limit=1", "filter"},
			{"limit=1&filter=company_name%20eq%20Acme%2", "filter"},
			{"limit=1;offset=0", "limit"},
			{"include_fields=partner_sid,%G0", "include_fields"},
		} {
			r := e.do(t, req{method: "GET", path: "/core/v2/partners?" + c.rawQuery, token: tok})
			m := r.wantError(t, 400, c.field)
			if !strings.Contains(m["message"].(string), "cannot be decoded") {
				t.Errorf("%s: message %q", c.rawQuery, m["message"])
			}
		}
		// The name of a parameter itself.
		e.do(t, req{method: "GET", path: "/core/v2/partners?fil%zzter=x", token: tok}).wantError(t, 400, "")
		// Other routes, public ones included; credentials are checked first.
		e.do(t, req{method: "GET", path: "/core/v2/partners/" + e.root.SID + "?include_fields=%zz", token: tok}).wantError(t, 400, "include_fields")
		e.do(t, req{method: "GET", path: "/core/v2/openapi.json?x=%zz"}).wantError(t, 400, "x")
		e.do(t, req{method: "GET", path: "/core/v2/partners?filter=%zz"}).wantError(t, 401, "")
		// A well-formed query still works, with escapes and an empty value.
		r := e.do(t, req{method: "GET", path: "/core/v2/partners?filter=company_name%20eq%20%22Acme%22&after=", token: tok}).want(t, 200)
		if got := names(t, r); !slices.Equal(got, []string{"Acme"}) {
			t.Errorf("filtered: %q", got)
		}
	})
}
