package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// TestMigration19Backfill: on a tree written before migration 19, the
// migration counts each country's partners, and the root's country totals
// (read from those counts) equal a count of the rows; down and up again
// (down, which drops the table and its triggers, then up) gives the same.
func TestMigration19Backfill(t *testing.T) {
	t.Parallel()
	for _, engine := range testdb.Engines {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := engine.Open(t)
			if err := db.MigrateTo(ctx, 18); err != nil {
				t.Fatal(err)
			}
			svc := hub.NewService(db, 8)
			root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root", CountryCode: "USA"})
			if err != nil {
				t.Fatal(err)
			}
			sys := hub.SystemPrincipal(root, "test")
			for i := range 7 {
				if _, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: fmt.Sprintf("P%d", i), ParentID: root.ID,
					CountryCode: []string{"USA", "CAN"}[i%2]}); err != nil {
					t.Fatal(err)
				}
			}
			check := func(when string) {
				t.Helper()
				for c, want := range map[string]int64{"USA": 5, "CAN": 3, "MEX": 0} {
					page, err := svc.ListPartners(ctx, sys, hub.PartnerKey{}, hub.ListQuery{Filter: parseFilter(t, `country_code eq `+c), Limit: 1})
					if err != nil {
						t.Fatal(err)
					}
					if page.Total != want {
						t.Errorf("%s: total of %s %d, want %d", when, c, page.Total, want)
					}
				}
			}
			// The list code reads the counts table: check at 19 only.
			for i, v := range []int64{19, 18, 19} {
				if err := db.MigrateTo(ctx, v); err != nil {
					t.Fatal(err)
				}
				if v == 19 {
					check(fmt.Sprintf("step %d, at version 19", i))
				}
			}
		})
	}
}
