package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/store/storetest"
)

// PostgresURLEnv names the environment variable holding the PostgreSQL
// URL that the PostgreSQL cases run against; without it they are skipped.
const PostgresURLEnv = "PARTNERHUB_TEST_POSTGRES_URL"

func TestSQLite(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t testing.TB) hub.Store { return openSQLite(t) })
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t testing.TB) hub.Store { return openPostgres(t) })
}

func openSQLite(t testing.TB) *store.DB {
	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "test.db"), store.Options{})
	if err != nil {
		t.Fatalf("open SQLite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// postgresURL returns the test server's URL or skips the test, saying so.
func postgresURL(t testing.TB) string {
	u := os.Getenv(PostgresURLEnv)
	if u == "" {
		t.Skipf("%s is not set: PostgreSQL cases skipped", PostgresURLEnv)
	}
	return u
}

// openPostgres gives each test its own schema on the shared test
// database, so tests run in parallel without seeing each other's rows.
func openPostgres(t testing.TB) *store.DB {
	base := postgresURL(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("PostgreSQL at %s unreachable or unusable: %v", PostgresURLEnv, err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := store.Open(context.Background(), u.String(), store.Options{ReadConns: 8})
	if err != nil {
		t.Fatalf("open PostgreSQL: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrationVersionsMatch(t *testing.T) {
	versions := func(dialect string) []string {
		entries, err := os.ReadDir(filepath.Join("migrations", dialect))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			var v int
			if _, err := fmt.Sscanf(e.Name(), "%05d_", &v); err != nil {
				t.Fatalf("%s/%s: no version prefix", dialect, e.Name())
			}
			names = append(names, e.Name())
		}
		return names
	}
	lite, pg := versions("sqlite"), versions("postgres")
	if len(lite) == 0 || fmt.Sprint(lite) != fmt.Sprint(pg) {
		t.Fatalf("migration files differ:\n sqlite   %v\n postgres %v", lite, pg)
	}
}

func TestOpenRefusesMemoryAndRedactsPasswords(t *testing.T) {
	if _, err := store.Open(context.Background(), "sqlite::memory:", store.Options{}); err == nil {
		t.Fatal("in-memory SQLite accepted")
	}
	_, err := store.Open(context.Background(), "postgres://bob:s3cret-pw@127.0.0.1:1/none?connect_timeout=1", store.Options{})
	if err == nil {
		t.Fatal("unreachable PostgreSQL accepted")
	}
	if got := err.Error(); strings.Contains(got, "s3cret-pw") {
		t.Fatalf("error leaks the password: %s", got)
	}
}
