package storetest

import (
	"sync"
	"testing"

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
