package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// The change feed wakes up to ping its connection when it is quiet, and
// still hears notices afterwards (a timed-out wait leaves the connection
// usable).
func TestChangeFeedSurvivesQuietPeriods(t *testing.T) {
	defer store.SetListenPingInterval(20 * time.Millisecond)()
	db := testdb.Postgres(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	heard := make(chan struct{}, 16)
	done := make(chan struct{})
	go func() { defer close(done); _ = db.WatchChanges(ctx, "me", func() { heard <- struct{}{} }) }()
	select { // the call made on connecting
	case <-heard:
	case <-time.After(10 * time.Second):
		t.Fatal("no call on connecting")
	}
	time.Sleep(200 * time.Millisecond) // several quiet waits and pings
	select {
	case <-heard:
		t.Fatal("a quiet period was reported as a change (a reconnect?)")
	default:
	}
	if err := db.PublishChange(ctx, "someone-else"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-heard:
	case <-time.After(10 * time.Second):
		t.Fatal("a notice after quiet periods was not heard")
	}
	cancel()
	<-done
}
