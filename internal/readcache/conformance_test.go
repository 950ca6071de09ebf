package readcache_test

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/store/storetest"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// The whole store conformance suite, through the cache: a cached store
// must be indistinguishable from the store it wraps. The long TTL makes
// every repeated read a hit, so only invalidation keeps the suite green.

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t testing.TB) hub.Store {
		return readcache.New(testdb.SQLite(t), readcache.Options{TTL: time.Hour, Verify: true})
	})
}

func TestPostgres(t *testing.T) {
	testdb.PostgresURL(t) // skips, visibly, without a server
	storetest.Run(t, func(t testing.TB) hub.Store {
		return readcache.New(testdb.Postgres(t), readcache.Options{TTL: time.Hour, Verify: true})
	})
}
