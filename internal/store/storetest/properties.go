package storetest

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testTreeProperties drives random creates, moves and status changes in a
// fresh subtree per run and checks every invariant after each run (the
// suspension counts included). A refusal must be Invalid (cycle, depth);
// anything else fails the property.
func testTreeProperties(t *testing.T, f *fixture) {
	rapid.Check(t, func(rt *rapid.T) {
		top := f.child(t, f.root, fmt.Sprintf("prop-%d", f.seq.Add(1)))
		nodes := []*hub.Partner{top}
		steps := rapid.IntRange(1, 25).Draw(rt, "steps")
		for range steps {
			if rapid.IntRange(0, 3).Draw(rt, "status change") == 0 {
				node := nodes[rapid.IntRange(0, len(nodes)-1).Draw(rt, "node")]
				status := rapid.SampledFrom(statuses).Draw(rt, "status")
				_, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: node.ID}, 0, func(p *hub.Partner) error {
					p.Status = status
					return nil
				})
				if err != nil {
					rt.Fatalf("set status of %d to %s: %v", node.ID, status, err)
				}
				continue
			}
			if len(nodes) < 2 || rapid.Bool().Draw(rt, "create") {
				parent := nodes[rapid.IntRange(0, len(nodes)-1).Draw(rt, "parent")]
				status := rapid.SampledFrom(statuses).Draw(rt, "new status")
				p, err := f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: "n", ParentID: parent.ID, Status: status})
				if err != nil {
					if hub.ErrorKind(err) != hub.Invalid {
						rt.Fatalf("create: %v", err)
					}
					continue
				}
				nodes = append(nodes, p)
				continue
			}
			node := nodes[rapid.IntRange(1, len(nodes)-1).Draw(rt, "node")]
			target := nodes[rapid.IntRange(0, len(nodes)-1).Draw(rt, "target")]
			_, err := f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: node.ID}, target.ID, 0)
			if err != nil && hub.ErrorKind(err) != hub.Invalid {
				rt.Fatalf("move %d under %d: %v", node.ID, target.ID, err)
			}
		}
		f.checkInvariants(rt)
	})
}

// statuses are the partner statuses the properties draw from.
var statuses = []string{hub.StatusUnverified, hub.StatusActive, hub.StatusSuspended, hub.StatusInactive}
