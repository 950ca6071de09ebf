package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// TestLoginFailures covers the FailureStore methods on both engines:
// windows start, count, end and restart; clear and prune remove rows;
// subjects are independent; values are bound, so any string is a subject.
func TestLoginFailures(t *testing.T) {
	t.Parallel()
	for _, eng := range testdb.Engines {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			db := eng.Open(t)
			ctx := context.Background()
			const window = 5 * time.Minute
			t0 := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
			read := func(at time.Time, subjects ...string) ([]int, []time.Time) {
				t.Helper()
				counts, starts, err := db.LoginFailures(ctx, subjects, at.Add(-window))
				if err != nil {
					t.Fatal(err)
				}
				return counts, starts
			}
			record := func(at time.Time, subjects ...string) {
				t.Helper()
				if err := db.RecordLoginFailure(ctx, subjects, at, at.Add(-window)); err != nil {
					t.Fatal(err)
				}
			}
			odd := "p:'; DROP TABLE login_failures; --"
			record(t0, "a", "b", odd)
			record(t0.Add(time.Minute), "a", odd)
			record(t0.Add(2*time.Minute), "a")
			counts, starts := read(t0.Add(3*time.Minute), "a", "b", odd, "none")
			if fmt.Sprint(counts) != "[3 1 2 0]" || !starts[0].Equal(t0) || !starts[1].Equal(t0) || !starts[3].IsZero() {
				t.Fatalf("counts %v, starts %v", counts, starts)
			}
			// The window ends five minutes after its first failure.
			if counts, _ := read(t0.Add(window), "a"); counts[0] != 0 {
				t.Fatalf("after the window: %v", counts)
			}
			// The next failure starts a new window.
			t1 := t0.Add(window + time.Second)
			record(t1, "a")
			counts, starts = read(t1, "a", "b")
			if fmt.Sprint(counts) != "[1 0]" || !starts[0].Equal(t1) {
				t.Fatalf("new window: %v %v", counts, starts)
			}
			// Prune removes ended windows only; clear removes the named ones.
			if err := db.PruneLoginFailures(ctx, t1.Add(-window)); err != nil {
				t.Fatal(err)
			}
			if counts, _ := read(time.Time{}.Add(window), "a", "b", odd); fmt.Sprint(counts) != "[1 0 0]" {
				t.Fatalf("after the prune, with no lower bound: %v", counts)
			}
			record(t1, "c")
			if err := db.ClearLoginFailures(ctx, []string{"a"}); err != nil {
				t.Fatal(err)
			}
			if counts, _ := read(t1, "a", "c"); fmt.Sprint(counts) != "[0 1]" {
				t.Fatalf("after clearing a: %v", counts)
			}
			// Nothing to do is no error.
			if _, _, err := db.LoginFailures(ctx, nil, t1); err != nil {
				t.Fatal(err)
			}
			if err := db.RecordLoginFailure(ctx, nil, t1, t1); err != nil {
				t.Fatal(err)
			}
			if err := db.ClearLoginFailures(ctx, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestLoginFailuresConcurrentReplicas: failures recorded at once by two
// handles on one database (two replicas), with overlapping subjects in
// different orders, are all counted and never deadlock.
func TestLoginFailuresConcurrentReplicas(t *testing.T) {
	t.Parallel()
	for _, eng := range []struct {
		name string
		open func(t *testing.T) (*store.DB, *store.DB)
	}{
		{"SQLite", func(t *testing.T) (*store.DB, *store.DB) {
			db := testdb.SQLite(t)
			return db, db // one writer per file: one handle is the honest case
		}},
		{"Postgres", func(t *testing.T) (*store.DB, *store.DB) {
			url := testdb.PostgresSchemaURL(t)
			return testdb.OpenPostgres(t, url), testdb.OpenPostgres(t, url)
		}},
	} {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			db1, db2 := eng.open(t)
			ctx := context.Background()
			now := time.Now()
			const n = 40
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				db, subjects := db1, []string{"p:1", "u:1", "i:1"}
				if i%2 == 1 {
					db, subjects = db2, []string{"i:1", "u:1", fmt.Sprint("p:x", i)}
				}
				wg.Go(func() { errs <- db.RecordLoginFailure(ctx, subjects, now, now.Add(-time.Minute)) })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			counts, _, err := db1.LoginFailures(ctx, []string{"u:1", "i:1", "p:1", "p:x3"}, now.Add(-time.Minute))
			if err != nil || fmt.Sprint(counts) != fmt.Sprint([]int{n, n, n / 2, 1}) {
				t.Fatalf("counts %v, %v", counts, err)
			}
		})
	}
}
