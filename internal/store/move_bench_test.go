package store_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/seed"
	"github.com/partnerhub/partnerhub/internal/store"
)

// BenchmarkMoveSQLite and BenchmarkMovePostgres measure reparenting
// (hub.Service.MovePartner, one transaction) of an 11,111-node and a
// 100,000-node subtree. The tree is built outside the timed loops: seed's
// 99,999 partners (depth 30, fanout 10; the first breadth-first child of
// the root then holds 11,111 partners), then everything the seed put under
// the root is moved under a new partner A, whose subtree so holds 100,000
// partners. Each iteration moves a subtree to the other of two parents and
// back is the next iteration: the tree is the same at every other step.
//
//	go test -run '^$' -bench 'BenchmarkMove(SQLite|Postgres)$' -benchtime 10x ./internal/store/
func BenchmarkMoveSQLite(b *testing.B)   { benchMove(b, openSQLite(b)) }
func BenchmarkMovePostgres(b *testing.B) { benchMove(b, openPostgres(b)) }

func benchMove(b *testing.B, db *store.DB) {
	ctx := context.Background()
	svc := hub.NewService(db, hub.DefaultMaxDepth)
	res, err := seed.Run(ctx, db, svc, seed.Config{Partners: 99_999, Depth: 30, Fanout: 10}, nil)
	if err != nil {
		b.Fatal(err)
	}
	root := res.Root
	sys := hub.SystemPrincipal(root, "bench")
	kids, err := svc.ListPartners(ctx, sys, hub.PartnerKey{}, hub.ListQuery{Filter: mustFilter(b, fmt.Sprintf("parent_id eq %d", root.ID)), Limit: 100})
	if err != nil {
		b.Fatal(err)
	}
	create := func(name string) *hub.Partner {
		p, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: name, ParentID: root.ID})
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	a, other := create("A"), create("B")
	var small *hub.Partner // the first breadth-first child: 11,111 partners
	for _, k := range kids.Items {
		if small == nil && k.ID != res.Spine[0] {
			small = &k
		}
		if _, err := svc.MovePartner(ctx, sys, hub.PartnerKey{ID: k.ID}, a.ID, 0); err != nil {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		node             *hub.Partner
		parents          [2]int64
		wantSubtreeNodes int64
	}{
		{small, [2]int64{other.ID, a.ID}, 11_111},
		{a, [2]int64{other.ID, root.ID}, 100_000},
	} {
		size, err := svc.ListPartners(ctx, sys, hub.PartnerKey{ID: tc.node.ID}, hub.ListQuery{Limit: 1})
		if err != nil {
			b.Fatal(err)
		}
		if size.Total != tc.wantSubtreeNodes {
			b.Fatalf("subtree of %s holds %d partners; want %d", tc.node.Name, size.Total, tc.wantSubtreeNodes)
		}
		b.Run(fmt.Sprintf("nodes=%d", size.Total), func(b *testing.B) {
			i, cpu0 := 0, processCPU()
			for b.Loop() {
				if _, err := svc.MovePartner(ctx, sys, hub.PartnerKey{ID: tc.node.ID}, tc.parents[i%2], 0); err != nil {
					b.Fatal(err)
				}
				i++
			}
			// The machine may be shared: CPU time is steadier than wall time.
			b.ReportMetric(float64(processCPU()-cpu0)/float64(time.Millisecond)/float64(i), "cpu-ms/op")
			if i%2 == 1 { // leave the tree as it was for the next case
				if _, err := svc.MovePartner(ctx, sys, hub.PartnerKey{ID: tc.node.ID}, tc.parents[1], 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// processCPU is the user and system CPU time the process has used (on
// PostgreSQL the server's share is not in it).
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
