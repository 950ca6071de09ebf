package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// bulkLoader is the bulk path of `partnerhub seed`, where the store has
// one (the SQL stores).
type bulkLoader interface {
	ReservePartnerIDs(ctx context.Context, n int64) (int64, error)
	BulkInsertPartners(ctx context.Context, ps []hub.Partner) error
}

// testRootCountryTotals checks the total of the root's list filtered by
// one country (a store may keep it apart, per country, for the whole
// tree) against the same list's count with a second condition that
// matches every row (which no store answers from a kept count), after
// inserts, country changes, moves, deletes and bulk inserts; also a
// country no partner has any more, and one no partner ever had.
func testRootCountryTotals(t *testing.T, f *fixture) {
	countries := []string{"USA", "CAN", "MEX", "GBR", ""}
	check := func(when string) {
		t.Helper()
		for _, c := range countries {
			eq := fmt.Sprintf(`country_code eq %q`, c)
			page, err := f.svc.ListPartners(f.ctx, f.sys, hub.PartnerKey{}, hub.ListQuery{Filter: mustParse(t, eq), Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			all, err := f.svc.ListPartners(f.ctx, f.sys, hub.PartnerKey{}, hub.ListQuery{Filter: mustParse(t, eq+` and depth ge 0`), Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != all.Total {
				t.Fatalf("%s: root's total of %s is %d, a count gives %d", when, eq, page.Total, all.Total)
			}
		}
	}
	check("root only")

	a := f.child(t, f.root, "A")
	b := f.child(t, f.root, "B")
	var made []*hub.Partner
	for i := range 12 {
		parent := []*hub.Partner{a, b}[i%2]
		p, err := f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: fmt.Sprintf("P%02d", i), ParentID: parent.ID,
			CountryCode: countries[i%3]})
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, p)
	}
	check("after inserts")

	// Country changes, and an update that keeps the country.
	for _, p := range made[:4] {
		if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: p.ID}, 0, func(q *hub.Partner) error {
			q.CountryCode = "GBR"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: made[5].ID}, 0, func(q *hub.Partner) error {
		q.City = "Elsewhere"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	check("after country changes")

	// A move carries a subtree's partners to another branch.
	if _, err := f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}, a.ID, 0); err != nil {
		t.Fatal(err)
	}
	check("after a move")

	// Every GBR partner goes: its count falls to 0.
	for _, p := range made[:4] {
		if err := f.svc.DeletePartner(f.ctx, f.sys, hub.PartnerKey{ID: p.ID}); err != nil {
			t.Fatal(err)
		}
	}
	check("after deletes")

	bulk, ok := f.svc.Store().(bulkLoader)
	if !ok {
		return
	}
	const n = 30
	first, err := bulk.ReservePartnerIDs(f.ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	ps := make([]hub.Partner, n)
	for i := range ps {
		id := first + int64(i)
		ps[i] = hub.Partner{ID: id, SID: hub.NewSID(), Ref: hub.NewRef(hub.PartnerRefSuffix), ParentID: a.ID, ParentSID: a.SID,
			Path: hub.ChildPath(a.Path, id), Depth: a.Depth + 1, Name: fmt.Sprintf("Bulk %d", i), Status: f.root.Status,
			Version: 1, CountryCode: countries[i%4], CreatedAt: now, ModifiedAt: now}
	}
	if err := bulk.BulkInsertPartners(f.ctx, ps); err != nil {
		t.Fatal(err)
	}
	check("after a bulk insert")
}
