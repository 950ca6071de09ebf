// Package storetest is the conformance suite of hub.Store: the same tests,
// run against every engine, exercised through hub.Service so that every
// rule the domain relies on is checked on a real database.
package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/webhook"
)

// Opener returns a fresh, migrated, empty store for one test; it registers
// its own cleanup with t.
type Opener func(t testing.TB) hub.Store

// Run runs the whole suite against the engine behind open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture)
	}{
		{"RootAndCreate", testRootAndCreate},
		{"FieldsRoundTrip", testFieldsRoundTrip},
		{"Visibility", testVisibility},
		{"UpdateVersion", testUpdateVersion},
		{"ConcurrentUpdatesLoseNothing", testConcurrentUpdates},
		{"Move", testMove},
		{"MoveRules", testMoveRules},
		{"DeleteAndDeactivate", testDeleteAndDeactivate},
		{"ListSubtree", testListSubtree},
		{"ListPagesOffsetAndCursor", testListPages},
		{"FilteredListPages", testFilteredListPages},
		{"CountryPages", testCountryPages},
		{"RootCountryTotals", testRootCountryTotals},
		{"ListFilters", testListFilters},
		{"ListErrors", testListErrors},
		{"ClientsAndChannels", testClientsAndChannels},
		{"ClientPrincipal", testClientPrincipal},
		{"TreeProperties", testTreeProperties},
		{"ConcurrentOpposingMoves", testConcurrentMoves},
		{"PartnerChangeRules", testPartnerChangeRules},
		{"VisibleParent", testVisibleParent},
		{"UpdateRacesMove", testUpdateRacesMove},
		{"ScopesForbidden", testScopesForbidden},
		{"ScopeOrder", testScopeOrder},
		{"Users", testUsers},
		{"UserRoleRules", testUserRoleRules},
		{"UserAuthentication", testUserAuthentication},
		{"Audit", testAudit},
		{"APIKeys", testAPIKeys},
		{"APIKeyCreator", testAPIKeyCreator},
		{"ChangePassword", testChangePassword},
		{"Tokens", testTokens},
		{"TokenRefresh", testTokenRefresh},
		{"PartnerReadAhead", testPartnerReadAhead},
		{"PartnerReadAheadWithUser", testPartnerReadAheadWithUser},
		{"EmailVerification", testEmailVerification},
		{"PartnerLogins", testPartnerLogins},
		{"PartnerLoginLater", testPartnerLoginLater},
		{"SuspensionCascade", testSuspensionCascade},
		{"InputBounds", testInputBounds},
		{"ConcurrentStatusChanges", testConcurrentStatusChanges},
		{"ChangeRequestCreate", testChangeRequestCreate},
		{"ChangeRequestDecide", testChangeRequestDecide},
		{"ConcurrentApproves", testConcurrentApproves},
		{"ChangeRequestAutoApprove", testChangeRequestAutoApprove},
		{"ChangeRequestLists", testChangeRequestLists},
		{"ChangeRequestSearch", testChangeRequestSearch},
		{"ChangeRequestsVsDeletion", testChangeRequestsVsDeletion},
		{"ClientAddsPhone", testClientAddsPhone},
		{"WebhookSettings", testWebhookSettings},
		{"UpdatePartnerWebhook", testUpdatePartnerWebhook},
		{"WebhookDeliveriesRecorded", testWebhookDeliveriesRecorded},
		{"ResolveByName", testResolveByName},
		{"UpdatePartnerUnder", testUpdatePartnerUnder},
		{"Contacts", testContacts},
		{"OwnHomeStatus", testOwnHomeStatus},
		{"ClientContactAndDelete", testClientContactAndDelete},
		{"UserRoleBeforeInput", testUserRoleBeforeInput},
		{"PathScopedLookups", testPathScopedLookups},
		{"PartnerAPIKeys", testPartnerAPIKeys},
		{"CheckPartnerWebhook", testCheckPartnerWebhook},
		{"ClientListFields", testClientListFields},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newFixture(t, open(t)))
		})
	}
}

// fixture is the small setup bundle every test starts from: a service over
// a fresh store with a root partner.
type fixture struct {
	ctx  context.Context
	svc  *hub.Service
	st   hub.Store // the store under test, for the reads the Service makes only in special cases
	root *hub.Partner
	sys  hub.Principal
	seq  atomic.Int64
}

const testMaxDepth = 8

func newFixture(t testing.TB, st hub.Store) *fixture {
	ctx := context.Background()
	svc := hub.NewService(st, testMaxDepth)
	svc.SetPasswordHasher(fastHasher{})
	svc.SetWebhookGuard(webhook.Guard{})
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatalf("create root: %v", err)
	}
	return &fixture{ctx: ctx, svc: svc, st: st, root: root, sys: hub.SystemPrincipal(root, "test")}
}

// child creates a partner under parent as the system principal.
func (f *fixture) child(t testing.TB, parent *hub.Partner, name string) *hub.Partner {
	t.Helper()
	p, err := f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: name, ParentID: parent.ID})
	if err != nil {
		t.Fatalf("create %s under %d: %v", name, parent.ID, err)
	}
	return p
}

