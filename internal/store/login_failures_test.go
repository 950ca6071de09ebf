package store_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
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
				counts, starts, last, err := db.LoginHistory(ctx, subjects, at.Add(-window), "", time.Time{})
				if err != nil || !last.IsZero() {
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
			if err := db.PruneLoginFailures(ctx, t1.Add(-window), t1); err != nil {
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
			if _, _, _, err := db.LoginHistory(ctx, nil, t1, "", t1); err != nil {
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
			counts, _, _, err := db1.LoginHistory(ctx, []string{"u:1", "i:1", "p:1", "p:x3"}, now.Add(-time.Minute), "", time.Time{})
			if err != nil || fmt.Sprint(counts) != fmt.Sprint([]int{n, n, n / 2, 1}) {
				t.Fatalf("counts %v, %v", counts, err)
			}
		})
	}
}

// TestLoginSuccesses covers the remembered successes on both engines: read
// in the same statement as failures, newer kept over older (replicas may
// write out of order), forgotten after successSince, pruned; a success
// subject is not a failure subject and the other way round.
func TestLoginSuccesses(t *testing.T) {
	t.Parallel()
	for _, eng := range testdb.Engines {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			db := eng.Open(t)
			ctx := context.Background()
			t0 := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
			history := func(since time.Time, success string) ([]int, time.Time) {
				t.Helper()
				counts, _, last, err := db.LoginHistory(ctx, []string{"p:a", "s:a"}, t0.Add(-time.Hour), success, since)
				if err != nil {
					t.Fatal(err)
				}
				return counts, last
			}
			if counts, last := history(time.Time{}, "s:a"); fmt.Sprint(counts) != "[0 0]" || !last.IsZero() {
				t.Fatalf("nothing stored: %v %v", counts, last)
			}
			if err := db.RecordLoginFailure(ctx, []string{"p:a"}, t0, t0.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
			for _, at := range []time.Time{t0.Add(time.Hour), t0} { // the older second
				if err := db.RecordLoginSuccess(ctx, "s:a", at); err != nil {
					t.Fatal(err)
				}
			}
			counts, last := history(time.Time{}, "s:a")
			if fmt.Sprint(counts) != "[1 0]" || !last.Equal(t0.Add(time.Hour)) {
				t.Fatalf("a failure and two successes: %v %v", counts, last)
			}
			if _, last := history(time.Time{}, "s:other"); !last.IsZero() {
				t.Fatalf("another success subject: %v", last)
			}
			if _, last := history(t0.Add(time.Hour), "s:a"); !last.IsZero() {
				t.Fatalf("a success at successSince is forgotten: %v", last)
			}
			// Successes alone, without failure subjects.
			if _, _, last, err := db.LoginHistory(ctx, nil, t0, "s:a", t0); err != nil || !last.Equal(t0.Add(time.Hour)) {
				t.Fatalf("success only: %v %v", last, err)
			}
			// Prune drops old successes only, and failures by their own bound.
			if err := db.RecordLoginSuccess(ctx, "s:b", t0.Add(2*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := db.PruneLoginFailures(ctx, t0.Add(-time.Hour), t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if counts, last := history(time.Time{}, "s:a"); fmt.Sprint(counts) != "[1 0]" || !last.IsZero() {
				t.Fatalf("after pruning successes up to s:a's: %v %v", counts, last)
			}
			if _, last := history(time.Time{}, "s:b"); !last.Equal(t0.Add(2 * time.Hour)) {
				t.Fatalf("a newer success pruned: %v", last)
			}
		})
	}
}

// TestLoginSubjectKeyIsShared: the subject key is created once per
// database; concurrent first calls from two handles (two replicas
// starting together), each offering its own fresh key, all get the same
// one, and later calls keep it.
func TestLoginSubjectKeyIsShared(t *testing.T) {
	t.Parallel()
	for _, eng := range []struct {
		name string
		open func(t *testing.T) (*store.DB, *store.DB)
	}{
		{"SQLite", func(t *testing.T) (*store.DB, *store.DB) {
			url := "sqlite:" + filepath.Join(t.TempDir(), "key.db")
			return openSQLiteURL(t, url), openSQLiteURL(t, url)
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
			const n = 16
			keys := make([][]byte, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				db := db1
				if i%2 == 1 {
					db = db2
				}
				wg.Go(func() {
					<-start
					keys[i], errs[i] = db.LoginSubjectKey(ctx, []byte(fmt.Sprintf("fresh key %02d%20s", i, "")))
				})
			}
			close(start)
			wg.Wait()
			for i := range n {
				if errs[i] != nil || !bytes.Equal(keys[i], keys[0]) || len(keys[i]) != 32 {
					t.Fatalf("call %d: %q %v; first call got %q", i, keys[i], errs[i], keys[0])
				}
			}
			if k, err := db2.LoginSubjectKey(ctx, []byte("yet another fresh key")); err != nil || !bytes.Equal(k, keys[0]) {
				t.Fatalf("a later call: %q %v", k, err)
			}
			if _, err := db1.LoginSubjectKey(ctx, nil); err == nil {
				t.Fatal("an empty fresh key was accepted")
			}
		})
	}
}

func openSQLiteURL(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
