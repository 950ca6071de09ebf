package jobs_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
)

// faultyStore fails the next `fails` client and channel moves with an
// Unavailable error (a transient failure: the attempt is retried).
type faultyStore struct {
	hub.Store
	fails atomic.Int64
	hang  bool // moves wait until their context ends
}

func (s *faultyStore) Write(ctx context.Context, fn func(hub.Tx) error) error {
	return s.Store.Write(ctx, func(tx hub.Tx) error { return fn(faultyTx{tx, s}) })
}

type faultyTx struct {
	hub.Tx
	s *faultyStore
}

func (t faultyTx) fail() error {
	if t.s.fails.Add(-1) >= 0 {
		return &hub.Error{Kind: hub.Unavailable, Message: "injected failure"}
	}
	return nil
}

func (t faultyTx) MoveClient(ctx context.Context, c *hub.Client) error {
	if t.s.hang {
		<-ctx.Done()
		return ctx.Err()
	}
	if err := t.fail(); err != nil {
		return err
	}
	return t.Tx.MoveClient(ctx, c)
}

func (t faultyTx) MoveChannel(ctx context.Context, ch *hub.Channel) error {
	if err := t.fail(); err != nil {
		return err
	}
	return t.Tx.MoveChannel(ctx, ch)
}

// faultyService is a service over e's database whose moves fail `fails`
// times.
func (e *env) faultyService(fails int64) *hub.Service {
	fs := &faultyStore{Store: e.db}
	fs.fails.Store(fails)
	return hub.NewService(fs, 8)
}

// TestMigrationRetriesThenCompletes: a migration whose first attempts
// fail is retried with backoff and completes; the attempts are counted.
func TestMigrationRetriesThenCompletes(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
		c, chs := e.client(src, 1)
		e.startWith(e.faultyService(2), fastConfig())
		cr := e.request(src, c, dst, nil)
		e.approve(dst, cr)
		done := e.waitDone(cr.ID, 20*time.Second)
		if done.Status != hub.ChangeRequestCompleted || done.Attempts != 3 || done.LastError != "" {
			t.Fatalf("done: %+v", done)
		}
		e.checkClient(c.ID, dst, refsOf(chs))
		if n := e.count(`SELECT count(*) FROM river_job WHERE kind = $1 AND attempt = 3 AND state = 'completed'`, hub.KindChangeRequestMigration); n != 1 {
			t.Fatal("the job did not complete on its third attempt")
		}
	})
}

// TestMigrationGivesUp: a migration that fails on every attempt ends
// failed after the last one, with the attempts counted, the reason
// recorded and nothing moved.
func TestMigrationGivesUp(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
		c, chs := e.client(src, 2)
		e.startWith(e.faultyService(1000), fastConfig())
		cr := e.request(src, c, dst, []string{chs[0].Ref})
		e.approve(dst, cr)
		done := e.waitDone(cr.ID, 30*time.Second)
		if done.Status != hub.ChangeRequestFailed || done.Attempts != store.MigrationMaxAttempts ||
			!strings.Contains(done.FailureReason, "injected failure") || done.TargetClientID != 0 || len(done.MigratedChannels) != 0 {
			t.Fatalf("done: %+v", done)
		}
		e.checkClient(c.ID, src, refsOf(chs))
		if n := e.count(`SELECT count(*) FROM clients`); n != 1 {
			t.Fatalf("%d clients after a failed partial migration, want 1", n)
		}
		if n := e.count(`SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'completed' AND attempt = $2`,
			hub.KindChangeRequestMigration, store.MigrationMaxAttempts); n != 1 {
			t.Fatal("the job is not completed after its last attempt")
		}
		if pub := done.Public(); pub.FailureReason == nil || *pub.FailureReason != done.FailureReason {
			t.Fatalf("public failure reason: %+v", pub)
		}
	})
}

// TestMigrationCannotSucceed: a request whose target is deactivated, or
// whose channel is gone to another client, before the migration runs ends
// failed at once with the reason, nothing moved.
func TestMigrationCannotSucceed(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst, other := e.partner(e.root, "src"), e.partner(e.root, "dst"), e.partner(e.root, "other")
		c1, chs1 := e.client(src, 1)
		c2, chs2 := e.client(src, 2)
		cr1 := e.request(src, c1, dst, nil)
		cr2 := e.request(src, c2, other, []string{chs2[1].Ref})
		e.approve(dst, cr1)
		e.approve(other, cr2)
		if _, err := e.svc.DeactivatePartner(e.ctx, e.sys, hub.PartnerKey{ID: dst.ID}); err != nil {
			t.Fatal(err)
		}
		// The channel leaves the client (as another migration would).
		if err := e.db.Write(e.ctx, func(tx hub.Tx) error {
			ch, err := tx.Channel(e.ctx, chs2[1].ID, "")
			if err != nil {
				return err
			}
			ch.ClientID, ch.ModifiedAt = c1.ID, time.Now()
			return tx.MoveChannel(e.ctx, ch)
		}); err != nil {
			t.Fatal(err)
		}
		e.start(fastConfig())
		for _, tc := range []struct {
			cr     *hub.ChangeRequest
			reason string
		}{{cr1, "the target partner is inactive"}, {cr2, "no longer belongs to the client"}} {
			done := e.waitDone(tc.cr.ID, 20*time.Second)
			if done.Status != hub.ChangeRequestFailed || done.Attempts != 1 || !strings.Contains(done.FailureReason, tc.reason) {
				t.Fatalf("done: %+v, want failed: %s", done, tc.reason)
			}
		}
		e.checkClient(c1.ID, src, []string{chs1[0].Ref, chs2[1].Ref})
		e.checkClient(c2.ID, src, []string{chs2[0].Ref})
		if n := e.count(`SELECT count(*) FROM clients`); n != 2 {
			t.Fatalf("%d clients, want 2", n)
		}
	})
}

// TestMigrationTimesOut: a migration whose every attempt hangs past the
// job timeout ends failed on its last attempt (not left pending, which
// would block its client for good), nothing moved.
func TestMigrationTimesOut(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
		c, chs := e.client(src, 1)
		cfg := fastConfig()
		cfg.JobTimeout, cfg.RescueAfter = 30*time.Millisecond, 10*time.Second
		e.startWith(hub.NewService(&faultyStore{Store: e.db, hang: true}, 8), cfg)
		cr := e.request(src, c, dst, nil)
		e.approve(dst, cr)
		done := e.waitDone(cr.ID, 30*time.Second)
		if done.Status != hub.ChangeRequestFailed || done.Attempts != store.MigrationMaxAttempts || !strings.Contains(done.FailureReason, "timed out") {
			t.Fatalf("done: %+v", done)
		}
		e.checkClient(c.ID, src, refsOf(chs))
		// The client is free for a new request.
		e.request(src, c, dst, nil)
	})
}
