package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// A read cancelled while it waits on the server (here for a table lock)
// fails, and leaves the pool serving: one-row reads go through pgx on
// database/sql's own connections (Conn.Raw), and a connection pgx gives up
// on a cancelled query must not come back to be used again. More reads are
// cancelled than the pool has connections.
func TestPostgresCancelledReadsLeaveThePoolServing(t *testing.T) {
	ctx := context.Background()
	db := openPostgres(t)
	root, err := hub.NewService(db, hub.DefaultMaxDepth).CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatal(err)
	}
	key := hub.PartnerKey{SID: root.SID}
	locked, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.WriteSQL(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `LOCK TABLE partners IN ACCESS EXCLUSIVE MODE`); err != nil {
				close(locked)
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	for i := range 12 {
		cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		_, err := db.Partner(cctx, key)
		cancel()
		if err == nil {
			t.Fatalf("read %d under the lock: no error", i+1)
		}
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		if p, err := db.Partner(ctx, key); err != nil || p.ID != root.ID {
			t.Fatalf("read %d after the cancelled ones: %+v %v", i+1, p, err)
		}
	}
}
