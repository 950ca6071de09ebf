// Package testdb opens real, empty, migrated databases for tests: a
// SQLite file in the test's temp dir, or a private schema on the
// PostgreSQL server named by PostgresURLEnv.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/partnerhub/partnerhub/internal/store"
)

// PostgresURLEnv names the environment variable holding the PostgreSQL
// URL that PostgreSQL cases run against; without it they are skipped.
const PostgresURLEnv = "PARTNERHUB_TEST_POSTGRES_URL"

// Engine opens a fresh store for one test and closes it at cleanup.
type Engine struct {
	Name string
	Open func(t testing.TB) *store.DB
}

// Engines lists SQLite and PostgreSQL, for tests that run on both.
var Engines = []Engine{{"SQLite", SQLite}, {"Postgres", Postgres}}

// SmallPools lists SQLite and PostgreSQL opened with at most conns pooled
// connections (SQLite's read pool; PostgreSQL's whole pool), for tests
// that prove an operation never needs a second connection while its
// transaction holds one.
func SmallPools(conns int) []Engine {
	return []Engine{
		{"SQLite", func(t testing.TB) *store.DB { return openSQLite(t, store.Options{ReadConns: conns}) }},
		{"Postgres", func(t testing.TB) *store.DB {
			t.Helper()
			return openPostgres(t, PostgresSchemaURL(t), store.Options{ReadConns: conns})
		}},
	}
}

// SQLite opens a new SQLite database in t's temp dir.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return openSQLite(t, store.Options{})
}

func openSQLite(t testing.TB, opt store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "test.db"), opt)
	if err != nil {
		t.Fatalf("open SQLite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresURL returns the test server's URL, or skips t saying why.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(PostgresURLEnv)
	if u == "" {
		t.Skipf("%s is not set: PostgreSQL cases skipped", PostgresURLEnv)
	}
	return u
}

// Postgres gives t its own schema on the shared test database, so tests
// run in parallel without seeing each other's rows; the schema is dropped
// at cleanup.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	return OpenPostgres(t, PostgresSchemaURL(t))
}

// PostgresSchemaURL creates a fresh schema on the shared test database and
// returns a URL whose connections use it; the schema is dropped at
// cleanup. Open it several times to act as several processes.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("PostgreSQL from %s unreachable or unusable: %v", PostgresURLEnv, err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenPostgres opens (and migrates) the database at url, closed at cleanup.
func OpenPostgres(t testing.TB, url string) *store.DB {
	t.Helper()
	return openPostgres(t, url, store.Options{ReadConns: 8})
}

func openPostgres(t testing.TB, url string, opt store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url, opt)
	if err != nil {
		t.Fatalf("open PostgreSQL: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// BenchPartners is the size of the tree benchmarks seed:
// PARTNERHUB_BENCH_PARTNERS, default 100,000, at least 1,000.
func BenchPartners(b *testing.B) int64 {
	b.Helper()
	v := os.Getenv("PARTNERHUB_BENCH_PARTNERS")
	if v == "" {
		return 100_000
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1000 {
		b.Fatalf("PARTNERHUB_BENCH_PARTNERS=%q: want a number >= 1000", v)
	}
	return n
}
