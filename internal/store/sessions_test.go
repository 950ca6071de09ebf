package store_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// TestSessionStore covers the console's session store on both engines:
// a commit is found by a second connection to the same database (another
// replica, or the process after a restart), a commit replaces the data
// and expiry of its token, expiry hides a session and DeleteExpired
// removes exactly the dead ones, Delete is idempotent, and any bytes and
// any token text round-trip as bound values.
func TestSessionStore(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		open func(t *testing.T) (*store.DB, *store.DB)
	}{
		{"SQLite", func(t *testing.T) (*store.DB, *store.DB) {
			path := "sqlite:" + filepath.Join(t.TempDir(), "s.db")
			a, err := store.Open(context.Background(), path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			b, err := store.Open(context.Background(), path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.Close() })
			return a, b
		}},
		{"Postgres", func(t *testing.T) (*store.DB, *store.DB) {
			u := testdb.PostgresSchemaURL(t)
			return testdb.OpenPostgres(t, u), testdb.OpenPostgres(t, u)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			one, two := tc.open(t)
			ctx := context.Background()
			t0 := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
			clock := t0
			a, b := one.Sessions(), two.Sessions()
			a.SetClock(func() time.Time { return clock })
			b.SetClock(func() time.Time { return clock })

			data := []byte{0, 1, 2, 0xff, '\'', ';'}
			odd := "tok'; DROP TABLE console_sessions; --"
			if err := a.CommitCtx(ctx, odd, data, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			got, found, err := b.FindCtx(ctx, odd)
			if err != nil || !found || !bytes.Equal(got, data) {
				t.Fatalf("find from the second connection: %v %v %v", got, found, err)
			}
			// A commit replaces data and expiry.
			if err := b.Commit(odd, []byte("v2"), t0.Add(2*time.Hour)); err != nil {
				t.Fatal(err)
			}
			clock = t0.Add(90 * time.Minute)
			if got, found, err := a.Find(odd); err != nil || !found || string(got) != "v2" {
				t.Fatalf("after the second commit: %q %v %v", got, found, err)
			}
			// Past its expiry a session is not found, though its row stays
			// until DeleteExpired.
			if err := a.CommitCtx(ctx, "short", []byte("x"), t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			if _, found, err := a.FindCtx(ctx, "short"); err != nil || found {
				t.Fatalf("expired session found: %v %v", found, err)
			}
			if _, found, err := a.FindCtx(ctx, "never-stored"); err != nil || found {
				t.Fatalf("unknown token: %v %v", found, err)
			}
			n, err := a.DeleteExpired(ctx, clock)
			if err != nil || n != 1 {
				t.Fatalf("DeleteExpired: %d %v, want 1", n, err)
			}
			if _, found, _ := a.FindCtx(ctx, odd); !found {
				t.Fatal("DeleteExpired removed a live session")
			}
			// Delete removes; deleting again is no error.
			for range 2 {
				if err := b.Delete(odd); err != nil {
					t.Fatal(err)
				}
			}
			if _, found, err := a.FindCtx(ctx, odd); err != nil || found {
				t.Fatalf("deleted session found: %v %v", found, err)
			}
			// RunCleanup stops when its context ends.
			cctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { a.RunCleanup(cctx, time.Millisecond, nil); close(done) }()
			cancel()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("RunCleanup did not stop")
			}
		})
	}
}