// chain creates n partners, each under the previous, starting below parent.
func (f *fixture) chain(t testing.TB, parent *hub.Partner, n int) []*hub.Partner {
	t.Helper()
	out := make([]*hub.Partner, 0, n)
	for i := range n {
		parent = f.child(t, parent, fmt.Sprintf("chain-%d-%d", f.seq.Add(1), i))
		out = append(out, parent)
	}
	return out
}

// get re-reads a partner as the system principal.
func (f *fixture) get(t testing.TB, id int64) *hub.Partner {
	t.Helper()
	p, err := f.svc.Partner(f.ctx, f.sys, hub.PartnerKey{ID: id})
	if err != nil {
		t.Fatalf("get %d: %v", id, err)
	}
	return p
}

// principal returns a partner-level principal homed at p with the role
// and scopes of a Partner Supervisor.
func principal(p *hub.Partner) hub.Principal {
	return hub.Principal{PartnerID: p.ID, PartnerPath: p.Path, Actor: fmt.Sprintf("test:%d", p.ID),
		Role: hub.RolePartnerSupervisor, Scopes: hub.RolePartnerSupervisor.Scopes()}
}

// wantKind fails unless err carries kind.
func wantKind(t testing.TB, err error, kind hub.Kind, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got no error, want %v", what, kind)
	}
	if got := hub.ErrorKind(err); got != kind {
		t.Fatalf("%s: got %v (%v), want %v", what, got, err, kind)
	}
}

// failer is what checks need from a test: *testing.T and *rapid.T both fit.
type failer interface {
	Fatalf(format string, args ...any)
	Fatal(args ...any)
}

// all lists the whole tree by walking cursor pages.
func (f *fixture) all(t failer) []hub.Partner {
	var out []hub.Partner
	q := hub.ListQuery{Limit: hub.MaxLimit}
	for {
		page, err := f.svc.ListPartners(f.ctx, f.sys, hub.PartnerKey{}, q)
		if err != nil {
			t.Fatalf("list all: %v", err)
		}
		out = append(out, page.Items...)
		if !page.HasMore {
			return out
		}
		q.After = page.Items[len(page.Items)-1].ID
	}
}

// checkInvariants verifies, from a full read of the tree: every path is
// the parent's path plus the own id, depths match, there is no cycle, the
// depth bound holds, each node's Suspensions equals the number of
// suspended or inactive partners recounted along its parent links, and
// each node's subtree count from a range lookup equals a recount from
// parent links.
func (f *fixture) checkInvariants(t failer) {
	nodes := f.all(t)
	byID := make(map[int64]hub.Partner, len(nodes))
	for _, p := range nodes {
		byID[p.ID] = p
	}
	children := map[int64][]int64{}
	for _, p := range nodes {
		if p.ParentID == 0 {
			if p.Path != hub.RootPath(p.ID) || p.Depth != 0 {
				t.Fatalf("root %d has path %q depth %d", p.ID, p.Path, p.Depth)
			}
			continue
		}
		parent, ok := byID[p.ParentID]
		if !ok {
			t.Fatalf("partner %d has missing parent %d", p.ID, p.ParentID)
		}
		if want := hub.ChildPath(parent.Path, p.ID); p.Path != want {
			t.Fatalf("partner %d path %q, want %q", p.ID, p.Path, want)
		}
		if p.Depth != parent.Depth+1 || p.Depth != hub.PathDepth(p.Path) {
			t.Fatalf("partner %d depth %d, parent depth %d, path %q", p.ID, p.Depth, parent.Depth, p.Path)
		}
		if p.Depth > f.svc.MaxDepth() {
			t.Fatalf("partner %d at depth %d beyond max %d", p.ID, p.Depth, f.svc.MaxDepth())
		}
		children[p.ParentID] = append(children[p.ParentID], p.ID)
	}
	// Recount from parent links; a cycle would leave nodes unreached.
	var count func(id int64, seen int) int
	count = func(id int64, seen int) int {
		if seen > len(nodes) {
			t.Fatalf("cycle through partner %d", id)
		}
		n := 1
		for _, c := range children[id] {
			n += count(c, seen+1)
		}
		return n
	}
	var suspensions func(id int64, seen int) int
	suspensions = func(id int64, seen int) int {
		p := byID[id]
		if seen > len(nodes) {
			t.Fatalf("cycle through partner %d", id)
		}
		n := 0
		if hub.StatusBlocks(p.Status) {
			n = 1
		}
		if p.ParentID == 0 {
			return n
		}
		return n + suspensions(p.ParentID, seen+1)
	}
	for _, p := range nodes {
		if want := suspensions(p.ID, 0); p.Suspensions != want {
			t.Fatalf("partner %d (status %s, path %s) has suspensions %d, its ancestry counts %d", p.ID, p.Status, p.Path, p.Suspensions, want)
		}
	}
	reached := count(f.root.ID, 0)
	if reached != len(nodes) {
		t.Fatalf("parent links reach %d partners from the root, the table has %d", reached, len(nodes))
	}
	for _, p := range nodes {
		page, err := f.svc.ListPartners(f.ctx, f.sys, hub.PartnerKey{ID: p.ID}, hub.ListQuery{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if want := count(p.ID, 0); page.Total != int64(want) {
			t.Fatalf("subtree of %d: range lookup counts %d, parent links %d", p.ID, page.Total, want)
		}
	}
}
