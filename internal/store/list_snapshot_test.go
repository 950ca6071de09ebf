package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

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
	// One partner created between the count and the page of each list:
	// the branch's (counted over the index) and the root's (read from
	// partner_country_counts).
	created, listed := 0, 0
	restore := store.SetAfterListCount(func() {
		if created < listed {
			created++
			create(100 + created)
		}
	})
	defer restore()
	for _, path := range []string{branch.Path, root.Path} {
		listed++
		page, err := db.ListPartners(ctx, path, hub.ListQuery{Limit: 100, Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(page.Items)) != page.Total {
			t.Errorf("list of %s: total %d, %d rows on its only page", path, page.Total, len(page.Items))
		}
	}
	if created != 2 {
		t.Fatalf("the hook created %d partners, want 2 (one per list): a count was not apart", created)
	}
}

// TestListsHoldingEveryReadConnection: as many lists as the SQLite read
// pool has connections, each inside its read transaction before any has
// read (their statement texts not prepared yet), all complete: none waits
// for a second connection to prepare a statement while holding its own.
func TestListsHoldingEveryReadConnection(t *testing.T) {
	const conns = 2
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"), store.Options{ReadConns: conns})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := hub.NewService(db, 8)
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root", CountryCode: "USA"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := filter.Parse(`country_code eq "USA"`)
	if err != nil {
		t.Fatal(err)
	}
	var begun atomic.Int32
	all := make(chan struct{})
	restore := store.SetAfterListBegin(func() {
		if begun.Add(1) == conns {
			close(all) // every read connection is now held by a list
		}
		select {
		case <-all:
		case <-time.After(10 * time.Second): // a list failed to begin: go on
		}
	})
	defer restore()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	errs := make(chan error, conns)
	for range conns {
		go func() {
			page, err := db.ListPartners(ctx, root.Path, hub.ListQuery{Limit: 10, Filter: f})
			if err == nil && page.Total != 1 {
				err = fmt.Errorf("total %d, want 1", page.Total)
			}
			errs <- err
		}()
	}
	for range conns {
		if err := <-errs; err != nil {
			t.Errorf("a list holding a read connection: %v", err)
		}
	}
}
