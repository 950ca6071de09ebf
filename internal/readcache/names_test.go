package readcache_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/store"
)

// TestNamesCachedAndInvalidated: partner and client names are answered
// from the cache once read (no query: the hit counter moves, not the miss
// counter), a rename through the cached service is seen at once, and an
// id that names nothing is never cached.
func TestNamesCachedAndInvalidated(t *testing.T) {
	forEngines(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		_, c, svc, sys := setup(t, open, readcache.Options{TTL: time.Hour})
		a, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "A", ParentID: sys.PartnerID})
		if err != nil {
			t.Fatal(err)
		}
		cl, err := svc.CreateClient(ctx, sys, &hub.Client{Name: "Shop", PartnerID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{a.ID, sys.PartnerID, a.ID, 1 << 40}
		names, err := svc.PartnerNames(ctx, ids)
		if err != nil || len(names) != 2 || names[a.ID] != "A" || names[sys.PartnerID] != "Root" {
			t.Fatalf("names %v %v", names, err)
		}
		hits, misses := c.Stats()
		if names, err = svc.PartnerNames(ctx, ids[:2]); err != nil || names[a.ID] != "A" {
			t.Fatalf("again: %v %v", names, err)
		}
		if h, m := c.Stats(); h-hits != 2 || m != misses {
			t.Fatalf("the second read: %d hits and %d misses; want 2 hits, no miss", h-hits, m-misses)
		}
		if _, err := svc.UpdatePartner(ctx, sys, hub.PartnerKey{ID: a.ID}, 0, func(p *hub.Partner) error { p.Name = "A2"; return nil }); err != nil {
			t.Fatal(err)
		}
		if names, _ = svc.PartnerNames(ctx, ids); names[a.ID] != "A2" {
			t.Fatalf("after a rename: %v", names)
		}
		if cn, err := svc.ClientNames(ctx, []int64{cl.ID, 1 << 40}); err != nil || len(cn) != 1 || cn[cl.ID] != "Shop" {
			t.Fatalf("client names %v %v", cn, err)
		}
		if _, err := svc.UpdateClient(ctx, sys, cl.ID, "", 0, func(c *hub.Client) error { c.Name = "Shop2"; return nil }); err != nil {
			t.Fatal(err)
		}
		if cn, _ := svc.ClientNames(ctx, []int64{cl.ID}); cn[cl.ID] != "Shop2" {
			t.Fatalf("after a client rename: %v", cn)
		}
	})
}
