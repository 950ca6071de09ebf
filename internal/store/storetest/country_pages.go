package storetest

import (
	"fmt"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testCountryPages checks the pages of "country_code eq X" ordered by
// contact name, the shape a store may count from an index and read by
// walking an index in order (skipping the country's partners outside the
// caller's subtree): every page, by offset and by cursor both ways, in
// both directions, holds exactly the rows the unfiltered list orders that
// way, with the exact total, also when most of the country lies outside
// the subtree and when the matches are many pages' worth.
func testCountryPages(t *testing.T, f *fixture) {
	top, pr := listFixture(t, f, 60) // 20 of each country under L
	other := f.child(t, f.root, "elsewhere")
	for i := range 45 {
		in := &hub.Partner{Name: fmt.Sprintf("Other %02d", i), ContactName: []string{"alice", "Alice", "BOB", "carol", "Zed"}[i%5],
			ParentID: other.ID, CountryCode: "USA"}
		if _, err := f.svc.CreatePartner(f.ctx, f.sys, in); err != nil {
			t.Fatal(err)
		}
	}
	expr := mustParse(t, `country_code eq USA`)
	orders := [][]hub.OrderTerm{{{Field: "contact_name"}}, {{Field: "contact_name", Desc: true}}, {{Field: "name"}}, nil}
	for _, who := range []hub.Principal{pr, f.sys} {
		for _, order := range orders {
			want := f.orderedIDs(t, who, order, func(p hub.Partner) bool { return p.CountryCode == "USA" })
			if n := map[int64]int{top.ID: 20, f.root.ID: 65}[who.PartnerID]; len(want) != n {
				t.Fatalf("fixture: %d partners of USA seen by %d, want %d", len(want), who.PartnerID, n)
			}
			for _, limit := range []int{1, 2, 7} {
				what := fmt.Sprintf("as %d, order %v, limit %d", who.PartnerID, order, limit)
				list := func(q hub.ListQuery) hub.Page[hub.Partner] {
					t.Helper()
					q.Filter, q.Order, q.Limit = expr, order, limit
					page, err := f.svc.ListPartners(f.ctx, who, hub.PartnerKey{}, q)
					if err != nil {
						t.Fatal(err)
					}
					if page.Total != int64(len(want)) {
						t.Fatalf("%s %+v: total %d, want %d", what, q, page.Total, len(want))
					}
					return page
				}
				checkWalks(t, what, want, limit, list)
			}
		}
	}
}
