package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// listFixture builds a subtree "L" of n partners with varied fields and
// returns it with the principal homed there.
func listFixture(t *testing.T, f *fixture, n int) (*hub.Partner, hub.Principal) {
	top := f.child(t, f.root, "L")
	countries := []string{"USA", "CAN", "MEX"}
	for i := range n {
		in := &hub.Partner{
			Name: fmt.Sprintf("Partner %02d", i), ContactName: []string{"alice", "Alice", "BOB"}[i%3],
			ParentID: top.ID, CountryCode: countries[i%3], City: fmt.Sprintf("City %d", i%4),
			Attributes: map[string]string{"tier": []string{"gold", "silver"}[i%2]},
		}
		if _, err := f.svc.CreatePartner(f.ctx, f.sys, in); err != nil {
			t.Fatal(err)
		}
	}
	return top, principal(top)
}

func mustParse(t *testing.T, s string) filter.Expr {
	t.Helper()
	e, err := filter.Parse(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return e
}

func testListSubtree(t *testing.T, f *fixture) {
	top, pr := listFixture(t, f, 5)
	other := f.child(t, f.root, "elsewhere")
	page, err := f.svc.ListPartners(f.ctx, pr, hub.PartnerKey{}, hub.ListQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 6 || len(page.Items) != 6 || page.HasMore {
		t.Fatalf("subtree list: total %d items %d more %v", page.Total, len(page.Items), page.HasMore)
	}
	for _, p := range page.Items {
		if p.ID == other.ID || !strings.HasPrefix(p.Path, top.Path) {
			t.Fatalf("foreign partner %d in the list", p.ID)
		}
	}
}

func testListPages(t *testing.T, f *fixture) {
	_, pr := listFixture(t, f, 23)
	orders := [][]hub.OrderTerm{nil, {{Field: "name", Desc: true}}, {{Field: "country_code"}, {Field: "created_at", Desc: true}}}
	for _, order := range orders {
		full, err := f.svc.ListPartners(f.ctx, pr, hub.PartnerKey{}, hub.ListQuery{Limit: 100, Order: order})
		if err != nil {
			t.Fatal(err)
		}
		want := ids(full.Items)
		for _, limit := range []int{4, 5} {
			list := func(q hub.ListQuery) hub.Page[hub.Partner] {
				t.Helper()
				q.Limit, q.Order = limit, order
				page, err := f.svc.ListPartners(f.ctx, pr, hub.PartnerKey{}, q)
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != 24 {
					t.Fatalf("order %v %+v: total %d, want 24", order, q, page.Total)
				}
				return page
			}
			checkWalks(t, fmt.Sprintf("order %v, limit %d", order, limit), want, limit, list)
		}
	}
	shuffled, err := f.svc.ListPartners(f.ctx, pr, hub.PartnerKey{}, hub.ListQuery{Limit: 100, Shuffle: true})
	if err != nil || len(shuffled.Items) != 24 {
		t.Fatalf("shuffle: %d items, %v", len(shuffled.Items), err)
	}
}

// testFilteredListPages walks filtered lists (of a subtree and of the
// root's whole tree) by offset and by cursor in several orders, and checks
// each page and total against the unfiltered list filtered here.
func testFilteredListPages(t *testing.T, f *fixture) {
	top, pr := listFixture(t, f, 23)
	f.child(t, f.root, "elsewhere")
	filters := []struct {
		expr string
		keep func(p hub.Partner) bool
	}{
		{`attributes.tier eq gold`, func(p hub.Partner) bool { return p.Attributes["tier"] == "gold" }},
		{`country_code ne MEX and attributes.tier eq silver`, func(p hub.Partner) bool {
			return p.CountryCode != "MEX" && p.Attributes["tier"] == "silver"
		}},
		{`country_code eq XYZ`, func(hub.Partner) bool { return false }},
	}
	orders := [][]hub.OrderTerm{nil, {{Field: "name", Desc: true}}, {{Field: "country_code"}, {Field: "created_at", Desc: true}}}
	for _, who := range []hub.Principal{pr, f.sys} {
		for _, fl := range filters {
			expr := mustParse(t, fl.expr)
			for _, order := range orders {
				want := f.orderedIDs(t, who, order, fl.keep)
				if who.PartnerID == top.ID && fl.expr == `attributes.tier eq gold` && len(want) != 12 {
					t.Fatalf("fixture: %d gold partners, want 12", len(want))
				}
				total := int64(len(want))
				check := func(what string, page hub.Page[hub.Partner]) {
					t.Helper()
					if page.Total != total {
						t.Fatalf("%s %q order %v: total %d, want %d", what, fl.expr, order, page.Total, total)
					}
				}
				// One page holding everything, a page of one, and past the end.
				page, err := f.svc.ListPartners(f.ctx, who, hub.PartnerKey{}, hub.ListQuery{Limit: 1000, Filter: expr, Order: order})
				if err != nil {
					t.Fatal(err)
				}
				check("all", page)
				if !slices.Equal(ids(page.Items), want) || page.HasMore {
					t.Fatalf("%q order %v: %v (more %v), want %v", fl.expr, order, ids(page.Items), page.HasMore, want)
				}
				page, err = f.svc.ListPartners(f.ctx, who, hub.PartnerKey{}, hub.ListQuery{Limit: 1, Filter: expr, Order: order})
				if err != nil {
					t.Fatal(err)
				}
				check("limit 1", page)
				if int64(len(page.Items)) != min(total, 1) || page.HasMore != (total > 1) {
					t.Fatalf("limit 1: %d items, more %v", len(page.Items), page.HasMore)
				}
				page, err = f.svc.ListPartners(f.ctx, who, hub.PartnerKey{}, hub.ListQuery{Limit: 5, Offset: len(want) + 3, Filter: expr, Order: order})
				if err != nil {
					t.Fatal(err)
				}
				check("past the end", page)
				if len(page.Items) != 0 || page.HasMore {
					t.Fatalf("past the end: %d items, more %v", len(page.Items), page.HasMore)
				}
				// Offset pages.
				var got []int64
				for off := 0; ; off += 5 {
					page, err := f.svc.ListPartners(f.ctx, who, hub.PartnerKey{}, hub.ListQuery{Limit: 5, Offset: off, Filter: expr, Order: order})
					if err != nil {
						t.Fatal(err)
					}
					check("offset", page)
					got = append(got, ids(page.Items)...)
					if !page.HasMore {
						break
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%q order %v: offset walk %v, want %v", fl.expr, order, got, want)
				}
				if len(want) == 0 {
					continue
				}
				// Cursor pages forward, then backward from the end; a
				// cursor at either end gives an empty page with the total.
				got = nil
				q := hub.ListQuery{Limit: 4, Filter: expr, Order: order}
				for {
					page, err := f.svc.ListPartners(f.ctx, who, hub.PartnerKey{}, q)
					if err != nil {
						t.Fatal(err)
					}
					check("after", page)
					got = append(got, ids(page.Items)...)
					if !page.HasMore {
						break
					}
					q.After = page.Items[len(page.Items)-1].ID
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%q order %v: cursor walk %v, want %v", fl.expr, order, got, want)
				}
				back := []int64{want[len(want)-1]}
				q = hub.ListQuery{Limit: 4, Filter: expr, Order: order, Before: want[len(want)-1]}
				for {
					page, err := f.svc.ListPartners(f.ctx, who, hub.PartnerKey{}, q)
					if err != nil {
						t.Fatal(err)
					}
					check("before", page)
					back = append(ids(page.Items), back...)
					if !page.HasMore {
						break
					}
					q.Before = page.Items[0].ID
				}
				if !slices.Equal(back, want) {
					t.Fatalf("%q order %v: backward walk %v, want %v", fl.expr, order, back, want)
				}
				for _, q := range []hub.ListQuery{{Limit: 4, Filter: expr, Order: order, After: want[len(want)-1]}, {Limit: 4, Filter: expr, Order: order, Before: want[0]}} {
					page, err := f.svc.ListPartners(f.ctx, who, hub.PartnerKey{}, q)
					if err != nil {
						t.Fatal(err)
					}
					check("cursor at the end", page)
					if len(page.Items) != 0 || page.HasMore {
						t.Fatalf("cursor at the end: %d items, more %v", len(page.Items), page.HasMore)
					}
				}
			}
		}
	}
}

// orderedIDs returns the ids, in order, of the partners who sees (at most
// 1,000) that keep accepts: what a filtered list in that order must yield.
func (f *fixture) orderedIDs(t *testing.T, who hub.Principal, order []hub.OrderTerm, keep func(hub.Partner) bool) []int64 {
	t.Helper()
	full, err := f.svc.ListPartners(f.ctx, who, hub.PartnerKey{}, hub.ListQuery{Limit: 1000, Order: order})
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, p := range full.Items {
		if keep(p) {
			want = append(want, p.ID)
		}
	}
	return want
}

// checkWalks pages through a list that holds want, in order, limit rows a
// page: by offset, by cursor forward, and by cursor backward from its last
// row; each walk must yield want exactly. list reads one page of q (its
// filter, order and limit set by list itself).
func checkWalks(t *testing.T, what string, want []int64, limit int, list func(q hub.ListQuery) hub.Page[hub.Partner]) {
	t.Helper()
	var got []int64
	for off := 0; ; off += limit {
		page := list(hub.ListQuery{Offset: off})
		got = append(got, ids(page.Items)...)
		if !page.HasMore {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s: offset walk %v, want %v", what, got, want)
	}
	got = nil
	for q := (hub.ListQuery{}); ; {
		page := list(q)
		got = append(got, ids(page.Items)...)
		if !page.HasMore {
			break
		}
		q.After = page.Items[len(page.Items)-1].ID
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s: cursor walk %v, want %v", what, got, want)
	}
	back := []int64{want[len(want)-1]}
	for q := (hub.ListQuery{Before: want[len(want)-1]}); ; {
		page := list(q)
		back = append(ids(page.Items), back...)
		if !page.HasMore {
			break
		}
		q.Before = page.Items[0].ID
	}
	if !slices.Equal(back, want) {
		t.Fatalf("%s: backward walk %v, want %v", what, back, want)
	}
}

func ids(ps []hub.Partner) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func testListFilters(t *testing.T, f *fixture) {
	_, pr := listFixture(t, f, 12)
	for _, tc := range []struct {
		filter string
		want   int64
	}{
		{`country_code eq USA`, 4},
		{`country_code ne USA`, 9},            // the subtree top has an empty country
		{`country_code in ("USA", "CAN")`, 8}, // 4 + 4
		{`country_code notin (USA)`, 9},
		{`contact_name like 'alice'`, 4},  // case-sensitive: not "Alice"
		{`contact_name ilike 'ALICE'`, 8}, // case-insensitive
		{`contact_name like 'Al%'`, 4},
		{`contact_name ilike 'al%'`, 8},
		{`name like 'Partner 1%'`, 2},
		{`attributes.tier eq gold`, 6},
		{`attributes.tier eq gold and country_code eq USA`, 2},
		{`attributes.tier eq gold or country_code eq CAN`, 8},
		{`not (attributes.tier eq gold)`, 6}, // the top has no tier: NOT NULL is unknown
		{`city eq "City 1"`, 3},
		{`depth gt 1`, 12},
		{`balance eq 0`, 13},
		{`daily_spending_limit ge 500.00`, 13},
		{`id bit 1`, -1}, // checked separately: odd ids
		{`created_at gt 2000-01-01`, 13},
	} {
		page, err := f.svc.ListPartners(f.ctx, pr, hub.PartnerKey{}, hub.ListQuery{Limit: 100, Filter: mustParse(t, tc.filter)})
		if err != nil {
			t.Fatalf("%s: %v", tc.filter, err)
		}
		if tc.want == -1 {
			for _, p := range page.Items {
				if p.ID%2 != 1 {
					t.Fatalf("%s: even id %d", tc.filter, p.ID)
				}
			}
			continue
		}
		if page.Total != tc.want || int64(len(page.Items)) != tc.want {
			t.Fatalf("%s: total %d items %d, want %d", tc.filter, page.Total, len(page.Items), tc.want)
		}
	}
}

func testListErrors(t *testing.T, f *fixture) {
	_, pr := listFixture(t, f, 2)
	for _, q := range []hub.ListQuery{
		{Limit: hub.MaxLimit + 1},
		{Limit: -1},
		{Offset: -1},
		{After: 1, Before: 2},
		{After: 1, Offset: 3},
		{Order: []hub.OrderTerm{{Field: "password_hash"}}},
		{Order: []hub.OrderTerm{{Field: "attributes"}}},
		{Filter: mustParse(t, `password_hash eq x`)},
		{Filter: mustParse(t, `country_code bit 1`)},
		{Filter: mustParse(t, `balance gt lots`)},
		{After: f.root.ID}, // a cursor outside the list
	} {
		_, err := f.svc.ListPartners(f.ctx, pr, hub.PartnerKey{}, q)
		wantKind(t, err, hub.Invalid, fmt.Sprintf("query %+v", q))
	}
}
