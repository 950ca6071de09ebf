package bluefin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// ids lists the ids of a {total, data} answer.
func ids(t *testing.T, r response) []int64 {
	t.Helper()
	var v struct {
		Data []struct{ ID int64 }
	}
	if err := json.Unmarshal(r.want(t, http.StatusOK).body, &v); err != nil {
		t.Fatalf("not a list: %s", r.body)
	}
	out := make([]int64, len(v.Data))
	for i, d := range v.Data {
		out[i] = d.ID
	}
	return out
}

// TestReparent: PATCH parent moves the partner with its whole subtree
// (paths and depths follow); who sees it changes at once for the old and
// the new ancestors, through the read cache; the caller must see both
// ends, may not move its own home partner or make a cycle; a stale
// version changes nothing.
func TestReparent(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		a := e.partner(e.root, "A")
		b := e.partner(e.root, "B")
		m := e.partner(a, "M")
		m1 := e.partner(m, "M1")
		m2 := e.partner(m1, "M2")
		admin := e.admin().auth
		supA := e.user("sup-a", hub.RolePartnerSupervisor, a, nil, "").auth
		supB := e.user("sup-b", hub.RolePartnerSupervisor, b, nil, "").auth
		supM := e.user("sup-m", hub.RolePartnerSupervisor, m, nil, "").auth

		// Warm the cache: A sees M2, B does not.
		e.get(t, supA, path("/api/v1/partners/%d", m2.ID)).want(t, http.StatusOK)
		e.get(t, supB, path("/api/v1/partners/%d", m2.ID)).want(t, http.StatusNotFound)
		if got := ids(t, e.get(t, supA, "/api/v1/partners?take=100")); len(got) != 4 {
			t.Fatalf("A lists %v; want A, M, M1, M2", got)
		}

		// A stale version changes nothing.
		e.patch(t, admin, path("/api/v1/partners/%d", m.ID), map[string]any{"parent": map[string]any{"id": b.ID}, "version": 7}).wantInvalid(t, "version")
		e.patch(t, admin, path("/api/v1/partners/%d", m.ID), map[string]any{"parent": map[string]any{"id": b.ID}, "version": 0}).wantInvalid(t, "version")
		if p, _ := e.svc.Store().Partner(ctx, hub.PartnerKey{ID: m2.ID}); p.Path != m2.Path {
			t.Fatalf("a stale move moved M2 to %s", p.Path)
		}
		// The rules of a move, each a 409 naming parent.
		e.patch(t, supM, path("/api/v1/partners/%d", m.ID), map[string]any{"parent": map[string]any{"id": a.ID}}).wantInvalid(t, "parent") // A is above M's supervisor
		e.patch(t, supM, path("/api/v1/partners/%d", a.ID), map[string]any{"parent": map[string]any{"id": m.ID}}).want(t, http.StatusNotFound)
		e.patch(t, supA, path("/api/v1/partners/%d", m.ID), map[string]any{"parent": map[string]any{"id": m2.ID}}).wantInvalid(t, "parent")
		e.patch(t, supA, path("/api/v1/partners/%d", a.ID), map[string]any{"parent": map[string]any{"id": b.ID}}).wantInvalid(t, "parent")
		e.patch(t, supA, path("/api/v1/partners/%d", m.ID), map[string]any{"parent": map[string]any{"id": b.ID}}).wantInvalid(t, "parent") // B invisible to A
		e.patch(t, supA, path("/api/v1/partners/%d", m.ID), map[string]any{"parent": map[string]any{"name": "B"}}).wantInvalid(t, "parent")

		// The admin moves M (and M1, M2) under B, by name, with the current version.
		e.patch(t, admin, path("/api/v1/partners/%d", m.ID), map[string]any{"parent": map[string]any{"name": "B"}, "version": 1}).want(t, http.StatusOK)
		for _, id := range []int64{m.ID, m1.ID, m2.ID} {
			p, err := e.svc.Store().Partner(ctx, hub.PartnerKey{ID: id})
			if err != nil {
				t.Fatal(err)
			}
			parent, _ := e.svc.Store().Partner(ctx, hub.PartnerKey{ID: p.ParentID})
			if p.Path != hub.ChildPath(parent.Path, p.ID) || p.Depth != parent.Depth+1 || !hub.PathContains(b.Path, p.Path) {
				t.Fatalf("partner %d after the move: path %s depth %d, parent %s", id, p.Path, p.Depth, parent.Path)
			}
		}
		got := e.get(t, admin, path("/api/v1/partners/%d", m.ID)).obj(t)
		if parent := got["parent"].(map[string]any); parent["id"] != float64(b.ID) || parent["name"] != "B" || got["version"] != float64(2) {
			t.Fatalf("M after the move: %v", got)
		}
		// At once, through the same cached handler: A lost the subtree,
		// B gained it.
		e.get(t, supA, path("/api/v1/partners/%d", m2.ID)).want(t, http.StatusNotFound)
		e.get(t, supB, path("/api/v1/partners/%d", m2.ID)).want(t, http.StatusOK)
		if got := ids(t, e.get(t, supA, "/api/v1/partners?take=100")); len(got) != 1 || got[0] != a.ID {
			t.Fatalf("A lists %v after the move; want only A", got)
		}
		if got := ids(t, e.get(t, supB, "/api/v1/partners?take=100")); len(got) != 4 {
			t.Fatalf("B lists %v after the move; want B, M, M1, M2", got)
		}
		e.get(t, supA, "/api/v1/partners?partner=M2").wantDenied(t)
	})
}

