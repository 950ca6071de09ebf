package readcache_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// TestRegisterMetrics: the cache's hit and miss counters are exported
// under their names and help texts and follow Stats.
func TestRegisterMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := readcache.New(testdb.SQLite(t), readcache.Options{TTL: time.Minute})
	svc := hub.NewService(c, 0)
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatal(err)
	}
	sys := hub.SystemPrincipal(root, "test")
	for range 3 {
		if _, err := svc.Partner(ctx, sys, hub.PartnerKey{ID: root.ID}); err != nil {
			t.Fatal(err)
		}
	}
	reg := prometheus.NewRegistry()
	if err := c.RegisterMetrics(reg); err != nil {
		t.Fatal(err)
	}
	hits, misses := c.Stats()
	if hits == 0 || misses == 0 {
		t.Fatalf("stats %d hits, %d misses: the reads did not exercise the cache", hits, misses)
	}
	want := `# HELP partnerhub_read_cache_hits_total Reads answered by the read cache.
# TYPE partnerhub_read_cache_hits_total counter
partnerhub_read_cache_hits_total ` + itoa(hits) + `
# HELP partnerhub_read_cache_misses_total Cacheable reads that went to the database.
# TYPE partnerhub_read_cache_misses_total counter
partnerhub_read_cache_misses_total ` + itoa(misses) + `
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
