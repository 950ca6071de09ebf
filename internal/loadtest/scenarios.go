package loadtest

import (
	"net/url"
	"strings"
)

// The /core/v2 (CarrierX) requests the scenarios are made of. URLs are
// data: when a face's vocabulary changes, this is the place to follow it.
var (
	carrierxGetPartner = func(id string) Request {
		return Request{Method: "GET", Pattern: "GET /core/v2/partners/{partner_sid}", Path: "/core/v2/partners/" + id}
	}
	// The filtered, ordered 100-row page; CarrierX's `name` is the
	// partner's contact name, totals are always exact.
	carrierxUSAPage = Request{Method: "GET", Pattern: "GET /core/v2/partners",
		Path: "/core/v2/partners?" + query("limit", "100", "filter", `country_code eq "USA"`, "order", "name")}
	carrierxPatchCity = Request{Method: "PATCH", Pattern: "PATCH /core/v2/partners/{partner_sid}",
		Path:   "/core/v2/partners/{sid}",
		Header: map[string]string{"Content-Type": "application/json"},
		Body:   `{"city":"Load {n}"}`}
)

// The /api/v1 (Bluefin) requests: partners by numeric id, lists by
// take and the partner= subtree.
var (
	bluefinGetPartner = Request{Method: "GET", Pattern: "GET /api/v1/partners/{partner_id}", Path: "/api/v1/partners/{id}"}
	bluefinBranchPage = Request{Method: "GET", Pattern: "GET /api/v1/partners",
		Path: "/api/v1/partners?partner={branch}&take=100"}
)

// The /api/v2 (360dialog) requests: the branch partner's 120 incoming
// change requests in one 100-item page, one of its clients, and the page
// of its 20 clients (see dialog360.go).
var (
	dialog360RequestPage = Request{Method: "GET", Pattern: "GET /api/v2/partners/{partner_id}/selective_partner_change_requests",
		Path: "/api/v2/partners/{pa}/selective_partner_change_requests?limit=100"}
	dialog360GetClient = Request{Method: "GET", Pattern: "GET /api/v2/partners/{partner_id}/clients/{client_id}",
		Path: "/api/v2/partners/{pa}/clients/{client}"}
	dialog360ClientPage = Request{Method: "GET", Pattern: "GET /api/v2/partners/{partner_id}/clients",
		Path: "/api/v2/partners/{pa}/clients?limit=100"}
)

// Scenarios returns the built-in scenarios, in the order they run (grouped
// by tree and cache mode, so each serve process starts once per group).
// The names match the rows of issue 11's table; the v2- scenarios are
// the /api/v2 face's (issue 10).
func Scenarios() []Scenario {
	return []Scenario{
		{Name: "get-same", About: "GET one partner, the same id again (cache hit)",
			Tree: Branch, Cache: true, Requests: []Request{carrierxGetPartner("{same}")}},
		{Name: "get-random", About: "GET one partner, random ids of the branch, cache on",
			Tree: Branch, Cache: true, Requests: []Request{carrierxGetPartner("{sid}")}},
		{Name: "write-mix", About: "95% GET random id, 5% PATCH (city) of a random partner of the branch, cache on",
			Tree: Branch, Cache: true, Requests: []Request{
				share(95, carrierxGetPartner("{sid}")),
				share(5, carrierxPatchCity),
			}},
		{Name: "api-v1-get-basic", About: "/api/v1: GET one partner, random ids of the branch, Basic (cached verification), cache on",
			Tree: Branch, Cache: true, Basic: true, Requests: []Request{bluefinGetPartner}},
		{Name: "api-v1-page-branch", About: "/api/v1: GET /partners?partner=<branch>&take=100, the branch's first 100 with its total, Basic, cache on",
			Tree: Branch, Cache: true, Basic: true, Requests: []Request{bluefinBranchPage}},
		{Name: "v2-requests-100", About: "/api/v2: the branch partner's incoming change requests, a 100-item page of 120, newest first",
			Tree: Branch, Cache: true, Requests: []Request{dialog360RequestPage}},
		{Name: "v2-get-client", About: "/api/v2: GET one client of the branch partner",
			Tree: Branch, Cache: true, Requests: []Request{dialog360GetClient}},
		{Name: "v2-clients-page", About: "/api/v2: the branch partner's clients, all 20 in one page",
			Tree: Branch, Cache: true, Requests: []Request{dialog360ClientPage}},
		{Name: "get-random-uncached", About: "GET one partner, random ids of the branch, cache off",
			Tree: Branch, Cache: false, Requests: []Request{carrierxGetPartner("{sid}")}},
		{Name: "page-usa-uncached", About: `100-row page of the branch, country_code eq "USA", order=name, exact total, cache off`,
			Tree: Branch, Cache: false, Requests: []Request{carrierxUSAPage}},
		{Name: "api-v1-get-uncached", About: "/api/v1: GET one partner, random ids of the branch, Basic (cached verification), cache off",
			Tree: Branch, Cache: false, Basic: true, Requests: []Request{bluefinGetPartner}},
		{Name: "v2-get-client-uncached", About: "/api/v2: GET one client of the branch partner, cache off",
			Tree: Branch, Cache: false, Requests: []Request{dialog360GetClient}},
		{Name: "v2-requests-100-uncached", About: "/api/v2: the branch partner's incoming change requests, a 100-item page of 120, cache off",
			Tree: Branch, Cache: false, Requests: []Request{dialog360RequestPage}},
		{Name: "tree-get-random", About: "GET one partner, random ids over the whole big tree (root's token), cache on",
			Tree: Whole, Cache: true, Requests: []Request{carrierxGetPartner("{sid}")}},
		{Name: "tree-page-usa-uncached", About: `the root's 100-row page over the whole big tree, country_code eq "USA", order=name, cache off`,
			Tree: Whole, Cache: false, Requests: []Request{carrierxUSAPage}},
	}
}

// SelectScenarios returns the scenarios of all named in the
// comma-separated list, in the order of all (every one for ""), or the
// first name that matches none.
func SelectScenarios(all []Scenario, names string) ([]Scenario, string) {
	if strings.TrimSpace(names) == "" {
		return all, ""
	}
	want := map[string]bool{}
	for _, n := range strings.Split(names, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want[n] = true
		}
	}
	var out []Scenario
	for _, s := range all {
		if want[s.Name] {
			out = append(out, s)
			delete(want, s.Name)
		}
	}
	for n := range want {
		return nil, n
	}
	return out, ""
}

func share(n int, r Request) Request {
	r.Share = n
	return r
}

// query encodes name/value pairs in the given order, spaces as %20.
func query(pairs ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(pairs[i]))
		b.WriteByte('=')
		b.WriteString(strings.ReplaceAll(url.QueryEscape(pairs[i+1]), "+", "%20"))
	}
	return b.String()
}
