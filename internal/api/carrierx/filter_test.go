package carrierx_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// names lists the company_name of every item of a list answer, sorted.
func names(t *testing.T, r response) []string {
	t.Helper()
	var out []string
	for _, it := range r.json(t)["items"].([]any) {
		out = append(out, it.(map[string]any)["company_name"].(string))
	}
	slices.Sort(out)
	return out
}

func TestFilterOperators(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		mk := func(name, country, city, status string, limit hub.Money, attrs map[string]string) {
			e.partner(e.root, name, func(p *hub.Partner) {
				p.CountryCode, p.City, p.Status, p.DailySpendingLimit, p.Attributes = country, city, status, limit*hub.MoneyScale, attrs
			})
		}
		mk("Alpha Corp", "USA", "New York", "active", 100, map[string]string{"tier": "gold"})
		mk("beta ltd", "CAN", "Toronto", "active", 200, map[string]string{"tier": "silver"})
		mk(`Gamma "Quoted" Inc`, "MEX", "", "suspended", 300, nil)
		// The root: "Root Co", no country, unverified, daily limit 500.

		cases := []struct {
			filter string
			want   []string
		}{
			{`country_code eq USA`, []string{"Alpha Corp"}},
			{`status ne unverified`, []string{"Alpha Corp", `Gamma "Quoted" Inc`, "beta ltd"}},
			{`daily_spending_limit lt 200`, []string{"Alpha Corp"}},
			{`daily_spending_limit le "200.00"`, []string{"Alpha Corp", "beta ltd"}},
			{`daily_spending_limit gt 300`, []string{"Root Co"}},
			{`daily_spending_limit ge 300`, []string{`Gamma "Quoted" Inc`, "Root Co"}},
			{`company_name like "Alpha%"`, []string{"Alpha Corp"}},
			{`company_name like "alpha%"`, nil},
			{`company_name ilike "alpha%"`, []string{"Alpha Corp"}},
			{`company_name like "%ta l%"`, []string{"beta ltd"}},
			{`company_name ilike "BETA%"`, []string{"beta ltd"}},
			{`country_code in ("USA","CAN")`, []string{"Alpha Corp", "beta ltd"}},
			{`country_code notin ("USA", 'CAN')`, []string{`Gamma "Quoted" Inc`, "Root Co"}},
			{`depth bit 1`, []string{"Alpha Corp", `Gamma "Quoted" Inc`, "beta ltd"}},
			{`company_name eq "Alpha Corp"`, []string{"Alpha Corp"}},
			{`city eq 'New York'`, []string{"Alpha Corp"}},
			{`company_name eq 'Gamma "Quoted" Inc'`, []string{`Gamma "Quoted" Inc`}},
			{`company_name eq "Gamma \"Quoted\" Inc"`, []string{`Gamma "Quoted" Inc`}},
			{`attributes.tier eq gold`, []string{"Alpha Corp"}},
			{`attributes.tier in (gold, silver)`, []string{"Alpha Corp", "beta ltd"}},
			{`attributes.tier eq "gold" and country_code eq CAN`, nil},
			{`(country_code eq USA or country_code eq MEX) and not status eq suspended`, []string{"Alpha Corp"}},
			{`country_code eq USA OR country_code eq CAN`, []string{"Alpha Corp", "beta ltd"}},
			{`charge_at eq null`, []string{"Alpha Corp", `Gamma "Quoted" Inc`, "Root Co", "beta ltd"}},
		}
		for _, c := range cases {
			r := e.do(t, req{method: "GET", path: "/core/v2/partners?limit=100&filter=" + url.QueryEscape(c.filter), token: token(e.root)})
			if r.status != 200 {
				t.Errorf("filter %s: status %d %s", c.filter, r.status, r.body)
				continue
			}
			want := slices.Clone(c.want)
			slices.Sort(want)
			if got := names(t, r); !slices.Equal(got, want) {
				t.Errorf("filter %s: got %q, want %q", c.filter, got, want)
			}
			if total := r.json(t)["total"].(float64); int(total) != len(want) {
				t.Errorf("filter %s: total %v, want %d", c.filter, total, len(want))
			}
		}
	})
}

func TestMalformedFilters(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		cases := []struct{ filter, wantInMessage string }{
			{`country_code equals USA`, "position 13"},
			{`company_name eq`, "position"},
			{`company_name eq "open`, "position 16"},
			{`nosuch eq 1`, `"nosuch"`},
			{`depth eq deep`, `"depth"`},
			{`country_code in USA`, "position"},
			{`(status eq active`, "position"},
			{`attributes eq x`, "attributes"},
			{`balance like "1%"`, "balance"},
		}
		for _, c := range cases {
			r := e.do(t, req{method: "GET", path: "/core/v2/partners?filter=" + url.QueryEscape(c.filter), token: token(e.root)})
			m := r.wantError(t, 400, "filter")
			if msg := m["message"].(string); !strings.Contains(msg, c.wantInMessage) {
				t.Errorf("filter %s: message %q does not point at %s", c.filter, msg, c.wantInMessage)
			}
		}
	})
}

func TestListParamErrors(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "A")
		tok := token(e.root)
		cases := []struct{ query, field string }{
			{"limit=1001", "limit"},
			{"limit=-1", "limit"},
			{"limit=ten", "limit"},
			{"limit=0", "limit"},
			{"offset=-5", "offset"},
			{"offset=x", "offset"},
			{"order=nosuch", "order"},
			{"order=company_name%20sideways", "order"},
			{"order=attributes", "order"},
			{"after=" + hub.NewSID(), "after"},
			{"before=garbage", "before"},
			{"after=" + p.SID + "&before=" + p.SID, "after"},
			{"after=" + p.SID + "&offset=10", "offset"},
			{"after=&order=shuffle", "order"},
		}
		for _, c := range cases {
			e.do(t, req{method: "GET", path: "/core/v2/partners?" + c.query, token: tok}).wantError(t, 400, c.field)
		}
		// An after cursor outside the caller's subtree is as unknown as a missing one.
		e.do(t, req{method: "GET", path: "/core/v2/partners?after=" + e.root.SID, token: token(p)}).wantError(t, 400, "after")
		for _, q := range []string{"order=company_name", "order=company_name%20desc,%20date_created%20asc", "order=shuffle", "limit=1000"} {
			e.do(t, req{method: "GET", path: "/core/v2/partners?" + q, token: tok}).want(t, 200)
		}
	})
}
