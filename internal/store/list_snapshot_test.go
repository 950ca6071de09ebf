package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// TestListTotalAndPageReadOneSnapshot: a partner created between a
// list's count and its page (where SQLite counts apart) shows in neither,
// so the total agrees with the rows of a last page. PostgreSQL folds the
// count into the page's statement and never runs the hook.
func TestListTotalAndPageReadOneSnapshot(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	svc := hub.NewService(db, 8)
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root", CountryCode: "USA"})
	if err != nil {
		t.Fatal(err)
	}
	sys := hub.SystemPrincipal(root, "test")
	branch, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "Branch", ParentID: root.ID, CountryCode: "GBR"})
	if err != nil {
		t.Fatal(err)
	}
	create := func(i int) {
		if _, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: fmt.Sprintf("p%d", i), ParentID: branch.ID, CountryCode: "CAN"}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		create(i)
	}
	f, err := filter.Parse(`country_code eq "CAN"`)
	if err != nil {
		t.Fatal(err)
	}
	created := 0
	restore := store.SetAfterListCount(func() {
		if created == 0 {
			created++
			create(100)
		}
	})
	defer restore()
	for _, path := range []string{branch.Path, root.Path} {
		page, err := db.ListPartners(ctx, path, hub.ListQuery{Limit: 100, Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(page.Items)) != page.Total {
			t.Errorf("list of %s: total %d, %d rows on its only page", path, page.Total, len(page.Items))
		}
	}
	if created != 1 {
		t.Fatalf("the hook created %d partners, want 1: the count was not apart", created)
	}
}
