package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/seed"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

func BenchmarkSQLite(b *testing.B)   { benchStore(b, openSQLite(b)) }
func BenchmarkPostgres(b *testing.B) { benchStore(b, openPostgres(b)) }

// benchStore seeds one tree (outside every timed loop) and measures the
// store's hot paths on it.
func benchStore(b *testing.B, db *store.DB) {
	ctx := context.Background()
	svc := hub.NewService(db, hub.DefaultMaxDepth)
	n := testdb.BenchPartners(b)
	res, err := seed.Run(ctx, db, svc, seed.Config{Partners: n, Depth: 30, Fanout: 10}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: seeded %d partners in %s (%.0f partners/s)", db.Dialect(), res.Partners, res.Elapsed, float64(res.Partners)/res.Elapsed.Seconds())
	root := res.Root
	sys := hub.SystemPrincipal(root, "bench")
	depth1, depth30 := res.Spine[0], res.Spine[29]

	for _, tc := range []struct {
		name string
		id   int64
	}{{"InSubtree/depth=1", depth1}, {"InSubtree/depth=30", depth30}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				ok, err := db.InSubtree(ctx, tc.id, root.Path)
				if err != nil || !ok {
					b.Fatalf("in subtree: %v %v", ok, err)
				}
			}
		})
	}
	b.Run("GetByID", func(b *testing.B) {
		i := int64(0)
		for b.Loop() {
			i++
			if _, err := db.Partner(ctx, hub.PartnerKey{ID: depth1 + i%n}); err != nil {
				b.Fatal(err)
			}
		}
	})
	f, err := filter.Parse(`country_code eq USA and attributes.tier eq gold`)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("FilteredPage100", func(b *testing.B) {
		for b.Loop() {
			page, err := svc.ListPartners(ctx, sys, hub.PartnerKey{}, hub.ListQuery{Filter: f, Limit: 100})
			if err != nil || int64(len(page.Items)) != min(100, page.Total) {
				b.Fatalf("page: %d items of %d, %v", len(page.Items), page.Total, err)
			}
		}
	})
	// The first breadth-first child of the root holds about a tenth of the
	// tree; it moves back and forth between the root and the spine's top.
	kids, err := svc.ListPartners(ctx, sys, hub.PartnerKey{}, hub.ListQuery{Filter: mustFilter(b, fmt.Sprintf("parent_id eq %d and id ne %d", root.ID, depth1)), Limit: 1})
	if err != nil || len(kids.Items) == 0 {
		b.Fatalf("find a subtree to move: %v", err)
	}
	moving := kids.Items[0]
	size, err := svc.ListPartners(ctx, sys, hub.PartnerKey{ID: moving.ID}, hub.ListQuery{Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	// The harness's page: one country of a branch (a tenth of the tree)
	// and of the whole tree, by contact name, with the exact total.
	usa := mustFilter(b, `country_code eq USA`)
	byName := []hub.OrderTerm{{Field: "contact_name"}}
	for _, tc := range []struct {
		name string
		key  hub.PartnerKey
	}{{"BranchPageUSAByName", hub.PartnerKey{ID: moving.ID}}, {"RootPageUSAByName", hub.PartnerKey{}}, {"BranchDefaultPage", hub.PartnerKey{ID: moving.ID}}} {
		q := hub.ListQuery{Filter: usa, Order: byName, Limit: 100}
		if tc.name == "BranchDefaultPage" {
			q = hub.ListQuery{Limit: 100}
		}
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				page, err := svc.ListPartners(ctx, sys, tc.key, q)
				if err != nil || len(page.Items) != 100 {
					b.Fatalf("page: %d items of %d, %v", len(page.Items), page.Total, err)
				}
			}
		})
	}
	b.Run(fmt.Sprintf("MoveSubtree/nodes=%d", size.Total), func(b *testing.B) {
		parents := []int64{depth1, root.ID}
		i := 0
		for b.Loop() {
			if _, err := svc.MovePartner(ctx, sys, hub.PartnerKey{ID: moving.ID}, parents[i%2], 0); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

func mustFilter(b *testing.B, s string) filter.Expr {
	e, err := filter.Parse(s)
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkSeedSQLite measures the bulk loader: partners per second into a
// fresh SQLite database, 10,000 partners per iteration.
func BenchmarkSeedSQLite(b *testing.B) { benchSeed(b, openSQLite) }

// BenchmarkSeedPostgres is BenchmarkSeedSQLite on PostgreSQL.
func BenchmarkSeedPostgres(b *testing.B) { benchSeed(b, openPostgres) }

func benchSeed(b *testing.B, open func(testing.TB) *store.DB) {
	const per = 10_000
	var total int64
	for b.Loop() {
		b.StopTimer()
		db := open(b)
		svc := hub.NewService(db, hub.DefaultMaxDepth)
		b.StartTimer()
		res, err := seed.Run(context.Background(), db, svc, seed.Config{Partners: per, Depth: 30, Fanout: 10}, nil)
		if err != nil {
			b.Fatal(err)
		}
		total += res.Partners
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "partners/s")
}
