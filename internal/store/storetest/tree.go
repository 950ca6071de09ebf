package storetest

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

func testRootAndCreate(t *testing.T, f *fixture) {
	if _, err := f.svc.CreateRoot(f.ctx, &hub.Partner{Name: "Second root"}); hub.ErrorKind(err) != hub.Conflict {
		t.Fatalf("second root: got %v, want Conflict", err)
	}
	_, err := f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: "orphan"})
	wantKind(t, err, hub.Invalid, "create without parent")
	_, err = f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: "", ParentID: f.root.ID})
	wantKind(t, err, hub.Invalid, "create without name")
	_, err = f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: "x", ParentID: 987654321})
	wantKind(t, err, hub.NotFound, "create under missing parent")

	a := f.child(t, f.root, "Acme")
	if a.Status != hub.StatusUnverified || a.Version != 1 || a.Depth != 1 || a.ParentID != f.root.ID {
		t.Fatalf("new partner: %+v", a)
	}
	if !hub.IsSID(a.SID) || !hub.IsRef(a.Ref, hub.PartnerRefSuffix) {
		t.Fatalf("identifiers: sid %q ref %q", a.SID, a.Ref)
	}
	for _, key := range []hub.PartnerKey{{ID: a.ID}, {SID: a.SID}, {Ref: a.Ref}} {
		got, err := f.svc.Partner(f.ctx, f.sys, key)
		if err != nil {
			t.Fatalf("get by %+v: %v", key, err)
		}
		if got.ID != a.ID {
			t.Fatalf("get by %+v: got %d", key, got.ID)
		}
	}
	ok, err := f.svc.IsVisible(f.ctx, principal(f.root), a.ID)
	if err != nil || !ok {
		t.Fatalf("root sees child: %v %v", ok, err)
	}
	ok, err = f.svc.IsVisible(f.ctx, principal(a), f.root.ID)
	if err != nil || ok {
		t.Fatalf("child sees root: %v %v", ok, err)
	}
	// Logins are unique when set.
	if _, err := f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: "L1", Login: "same", ParentID: a.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: "L2", Login: "same", ParentID: a.ID})
	wantKind(t, err, hub.Conflict, "duplicate login")
}

func testFieldsRoundTrip(t *testing.T, f *fixture) {
	charge := hub.Money(12345678)
	in := &hub.Partner{
		Name: "Fields Ltd", ContactName: "Jane Roe", ParentID: f.root.ID, Login: "fields",
		Reference: "ref-1", BillingID: "B-1", VerifyPhrase: "open sesame",
		Address1: "1 Main St", Address2: "Suite 2", City: "Springfield", State: "IL", Zip: "62701",
		CountryCode: "USA", Phonenumber: "+14155550100",
		OwnerEmail: "owner@example.com", BillingEmail: "a@example.com,b@example.com", TechEmail: "tech@example.com",
		PaymentType: hub.PaymentPostpay, ChargeAt: &charge, SpendingLimit: 9999 * hub.MoneyScale,
		AllowClientAddPhone: true,
		Callbacks:           map[string]string{"sms": "https://example.com/sms"},
		Settings:            map[string]any{"auto_approve": true},
		ACLs:                []map[string]any{{"direction": "outbound"}},
	}
	in.Attributes = map[string]string{"tier": "gold", "region": "north"}
	p, err := f.svc.CreatePartner(f.ctx, f.sys, in)
	if err != nil {
		t.Fatal(err)
	}
	// webhook_url is set on its own (it is checked and gets a secret).
	if p, _, err = f.svc.SetPartnerWebhook(f.ctx, f.sys, hub.PartnerKey{ID: p.ID}, "https://93.184.215.14/hook"); err != nil {
		t.Fatal(err)
	}
	got := f.get(t, p.ID)
	if !reflect.DeepEqual(got, p) {
		t.Fatalf("round trip differs:\n got  %+v\n want %+v", got, p)
	}
	if got.DailySpendingLimit.String() != "500" || got.ChargeAt.String() != "1234.5678" || got.PrepayAmount != nil {
		t.Fatalf("money: %v %v %v", got.DailySpendingLimit, got.ChargeAt, got.PrepayAmount)
	}
	if got.CreatedAt.Location() != time.UTC || got.CreatedAt.IsZero() {
		t.Fatalf("created_at %v", got.CreatedAt)
	}
	// Empty maps and lists come back empty, never nil-vs-empty surprises in JSON.
	bare := f.get(t, f.child(t, f.root, "bare").ID)
	if bare.Attributes == nil || len(bare.Attributes) != 0 || bare.Transformations == nil {
		t.Fatalf("empty collections: %#v %#v", bare.Attributes, bare.Transformations)
	}
	// A list's rows read the same values as a GET (on PostgreSQL a partner
	// page is read on the custom-plan pool, a GET on database/sql's
	// connections, each through pgx natively).
	for _, want := range []*hub.Partner{got, bare} {
		page, err := f.svc.ListPartners(f.ctx, f.sys, hub.PartnerKey{}, hub.ListQuery{
			Filter: mustParse(t, fmt.Sprintf("id eq %d", want.ID)), Limit: 1})
		if err != nil || len(page.Items) != 1 || page.Total != 1 {
			t.Fatalf("list of %d: %+v %v", want.ID, page, err)
		}
		if !reflect.DeepEqual(&page.Items[0], want) {
			t.Fatalf("listed differs from got:\n listed %+v\n got    %+v", page.Items[0], *want)
		}
	}
	_, err = f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: "bad", ParentID: f.root.ID, CountryCode: "us", OwnerEmail: "nope"})
	var he *hub.Error
	if !asError(err, &he) || he.Kind != hub.Invalid || len(he.Fields) != 2 {
		t.Fatalf("two bad fields: %#v", err)
	}
}

