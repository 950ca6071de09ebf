package readcache_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// replica is one process's view of a shared PostgreSQL database: its own
// connections, cache and change feed, as `partnerhub serve` wires them.
func replica(t *testing.T, url, origin string) (*readcache.Store, *hub.Service) {
	t.Helper()
	db := testdb.OpenPostgres(t, url)
	c := readcache.New(db, readcache.Options{TTL: time.Hour, Publish: func(ctx context.Context) {
		if err := db.PublishChange(ctx, origin); err != nil {
			t.Errorf("publish: %v", err)
		}
	}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = db.WatchChanges(ctx, origin, c.Invalidate) }()
	t.Cleanup(func() { cancel(); <-done })
	return c, hub.NewService(c, hub.DefaultMaxDepth)
}

// A write on one replica reaches the other replicas' caches through the
// change feed, long before the (here: one hour) TTL.
func TestChangeFeedAcrossReplicas(t *testing.T) {
	url := testdb.PostgresSchemaURL(t)
	ctx := context.Background()
	_, a := replica(t, url, "replica-a")
	_, b := replica(t, url, "replica-b")
	root, err := a.CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatal(err)
	}
	sys := hub.SystemPrincipal(root, "test")
	p, err := a.CreatePartner(ctx, sys, &hub.Partner{Name: "before", ParentID: root.ID})
	if err != nil {
		t.Fatal(err)
	}
	// b may have invalidated when its listener connected; wait until it
	// serves "before" from its cache.
	read := func() string {
		got, err := b.Partner(ctx, sys, hub.PartnerKey{SID: p.SID})
		if err != nil {
			t.Fatal(err)
		}
		return got.Name
	}
	if got := read(); got != "before" {
		t.Fatalf("b reads %q", got)
	}
	if _, err := a.UpdatePartner(ctx, sys, hub.PartnerKey{ID: p.ID}, 0, func(p *hub.Partner) error {
		p.Name = "after"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for read() != "after" {
		if time.Now().After(deadline) {
			t.Fatal("replica b still serves the old name 10s after replica a's write")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