// TestConcurrentOpposingReparents: X under Y and Y under X, sent at once
// many times, never make a cycle: at most one of each pair wins and the
// tree stays whole.
func TestConcurrentOpposingReparents(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.admin().auth
		for round := range 8 {
			x := e.partner(e.root, fmt.Sprintf("X%d", round))
			y := e.partner(e.root, fmt.Sprintf("Y%d", round))
			var wg sync.WaitGroup
			status := make([]int, 2)
			for i, pair := range [][2]int64{{x.ID, y.ID}, {y.ID, x.ID}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, err := e.send(req{method: "PATCH", path: path("/api/v1/partners/%d", pair[0]), auth: admin,
						body: fmt.Sprintf(`{"parent":{"id":%d}}`, pair[1])})
					if err != nil {
						t.Error(err)
						return
					}
					status[i] = r.status
				}()
			}
			wg.Wait()
			px, _ := e.svc.Store().Partner(ctx, hub.PartnerKey{ID: x.ID})
			py, _ := e.svc.Store().Partner(ctx, hub.PartnerKey{ID: y.ID})
			if px.ParentID == y.ID && py.ParentID == x.ID {
				t.Fatalf("round %d: a cycle: %d under %d under %d", round, x.ID, y.ID, x.ID)
			}
			wins := 0
			for _, s := range status {
				if s == http.StatusOK {
					wins++
				} else if s != http.StatusConflict {
					t.Fatalf("round %d: a move answered %d", round, s)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d moves won (%v); exactly one can", round, wins, status)
			}
			for _, p := range []*hub.Partner{px, py} {
				parent, _ := e.svc.Store().Partner(ctx, hub.PartnerKey{ID: p.ParentID})
				if p.Path != hub.ChildPath(parent.Path, p.ID) {
					t.Fatalf("round %d: partner %d path %s under %s", round, p.ID, p.Path, parent.Path)
				}
			}
		}
	})
}

