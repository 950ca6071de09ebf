package readcache_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// bulkyPartner returns a partner whose attributes make it a few kilobytes,
// so that a byte bound bites long before the count bounds do.
func bulkyPartner(i int, parent int64) *hub.Partner {
	attrs := map[string]string{}
	for j := range 20 {
		attrs[fmt.Sprintf("key%02d", j)] = strings.Repeat("v", 100)
	}
	return &hub.Partner{Name: fmt.Sprint("bulky", i), ParentID: parent, Attributes: attrs}
}

// The cache stays within its byte bound, objects and lists alike, while
// the count bounds are far away.
func TestByteBound(t *testing.T) {
	ctx := context.Background()
	const maxBytes = 64 << 10
	_, c, svc, sys := setup(t, testdb.SQLite, readcache.Options{TTL: time.Hour, MaxBytes: maxBytes})
	var ids []int64
	for i := range 60 {
		p, err := svc.CreatePartner(ctx, sys, bulkyPartner(i, sys.PartnerID))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	for _, id := range ids {
		if _, err := svc.Partner(ctx, sys, hub.PartnerKey{ID: id}); err != nil {
			t.Fatal(err)
		}
		objects, lists := c.Bytes()
		if objects > maxBytes/2 || lists > maxBytes/2 {
			t.Fatalf("after reading partner %d: %d object bytes, %d list bytes; each may hold %d", id, objects, lists, maxBytes/2)
		}
	}
	if n, _ := c.Size(); n == 0 || n >= 60 {
		t.Fatalf("%d objects cached: the byte bound should keep some, not all 60", n)
	}
	for off := range 20 {
		if _, err := svc.ListPartners(ctx, sys, hub.PartnerKey{}, hub.ListQuery{Limit: 2, Offset: off}); err != nil {
			t.Fatal(err)
		}
		if _, lists := c.Bytes(); lists > maxBytes/2 {
			t.Fatalf("%d list bytes; at most %d", lists, maxBytes/2)
		}
	}
	if _, items := c.Size(); items == 0 {
		t.Fatal("no list page cached: the pages fit the budget and should be kept")
	}
	// A page above a quarter of the list half is never kept.
	_, before := c.Size()
	if _, err := svc.ListPartners(ctx, sys, hub.PartnerKey{}, hub.ListQuery{Limit: 20}); err != nil {
		t.Fatal(err)
	}
	if _, after := c.Size(); after != before {
		t.Fatalf("a 20-partner page of ~50 KB changed the cached list items from %d to %d", before, after)
	}
	// An object above a quarter of the objects' half is not kept, and
	// reading it evicts nothing: making room for it would empty the cache.
	huge := bulkyPartner(99, sys.PartnerID)
	for j := range 20 {
		huge.Attributes[fmt.Sprintf("key%02d", j)] = strings.Repeat("h", 2000)
	}
	hp, err := svc.CreatePartner(ctx, sys, huge)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[len(ids)-3:] {
		if _, err := svc.Partner(ctx, sys, hub.PartnerKey{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	kept, _ := c.Size()
	keptBytes, _ := c.Bytes()
	if kept != 3 {
		t.Fatalf("%d objects cached before the huge read, want the 3 just read", kept)
	}
	if _, err := svc.Partner(ctx, sys, hub.PartnerKey{ID: hp.ID}); err != nil {
		t.Fatal(err)
	}
	after, _ := c.Size()
	afterBytes, _ := c.Bytes()
	if after != kept || afterBytes != keptBytes {
		t.Fatalf("reading a ~40 KB partner under a %d-byte budget changed the cache from %d objects (%d bytes) to %d (%d bytes)",
			maxBytes, kept, keptBytes, after, afterBytes)
	}
	// Emptying the cache returns its bytes.
	c.Invalidate()
	if objects, lists := c.Bytes(); objects != 0 || lists != 0 {
		t.Fatalf("after Invalidate: %d object bytes, %d list bytes", objects, lists)
	}
}

// The byte estimate is within a small factor of the heap the cached
// objects really hold: the bound means what it says.
func TestByteEstimateMatchesHeap(t *testing.T) {
	ctx := context.Background()
	_, c, svc, sys := setup(t, testdb.SQLite, readcache.Options{TTL: time.Hour, MaxBytes: 1 << 30, MaxEntries: 1 << 20})
	var ids []int64
	for i := range 400 {
		p, err := svc.CreatePartner(ctx, sys, bulkyPartner(i, sys.PartnerID))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	for _, id := range ids {
		if _, err := svc.Partner(ctx, sys, hub.PartnerKey{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	grown := float64(heap()) - float64(before)
	est, _ := c.Bytes()
	runtime.KeepAlive(c)
	ratio := float64(est) / grown
	t.Logf("400 cached partners: estimate %d bytes, heap growth %.0f bytes, ratio %.2f", est, grown, ratio)
	if ratio < 0.5 || ratio > 2 {
		t.Fatalf("the estimate is %.2fx the heap growth; it should be within 0.5x-2x", ratio)
	}
}
