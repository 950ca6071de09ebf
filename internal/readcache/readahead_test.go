package readcache_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/store"
)

// The combined read of a token's credentials and a partner caches both
// objects: the next reads of either are hits. When one of them is cached,
// each is read through its own cached read.
func TestCombinedReadCachesBoth(t *testing.T) {
	forEngines(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		_, c, svc, sys := setup(t, open, readcache.Options{TTL: time.Hour})
		issued := adminToken(t, svc, sys)
		a, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "A", ParentID: sys.PartnerID})
		if err != nil {
			t.Fatal(err)
		}
		hash, key := hub.HashSecret(issued.Access), hub.PartnerKey{SID: a.SID}

		h0, m0 := c.Stats()
		p, creds, err := c.PartnerWithTokenCredentials(ctx, key, hash)
		if err != nil || p.ID != a.ID || creds.Token.ID != issued.Token.ID {
			t.Fatalf("combined read: %+v %+v %v", p, creds, err)
		}
		h1, m1 := c.Stats()
		if h1 != h0 || m1-m0 != 2 {
			t.Fatalf("combined read of two uncached objects: %d hits, %d misses; want 0, 2", h1-h0, m1-m0)
		}
		if _, err := c.Partner(ctx, key); err != nil {
			t.Fatal(err)
		}
		if _, err := c.TokenCredentials(ctx, hash); err != nil {
			t.Fatal(err)
		}
		h2, m2 := c.Stats()
		if h2-h1 != 2 || m2 != m1 {
			t.Fatalf("reads after the combined read: %d hits, %d misses; want 2, 0", h2-h1, m2-m1)
		}

		// A write to a partner voids the cache: the next combined read is
		// one read again, and sees the write.
		if _, err := svc.UpdatePartner(ctx, sys, key, 0, func(p *hub.Partner) error { p.City = "Later"; return nil }); err != nil {
			t.Fatal(err)
		}
		h2, m2 = c.Stats()
		p, _, err = c.PartnerWithTokenCredentials(ctx, key, hash)
		if err != nil || p.City != "Later" {
			t.Fatalf("combined read after a write: %+v %v", p, err)
		}
		h3, m3 := c.Stats()
		if h3 != h2 || m3-m2 != 2 {
			t.Fatalf("combined read after a write: %d hits, %d misses; want 0, 2", h3-h2, m3-m2)
		}

		// With the token cached, another partner is read on its own.
		b, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "B", ParentID: sys.PartnerID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.TokenCredentials(ctx, hash); err != nil {
			t.Fatal(err)
		}
		h3, m3 = c.Stats()
		p, _, err = c.PartnerWithTokenCredentials(ctx, hub.PartnerKey{SID: b.SID}, hash)
		if err != nil || p.ID != b.ID {
			t.Fatalf("combined read of B: %+v %v", p, err)
		}
		h4, m4 := c.Stats()
		if h4-h3 != 1 || m4-m3 != 1 {
			t.Fatalf("combined read with the token cached: %d hits, %d misses; want 1 (the token), 1 (the partner)", h4-h3, m4-m3)
		}
	})
}

// The combined read of a user and a partner caches both objects as the
// token's does; with the user cached, a partner is read on its own.
func TestCombinedUserReadCachesBoth(t *testing.T) {
	forEngines(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		_, c, svc, sys := setup(t, open, readcache.Options{TTL: time.Hour})
		userID := adminToken(t, svc, sys).Token.UserID
		a, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "A", ParentID: sys.PartnerID})
		if err != nil {
			t.Fatal(err)
		}
		key := hub.PartnerKey{ID: a.ID}

		h0, m0 := c.Stats()
		p, u, err := c.PartnerWithUser(ctx, key, userID)
		if err != nil || p.ID != a.ID || u.ID != userID {
			t.Fatalf("combined read: %+v %+v %v", p, u, err)
		}
		h1, m1 := c.Stats()
		if h1 != h0 || m1-m0 != 2 {
			t.Fatalf("combined read of two uncached objects: %d hits, %d misses; want 0, 2", h1-h0, m1-m0)
		}
		if _, err := c.Partner(ctx, key); err != nil {
			t.Fatal(err)
		}
		if _, err := c.User(ctx, userID); err != nil {
			t.Fatal(err)
		}
		h2, m2 := c.Stats()
		if h2-h1 != 2 || m2 != m1 {
			t.Fatalf("reads after the combined read: %d hits, %d misses; want 2, 0", h2-h1, m2-m1)
		}

		b, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "B", ParentID: sys.PartnerID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.User(ctx, userID); err != nil {
			t.Fatal(err)
		}
		h3, m3 := c.Stats()
		p, _, err = c.PartnerWithUser(ctx, hub.PartnerKey{ID: b.ID}, userID)
		if err != nil || p.ID != b.ID {
			t.Fatalf("combined read of B: %+v %v", p, err)
		}
		h4, m4 := c.Stats()
		if h4-h3 != 1 || m4-m3 != 1 {
			t.Fatalf("combined read with the user cached: %d hits, %d misses; want 1 (the user), 1 (the partner)", h4-h3, m4-m3)
		}
	})
}