func asError(err error, target **hub.Error) bool {
	e, ok := err.(*hub.Error)
	if ok {
		*target = e
	}
	return ok
}

func testVisibility(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	b := f.child(t, f.root, "B")
	pa := principal(a)
	for _, tc := range []struct {
		id      int64
		visible bool
	}{{a.ID, true}, {a1.ID, true}, {b.ID, false}, {f.root.ID, false}, {424242, false}} {
		_, err := f.svc.Partner(f.ctx, pa, hub.PartnerKey{ID: tc.id})
		if tc.visible && err != nil {
			t.Fatalf("A cannot see %d: %v", tc.id, err)
		}
		if !tc.visible {
			wantKind(t, err, hub.NotFound, "A reads an invisible partner")
			if err.Error() != "partner not found" {
				t.Fatalf("invisible and missing must answer alike, got %q", err)
			}
		}
	}
	// Writes against invisible partners change nothing.
	_, err := f.svc.UpdatePartner(f.ctx, pa, hub.PartnerKey{ID: b.ID}, 0, func(p *hub.Partner) error { p.Name = "hacked"; return nil })
	wantKind(t, err, hub.NotFound, "update sibling")
	_, err = f.svc.CreatePartner(f.ctx, pa, &hub.Partner{Name: "x", ParentID: b.ID})
	wantKind(t, err, hub.NotFound, "create under sibling")
	_, err = f.svc.MovePartner(f.ctx, pa, hub.PartnerKey{ID: a1.ID}, b.ID, 0)
	wantKind(t, err, hub.NotFound, "move into sibling")
	wantKind(t, f.svc.DeletePartner(f.ctx, pa, hub.PartnerKey{ID: b.ID}), hub.NotFound, "delete sibling")
	if got := f.get(t, b.ID); got.Name != "B" || got.Version != 1 {
		t.Fatalf("sibling changed: %+v", got)
	}
	page, err := f.svc.ListPartners(f.ctx, pa, hub.PartnerKey{}, hub.ListQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 2 || len(page.Items) != 2 {
		t.Fatalf("A lists %d/%d partners, want itself and A1", len(page.Items), page.Total)
	}
	_, err = f.svc.ListPartners(f.ctx, pa, hub.PartnerKey{ID: b.ID}, hub.ListQuery{})
	wantKind(t, err, hub.NotFound, "list a sibling's subtree")
}

func testUpdateVersion(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	up, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}, 1, func(p *hub.Partner) error {
		p.City = "Paris"
		p.ID, p.Path, p.Version = 999, "/evil/", 77 // must be ignored
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != 2 || up.City != "Paris" || up.ID != a.ID || up.Path != a.Path {
		t.Fatalf("after update: %+v", up)
	}
	_, err = f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}, 1, func(p *hub.Partner) error { p.City = "Rome"; return nil })
	wantKind(t, err, hub.Conflict, "stale version")
	if got := f.get(t, a.ID); got.City != "Paris" || got.Version != 2 {
		t.Fatalf("stale update wrote: %+v", got)
	}
	_, err = f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}, 0, func(p *hub.Partner) error { p.CountryCode = "xx"; return nil })
	wantKind(t, err, hub.Invalid, "invalid update")
	if got := f.get(t, a.ID); got.Version != 2 {
		t.Fatalf("invalid update bumped version: %d", got.Version)
	}
}

func testConcurrentUpdates(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	const writers = 8
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := string(rune('a' + i))
			_, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}, 0, func(p *hub.Partner) error {
				next := map[string]string{key: "1"}
				for k, v := range p.Attributes {
					next[k] = v
				}
				p.Attributes = next
				return nil
			})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		// Unpinned updates retry until they apply: none may be refused.
		if err != nil {
			t.Fatalf("concurrent unpinned update refused: %v", err)
		}
	}
	got := f.get(t, a.ID)
	if len(got.Attributes) != writers || got.Version != int64(1+writers) {
		t.Fatalf("%d writers: attributes %v, version %d", writers, got.Attributes, got.Version)
	}
}

