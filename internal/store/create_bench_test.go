package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
)

// BenchmarkCreateParallelSQLite measures concurrent partner creation
// under the root, all of one country or spread over eight: each insert
// updates its country's row of partner_country_counts (migration 00019)
// in its transaction, so writers of one country meet on that row.
func BenchmarkCreateParallelSQLite(b *testing.B) { benchCreateParallel(b, openSQLite(b)) }

// BenchmarkCreateParallelPostgres is BenchmarkCreateParallelSQLite on
// PostgreSQL, where the writers of one country wait for each other's
// commit on their country's row.
func BenchmarkCreateParallelPostgres(b *testing.B) { benchCreateParallel(b, openPostgres(b)) }

func benchCreateParallel(b *testing.B, db *store.DB) {
	ctx := context.Background()
	svc := hub.NewService(db, hub.DefaultMaxDepth)
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		b.Fatal(err)
	}
	sys := hub.SystemPrincipal(root, "bench")
	all := []string{"USA", "CAN", "MEX", "GBR", "FRA", "DEU", "ITA", "ESP"}
	var seq atomic.Int64
	for _, tc := range []struct {
		name      string
		countries []string
	}{{"OneCountry", all[:1]}, {"EightCountries", all}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetParallelism(4) // 8 writers on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := seq.Add(1)
					in := &hub.Partner{Name: fmt.Sprintf("P%d", i), ParentID: root.ID, CountryCode: tc.countries[int(i)%len(tc.countries)]}
					if _, err := svc.CreatePartner(ctx, sys, in); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
