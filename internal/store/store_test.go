package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/store/storetest"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

func TestSQLite(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t testing.TB) hub.Store { return openSQLite(t) })
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t testing.TB) hub.Store { return openPostgres(t) })
}

var (
	openSQLite   = testdb.SQLite
	openPostgres = testdb.Postgres
)

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

// TestPostgresKeepsConnectionsBetweenStatements checks that database/sql
// keeps its PostgreSQL connections idle between statements rather than
// give each back to the pool (and take one again) for every statement.
func TestPostgresKeepsConnectionsBetweenStatements(t *testing.T) {
	db := openPostgres(t)
	for range 3 {
		if _, err := db.RootPartner(context.Background()); err != nil && !hub.IsKind(err, hub.NotFound) {
			t.Fatal(err)
		}
	}
	if st := db.Stats(); st.Idle < 1 || st.MaxIdleClosed != 0 {
		t.Fatalf("after three reads: %d idle, %d closed as surplus idle connections; want connections kept", st.Idle, st.MaxIdleClosed)
	}
}