func testMove(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	b := f.child(t, f.root, "B")
	sub := f.chain(t, a, 3) // a -> s0 -> s1 -> s2
	moved, err := f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: sub[0].ID}, b.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if moved.ParentID != b.ID || moved.Path != hub.ChildPath(b.Path, sub[0].ID) || moved.Version != 2 {
		t.Fatalf("moved: %+v", moved)
	}
	for _, p := range sub[1:] {
		got := f.get(t, p.ID)
		if !strings.HasPrefix(got.Path, moved.Path) || got.Depth != hub.PathDepth(got.Path) {
			t.Fatalf("descendant %d not moved along: %q", p.ID, got.Path)
		}
		if got.Version != p.Version {
			t.Fatalf("descendant %d version changed by a move", p.ID)
		}
	}
	// A move through UpdatePartner changes fields and position at once, one version bump.
	up, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: sub[0].ID}, 2, func(p *hub.Partner) error {
		p.ParentID, p.City = a.ID, "Oslo"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if up.ParentID != a.ID || up.City != "Oslo" || up.Version != 3 || f.get(t, sub[0].ID).Path != hub.ChildPath(a.Path, sub[0].ID) {
		t.Fatalf("update-move: %+v", up)
	}
	f.checkInvariants(t)
}

func testMoveRules(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	sub := f.chain(t, a, 2)
	_, err := f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}, sub[1].ID, 0)
	wantKind(t, err, hub.Invalid, "move under own descendant")
	_, err = f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}, a.ID, 0)
	wantKind(t, err, hub.Invalid, "move under itself")
	_, err = f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: f.root.ID}, a.ID, 0)
	wantKind(t, err, hub.Invalid, "move the root")
	_, err = f.svc.MovePartner(f.ctx, principal(a), hub.PartnerKey{ID: a.ID}, sub[0].ID, 0)
	wantKind(t, err, hub.Invalid, "move own home partner")
	_, err = f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: sub[0].ID}, 0, 0)
	wantKind(t, err, hub.Invalid, "move without parent")
	_, err = f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: sub[0].ID}, f.root.ID, 5)
	wantKind(t, err, hub.Conflict, "move with stale version")

	// Depth bound: a chain as deep as allowed, then a subtree that would overflow.
	deep := f.chain(t, f.root, testMaxDepth)
	_, err = f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: "too deep", ParentID: deep[len(deep)-1].ID})
	wantKind(t, err, hub.Invalid, "create beyond max depth")
	_, err = f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}, deep[len(deep)-3].ID, 0)
	wantKind(t, err, hub.Invalid, "move beyond max depth")
	f.checkInvariants(t)
}

func testDeleteAndDeactivate(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	leaf := f.child(t, a, "leaf")
	wantKind(t, f.svc.DeletePartner(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}), hub.Conflict, "delete a parent")
	wantKind(t, f.svc.DeletePartner(f.ctx, f.sys, hub.PartnerKey{ID: f.root.ID}), hub.Invalid, "delete the root")
	wantKind(t, f.svc.DeletePartner(f.ctx, principal(a), hub.PartnerKey{ID: a.ID}), hub.Invalid, "delete own home")
	if _, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "c", PartnerID: leaf.ID}); err != nil {
		t.Fatal(err)
	}
	wantKind(t, f.svc.DeletePartner(f.ctx, f.sys, hub.PartnerKey{ID: leaf.ID}), hub.Conflict, "delete a partner with clients")
	empty := f.child(t, a, "empty")
	if err := f.svc.DeletePartner(f.ctx, f.sys, hub.PartnerKey{ID: empty.ID}); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Partner(f.ctx, f.sys, hub.PartnerKey{ID: empty.ID})
	wantKind(t, err, hub.NotFound, "get deleted")
	wantKind(t, f.svc.DeletePartner(f.ctx, f.sys, hub.PartnerKey{ID: empty.ID}), hub.NotFound, "delete twice")
	// The deleted partner had the highest id; its id is never handed out
	// again (audit rows and caches still name it).
	if next := f.child(t, a, "after-delete"); next.ID <= empty.ID {
		t.Fatalf("a new partner got id %d, not above the deleted partner's %d", next.ID, empty.ID)
	}

	d, err := f.svc.DeactivatePartner(f.ctx, f.sys, hub.PartnerKey{ID: leaf.ID})
	if err != nil || d.Status != hub.StatusInactive || f.get(t, leaf.ID).Status != hub.StatusInactive {
		t.Fatalf("deactivate: %+v %v", d, err)
	}
	_, err = f.svc.DeactivatePartner(f.ctx, principal(a), hub.PartnerKey{ID: a.ID})
	wantKind(t, err, hub.Invalid, "deactivate own home")
}
