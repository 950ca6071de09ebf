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
		hash := hub.HashSecret(issued.Access)
		checkCombinedReadCachesBoth(t, c, svc, sys,
			func(key hub.PartnerKey) (*hub.Partner, error) {
				p, creds, err := c.PartnerWithTokenCredentials(ctx, key, hash)
				if err == nil && creds.Token.ID != issued.Token.ID {
					t.Fatalf("combined read: token %+v, want %+v", creds.Token, issued.Token)
				}
				return p, err
			},
			func() error { _, err := c.TokenCredentials(ctx, hash); return err })
	})
}

// The combined read of a user and a partner caches both objects as the
// token's does.
func TestCombinedUserReadCachesBoth(t *testing.T) {
	forEngines(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		_, c, svc, sys := setup(t, open, readcache.Options{TTL: time.Hour})
		userID := adminToken(t, svc, sys).Token.UserID
		checkCombinedReadCachesBoth(t, c, svc, sys,
			func(key hub.PartnerKey) (*hub.Partner, error) {
				p, u, err := c.PartnerWithUser(ctx, key, userID)
				if err == nil && u.ID != userID {
					t.Fatalf("combined read: user %d, want %d", u.ID, userID)
				}
				return p, err
			},
			func() error { _, err := c.User(ctx, userID); return err })
	})
}

// checkCombinedReadCachesBoth checks a combined read (of a partner and
// another object, which other reads alone) against the cache's counts:
// two misses, then hits for both; after a write, two misses again and the
// write seen; with the other object cached, a hit for it and a miss for a
// new partner.
func checkCombinedReadCachesBoth(t *testing.T, c *readcache.Store, svc *hub.Service, sys hub.Principal,
	combined func(hub.PartnerKey) (*hub.Partner, error), other func() error) {
	t.Helper()
	ctx := context.Background()
	a, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "A", ParentID: sys.PartnerID})
	if err != nil {
		t.Fatal(err)
	}
	key := hub.PartnerKey{SID: a.SID}

	h0, m0 := c.Stats()
	p, err := combined(key)
	if err != nil || p.ID != a.ID {
		t.Fatalf("combined read: %+v %v", p, err)
	}
	h1, m1 := c.Stats()
	if h1 != h0 || m1-m0 != 2 {
		t.Fatalf("combined read of two uncached objects: %d hits, %d misses; want 0, 2", h1-h0, m1-m0)
	}
	if _, err := c.Partner(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := other(); err != nil {
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
	p, err = combined(key)
	if err != nil || p.City != "Later" {
		t.Fatalf("combined read after a write: %+v %v", p, err)
	}
	h3, m3 := c.Stats()
	if h3 != h2 || m3-m2 != 2 {
		t.Fatalf("combined read after a write: %d hits, %d misses; want 0, 2", h3-h2, m3-m2)
	}

	// With the other object cached, another partner is read on its own.
	b, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "B", ParentID: sys.PartnerID})
	if err != nil {
		t.Fatal(err)
	}
	if err := other(); err != nil {
		t.Fatal(err)
	}
	h3, m3 = c.Stats()
	p, err = combined(hub.PartnerKey{SID: b.SID})
	if err != nil || p.ID != b.ID {
		t.Fatalf("combined read of B: %+v %v", p, err)
	}
	h4, m4 := c.Stats()
	if h4-h3 != 1 || m4-m3 != 1 {
		t.Fatalf("combined read with the other object cached: %d hits, %d misses; want 1 (it), 1 (the partner)", h4-h3, m4-m3)
	}
}
