package storetest

import (
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testConcurrentMoves races opposing moves (A under B while B under A, and
// rotations along chains). Afterwards no cycle exists, no node is lost, and
// every refusal was Invalid or Conflict, never an internal error.
func testConcurrentMoves(t *testing.T, f *fixture) {
	const pairs, rounds = 4, 6
	var nodes []*hub.Partner
	for range pairs {
		a := f.child(t, f.root, "a")
		b := f.child(t, f.root, "b")
		f.chain(t, a, 2)
		f.chain(t, b, 2)
		nodes = append(nodes, a, b)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(nodes)*rounds*2)
	for r := range rounds {
		for i, n := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Even i: a under b; odd i: b under a; plus a rotation to the next pair.
				partner := nodes[i^1]
				if r%2 == 1 {
					partner = nodes[(i+2)%len(nodes)]
				}
				_, err := f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: n.ID}, partner.ID, 0)
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	var moved, refused int
	for err := range errs {
		switch {
		case err == nil:
			moved++
		case hub.ErrorKind(err) == hub.Invalid || hub.ErrorKind(err) == hub.Conflict:
			refused++
		default:
			t.Fatalf("concurrent move failed with %v: %v", hub.ErrorKind(err), err)
		}
	}
	if moved == 0 {
		t.Fatalf("no move succeeded (%d refused)", refused)
	}
	t.Logf("%d moves applied, %d refused", moved, refused)
	all := f.all(t)
	if want := 1 + pairs*6; len(all) != want {
		t.Fatalf("%d partners after the race, want %d", len(all), want)
	}
	f.checkInvariants(t)
}

// testUpdateRacesMove races a subtree move against updates made by a
// principal who loses sight of the partner through that move. Each update
// either happens while the partner is still visible or is NotFound; a
// partner outside the principal's subtree is never written by it.
func testUpdateRacesMove(t *testing.T, f *fixture) {
	const rounds = 6
	for r := range rounds {
		a := f.child(t, f.root, "a")
		mid := f.child(t, a, "mid")
		leaf := f.child(t, mid, "leaf")
		other := f.child(t, f.root, "other")
		pa := principal(a)
		var wg sync.WaitGroup
		wg.Add(2)
		var upErr, moveErr error
		var writtenAt string
		go func() {
			defer wg.Done()
			_, moveErr = f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: mid.ID}, other.ID, 0)
		}()
		go func() {
			defer wg.Done()
			var up *hub.Partner
			up, upErr = f.svc.UpdatePartner(f.ctx, pa, hub.PartnerKey{ID: leaf.ID}, 0, func(p *hub.Partner) error {
				p.City = fmt.Sprintf("round %d", r)
				// Widen the window between the visibility check and the
				// write, where an unlocked update would let the move in.
				time.Sleep(3 * time.Millisecond)
				return nil
			})
			if up != nil {
				writtenAt = up.Path
			}
		}()
		wg.Wait()
		if moveErr != nil {
			t.Fatalf("move: %v", moveErr)
		}
		got := f.get(t, leaf.ID)
		switch {
		case upErr == nil:
			// The update won the race: it must have committed while leaf
			// was still under a, so its audit row precedes the move's.
			if !hub.PathContains(a.Path, writtenAt) || got.City != fmt.Sprintf("round %d", r) {
				t.Fatalf("round %d: update applied at %q (city %q) outside %q", r, writtenAt, got.City, a.Path)
			}
			if up, mv := f.auditID(t, "update", leaf.ID), f.auditID(t, "update", mid.ID); up > mv {
				t.Fatalf("round %d: the update (audit %d) was written after the move (audit %d) took leaf out of sight", r, up, mv)
			}
		case hub.ErrorKind(upErr) == hub.NotFound:
			if got.City != "" || got.Version != leaf.Version {
				t.Fatalf("round %d: refused update still wrote: %+v", r, got)
			}
		default:
			t.Fatalf("round %d: update failed with %v", r, upErr)
		}
		if !hub.PathContains(other.Path, got.Path) {
			t.Fatalf("round %d: leaf at %q, not under %q", r, got.Path, other.Path)
		}
	}
}

// auditID returns the id of the newest audit row with the given action on
// a partner, or fails.
func (f *fixture) auditID(t *testing.T, action string, partnerID int64) int64 {
	t.Helper()
	page, err := f.svc.ListAudit(f.ctx, f.sys, hub.ListQuery{Limit: hub.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page.Items {
		if e.ObjectType == "partner" && e.ObjectID == strconv.FormatInt(partnerID, 10) && e.Action == action {
			return e.ID
		}
	}
	t.Fatalf("no %s audit row for partner %d", action, partnerID)
	return 0
}

// testConcurrentStatusChanges races status changes of nested partners
// (each rewrites its subtree's suspension counts) against moves and plain
// updates inside those subtrees. Every call succeeds or is a Conflict
// (never a deadlock or an internal error), and the counts are right
// afterwards.
func testConcurrentStatusChanges(t *testing.T, f *fixture) {
	top := f.child(t, f.root, "top")
	chain := f.chain(t, top, 4)
	side := f.child(t, f.root, "side")
	nodes := append([]*hub.Partner{top}, chain...)
	statuses := []string{hub.StatusSuspended, hub.StatusActive, hub.StatusInactive, hub.StatusActive}
	const rounds = 6
	var wg sync.WaitGroup
	errs := make(chan error, rounds*(len(nodes)+2))
	for r := range rounds {
		for i, n := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: n.ID}, 0, func(p *hub.Partner) error {
					p.Status = statuses[(r+i)%len(statuses)]
					p.City = fmt.Sprintf("round %d", r)
					return nil
				})
				errs <- err
			}()
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			// The deepest node hops between the chain and the side branch.
			parent := side
			if r%2 == 1 {
				parent = chain[1]
			}
			_, err := f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: chain[3].ID}, parent.ID, 0)
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: chain[2].ID}, 0, func(p *hub.Partner) error {
				p.Zip = strconv.Itoa(r)
				return nil
			})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil && hub.ErrorKind(err) != hub.Conflict {
			t.Fatalf("concurrent status change failed with %v: %v", hub.ErrorKind(err), err)
		}
	}
	f.checkInvariants(t)
}
