package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestListPagesShareStatements checks that on SQLite the pages of one list
// shape, at any offset, run one cached prepared statement.
func TestListPagesShareStatements(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := hub.NewService(db, hub.DefaultMaxDepth)
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatal(err)
	}
	sys := hub.SystemPrincipal(root, "test")
	for i := range 12 {
		if _, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "P", ParentID: root.ID, CountryCode: []string{"USA", "CAN"}[i%2]}); err != nil {
			t.Fatal(err)
		}
	}
	cache := db.q.(*stmtCache)
	cached := func() int {
		cache.mu.RLock()
		defer cache.mu.RUnlock()
		return len(cache.stmts)
	}
	for _, expr := range []string{"", "country_code eq USA"} {
		var f filter.Expr
		if expr != "" {
			if f, err = filter.Parse(expr); err != nil {
				t.Fatal(err)
			}
		}
		var before int
		for off := 0; off < 6; off++ { // every page holds a row
			page, err := svc.ListPartners(ctx, sys, hub.PartnerKey{}, hub.ListQuery{Filter: f, Limit: 2 + off%2, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]int64{"": 13, "country_code eq USA": 6}[expr]; page.Total != want {
				t.Fatalf("%q: total %d, want %d", expr, page.Total, want)
			}
			if off == 0 {
				before = cached()
			} else if n := cached(); n != before {
				t.Fatalf("%q offset %d: %d cached statements, %d after the first page", expr, off, n, before)
			}
		}
	}
}