// TestTakeSkipWalk: walking a list with take/skip while partners are added
// sees every partner that existed when the walk began exactly once, in id
// order; defaults and bounds are the hub's.
func TestTakeSkipWalk(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		top := e.partner(e.root, "Top")
		var before []int64
		before = append(before, top.ID)
		for i := range 23 {
			before = append(before, e.partner(top, fmt.Sprintf("P%d", i)).ID)
		}
		admin := e.admin().auth
		seen := map[int64]int{}
		var walked []int64
		for skip := 0; ; skip += 5 {
			page := ids(t, e.get(t, admin, fmt.Sprintf("/api/v1/partners?partner=%d&take=5&skip=%d", top.ID, skip)))
			walked = append(walked, page...)
			for _, id := range page {
				seen[id]++
			}
			// Someone adds partners while the walk goes on.
			e.partner(top, fmt.Sprintf("during %d", skip))
			if len(page) < 5 {
				break
			}
		}
		for _, id := range before {
			if seen[id] != 1 {
				t.Fatalf("partner %d seen %d times in %v", id, seen[id], walked)
			}
		}
		for i := 1; i < len(walked); i++ {
			if walked[i] <= walked[i-1] {
				t.Fatalf("not in id order: %v", walked)
			}
		}
		if got := ids(t, e.get(t, admin, fmt.Sprintf("/api/v1/partners?partner=%d", top.ID))); len(got) != 10 {
			t.Fatalf("default take lists %d; want 10", len(got))
		}
		e.get(t, admin, "/api/v1/partners?take=0").wantInvalid(t, "take")
		e.get(t, admin, "/api/v1/partners?take=1001").wantInvalid(t, "take")
		e.get(t, admin, "/api/v1/partners?skip=-1").wantInvalid(t, "skip")
		e.get(t, admin, "/api/v1/partners?take=ten").wantInvalid(t, "take")
		if got := ids(t, e.get(t, admin, "/api/v1/partners?take=1000&skip=100000")); len(got) != 0 {
			t.Fatalf("a skip past the end lists %v", got)
		}
	})
}

// TestOpposingReparentsSmallPool: X under Y (by id) and Y under X (by
// name), sent at once over a pool of two connections: the new parent is
// resolved inside the move's transaction, so neither move waits for a
// second connection while its transaction holds one (which, with the
// other move holding the other connection, would never come). Exactly one
// move wins each round and the tree stays acyclic.
func TestOpposingReparentsSmallPool(t *testing.T) {
	smallPools(t, 2, func(t *testing.T, e *env) {
		ctx := context.Background()
		// A stuck request fails the test instead of hanging it.
		e.srv.Client().Timeout = 30 * time.Second
		admin := e.admin().auth
		for round := range 8 {
			x := e.partner(e.root, fmt.Sprintf("X%d", round))
			y := e.partner(e.root, fmt.Sprintf("Y%d", round))
			bodies := [2]struct {
				id   int64
				body string
			}{
				{x.ID, fmt.Sprintf(`{"parent":{"id":%d}}`, y.ID)},
				{y.ID, fmt.Sprintf(`{"parent":{"name":%q}}`, x.Name)},
			}
			var wg sync.WaitGroup
			status := make([]int, 2)
			for i, b := range bodies {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, err := e.send(req{method: "PATCH", path: path("/api/v1/partners/%d", b.id), auth: admin, body: b.body})
					if err != nil {
						t.Error(err)
						return
					}
					status[i] = r.status
				}()
			}
			wg.Wait()
			if t.Failed() {
				t.FailNow()
			}
			wins := 0
			for _, s := range status {
				if s == http.StatusOK {
					wins++
				} else if s != http.StatusConflict {
					t.Fatalf("round %d: a move answered %d", round, s)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d moves won (%v); exactly one can", round, wins, status)
			}
			px, _ := e.svc.Store().Partner(ctx, hub.PartnerKey{ID: x.ID})
			py, _ := e.svc.Store().Partner(ctx, hub.PartnerKey{ID: y.ID})
			if px.ParentID == y.ID && py.ParentID == x.ID {
				t.Fatalf("round %d: a cycle: %d under %d under %d", round, x.ID, y.ID, x.ID)
			}
			for _, p := range []*hub.Partner{px, py} {
				parent, _ := e.svc.Store().Partner(ctx, hub.PartnerKey{ID: p.ParentID})
				if p.Path != hub.ChildPath(parent.Path, p.ID) {
					t.Fatalf("round %d: partner %d path %s under %s", round, p.ID, p.Path, parent.Path)
				}
			}
		}
	})
}
