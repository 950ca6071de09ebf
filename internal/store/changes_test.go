package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// watch runs db's change feed as origin until the test ends and returns
// the channel its calls arrive on, once the feed has connected (the call
// made on connecting is consumed).
func watch(t *testing.T, db *store.DB, origin string) <-chan struct{} {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	heard := make(chan struct{}, 16)
	done := make(chan struct{})
	go func() { defer close(done); _ = db.WatchChanges(ctx, origin, func() { heard <- struct{}{} }) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-heard:
	case <-time.After(10 * time.Second):
		t.Fatal("no call on connecting")
	}
	return heard
}

// wantHeard waits for one call; wantQuiet checks that none comes.
func wantHeard(t *testing.T, heard <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-heard:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s was not heard", what)
	}
}

func wantQuiet(t *testing.T, heard <-chan struct{}, d time.Duration, what string) {
	t.Helper()
	select {
	case <-heard:
		t.Fatal(what)
	case <-time.After(d):
	}
}

// A process ignores its own notices and hears everybody else's; SQLite
// has no feed.
func TestChangeFeedOrigins(t *testing.T) {
	db := testdb.Postgres(t)
	heard := watch(t, db, "me")
	ctx := context.Background()
	if err := db.PublishChange(ctx, "me"); err != nil {
		t.Fatal(err)
	}
	if err := db.PublishChange(ctx, "someone-else"); err != nil {
		t.Fatal(err)
	}
	// Notices arrive in order, so once someone-else's has been heard, "me"
	// would have been heard before it.
	wantHeard(t, heard, "another origin's notice")
	wantQuiet(t, heard, 200*time.Millisecond, "a notice was heard twice or the process heard itself")

	lite := testdb.SQLite(t)
	if err := lite.WatchChanges(ctx, "me", func() {}); err != store.ErrNoChangeFeed {
		t.Fatalf("SQLite WatchChanges: %v", err)
	}
	if err := lite.PublishChange(ctx, "me"); err != nil {
		t.Fatalf("SQLite PublishChange: %v", err)
	}
}

// The change feed wakes up to ping its connection when it is quiet, and
// still hears notices afterwards (a timed-out wait leaves the connection
// usable).
func TestChangeFeedSurvivesQuietPeriods(t *testing.T) {
	t.Cleanup(store.SetListenPingInterval(20 * time.Millisecond)) // runs after the watcher has stopped
	db := testdb.Postgres(t)
	heard := watch(t, db, "me")
	// Several quiet waits and pings; a reconnect would call again.
	wantQuiet(t, heard, 200*time.Millisecond, "a quiet period was reported as a change (a reconnect?)")
	if err := db.PublishChange(context.Background(), "someone-else"); err != nil {
		t.Fatal(err)
	}
	wantHeard(t, heard, "a notice after quiet periods")
}
