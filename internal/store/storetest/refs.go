package storetest

import (
	"errors"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testResolveByName: a partner or client named by name is found among
// those the caller can see only; a name two visible partners carry is a
// Conflict wrapping ErrAmbiguous, while a namesake outside the caller's
// subtree neither matches nor makes the name ambiguous; by id, a missing
// and an invisible partner are the same NotFound; the requirement is
// checked after visibility.
func testResolveByName(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "Twin")
	a2 := f.child(t, a, "Twin")
	b := f.child(t, f.root, "B")
	bOnly := f.child(t, b, "Unique")
	aOnly := f.child(t, a, "Unique")
	pa := principal(a)
	read := hub.NeedPartnersRead

	got, err := f.svc.ResolvePartner(f.ctx, pa, hub.PartnerRef{Name: "Unique"}, read)
	if err != nil || got.ID != aOnly.ID {
		t.Fatalf("Unique from A: %+v %v; want partner %d (B's namesake is invisible)", got, err, aOnly.ID)
	}
	_, err = f.svc.ResolvePartner(f.ctx, pa, hub.PartnerRef{Name: "Twin"}, read)
	if wantKind(t, err, hub.Conflict, "a name two visible partners carry"); !errors.Is(err, hub.ErrAmbiguous) {
		t.Fatalf("ambiguous name: %v does not wrap ErrAmbiguous", err)
	}
	got, err = f.svc.ResolvePartner(f.ctx, principal(a1), hub.PartnerRef{Name: "Twin"}, read)
	if err != nil || got.ID != a1.ID {
		t.Fatalf("Twin from A1 (sees itself only): %+v %v", got, err)
	}
	_, err = f.svc.ResolvePartner(f.ctx, pa, hub.PartnerRef{Name: "B"}, read)
	wantKind(t, err, hub.NotFound, "the name of a partner outside the subtree")
	_, err = f.svc.ResolvePartner(f.ctx, pa, hub.PartnerRef{Name: "no such name"}, read)
	wantKind(t, err, hub.NotFound, "a name nobody carries")
	_, err = f.svc.ResolvePartner(f.ctx, pa, hub.PartnerRef{Name: "nul\x00"}, read)
	wantKind(t, err, hub.NotFound, "a name with a NUL")
	_, err = f.svc.ResolvePartner(f.ctx, pa, hub.PartnerRef{ID: bOnly.ID}, read)
	wantKind(t, err, hub.NotFound, "an invisible id")
	_, err = f.svc.ResolvePartner(f.ctx, pa, hub.PartnerRef{ID: 1 << 40}, read)
	wantKind(t, err, hub.NotFound, "a missing id")
	if got, err = f.svc.ResolvePartner(f.ctx, pa, hub.PartnerRef{ID: a2.ID}, read); err != nil || got.ID != a2.ID {
		t.Fatalf("a visible id: %+v %v", got, err)
	}
	none := pa
	none.Scopes = nil
	_, err = f.svc.ResolvePartner(f.ctx, none, hub.PartnerRef{Name: "Unique"}, read)
	wantKind(t, err, hub.Forbidden, "a visible name without the scope")
	_, err = f.svc.ResolvePartner(f.ctx, none, hub.PartnerRef{Name: "B"}, read)
	wantKind(t, err, hub.NotFound, "an invisible name without the scope")

	// Clients: the same rules; a client-level caller sees its own client.
	ca, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "Shop", PartnerID: a1.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "Shop", PartnerID: b.ID}); err != nil {
		t.Fatal(err)
	}
	gotC, err := f.svc.ResolveClient(f.ctx, pa, hub.ClientRef{Name: "Shop"}, hub.NeedClientsRead)
	if err != nil || gotC.ID != ca.ID {
		t.Fatalf("client Shop from A: %+v %v", gotC, err)
	}
	_, err = f.svc.ResolveClient(f.ctx, f.sys, hub.ClientRef{Name: "Shop"}, hub.NeedClientsRead)
	wantKind(t, err, hub.Conflict, "a client name two visible clients carry")
	clientPr := hub.Principal{PartnerID: a1.ID, PartnerPath: a1.Path, ClientID: ca.ID, Role: hub.RoleClientAdmin, Scopes: hub.RoleClientAdmin.Scopes()}
	if gotC, err = f.svc.ResolveClient(f.ctx, clientPr, hub.ClientRef{Name: "Shop"}, hub.NeedClientsRead); err != nil || gotC.ID != ca.ID {
		t.Fatalf("client Shop from its own client user: %+v %v", gotC, err)
	}
	_, err = f.svc.ResolvePartner(f.ctx, clientPr, hub.PartnerRef{Name: "Twin"}, read)
	wantKind(t, err, hub.NotFound, "a client-level caller names a partner")

	names, err := f.svc.PartnerNames(f.ctx, []int64{a.ID, bOnly.ID, a.ID, 1 << 40, 0})
	if err != nil || len(names) != 2 || names[a.ID] != "A" || names[bOnly.ID] != "Unique" {
		t.Fatalf("PartnerNames: %v %v", names, err)
	}
	if hub.TopPartnerID(a1.Path) != a.ID || hub.TopPartnerID(a.Path) != a.ID || hub.TopPartnerID(f.root.Path) != f.root.ID {
		t.Fatalf("TopPartnerID: %d %d %d", hub.TopPartnerID(a1.Path), hub.TopPartnerID(a.Path), hub.TopPartnerID(f.root.Path))
	}
}

// testContacts: a partner's or client's contact named by id must be a
// user the caller can see, and one that can act for the object: for a
// partner, a partner-level user homed at it or above it; for a client, a
// user of that client. Anything else is Invalid naming "contact", the same
// for a missing and an invisible user, and nothing is written.
func testContacts(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	b := f.child(t, f.root, "B")
	atA := f.mustUser(t, f.newUser("contact-a", hub.RolePartnerUser, a.ID, 0), "")
	atA1 := f.mustUser(t, f.newUser("contact-a1", hub.RolePartnerUser, a1.ID, 0), "")
	atB := f.mustUser(t, f.newUser("contact-b", hub.RolePartnerUser, b.ID, 0), "")
	shop, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "Shop", PartnerID: a1.ID})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "Other", PartnerID: a1.ID})
	if err != nil {
		t.Fatal(err)
	}
	ofShop := f.mustUser(t, f.newUser("contact-shop", hub.RoleClientUser, 0, shop.ID), "")
	ofOther := f.mustUser(t, f.newUser("contact-other", hub.RoleClientUser, 0, other.ID), "")
	pa := principal(a)

	p, err := f.svc.CreatePartner(f.ctx, pa, &hub.Partner{Name: "New", ParentID: a1.ID, ContactUserID: atA.ID})
	if err != nil || p.ContactUserID != atA.ID {
		t.Fatalf("create with a contact homed above: %+v %v", p, err)
	}
	before := f.count(t, a)
	for _, tc := range []struct {
		name string
		id   int64
	}{{"invisible", atB.ID}, {"missing", 1 << 40}, {"client-level", ofShop.ID}, {"homed at a sibling of the new partner", atA1.ID}} {
		_, err := f.svc.CreatePartner(f.ctx, pa, &hub.Partner{Name: "Bad", ParentID: a.ID, ContactUserID: tc.id})
		wantField(t, err, hub.Invalid, "contact", "create with a "+tc.name+" contact")
		_, err = f.svc.UpdatePartner(f.ctx, pa, hub.PartnerKey{ID: a1.ID}, 0, func(p *hub.Partner) error { p.ContactUserID = tc.id; return nil })
		if tc.id == atA1.ID { // A1's own user may be A1's contact
			if err != nil {
				t.Fatalf("A1's own user as A1's contact: %v", err)
			}
			continue
		}
		wantField(t, err, hub.Invalid, "contact", "update with a "+tc.name+" contact")
	}
	if got := f.get(t, a1.ID); got.ContactUserID != atA1.ID {
		t.Fatalf("A1's contact is %d; want its own user %d", got.ContactUserID, atA1.ID)
	}
	if after := f.count(t, a); after != before {
		t.Fatalf("refused creates created partners or users: %d -> %d", before, after)
	}

	// Clients.
	_, err = f.svc.UpdateClient(f.ctx, pa, shop.ID, "", 0, func(c *hub.Client) error { c.ContactUserID = ofOther.ID; return nil })
	wantField(t, err, hub.Invalid, "contact", "a user of another client")
	_, err = f.svc.UpdateClient(f.ctx, pa, shop.ID, "", 0, func(c *hub.Client) error { c.ContactUserID = atA.ID; return nil })
	wantField(t, err, hub.Invalid, "contact", "a partner-level user as a client's contact")
	c, err := f.svc.UpdateClient(f.ctx, pa, shop.ID, "", 0, func(c *hub.Client) error { c.ContactUserID = ofShop.ID; return nil })
	if err != nil || c.ContactUserID != ofShop.ID || c.Version != 2 {
		t.Fatalf("the client's own user as its contact: %+v %v", c, err)
	}

	// Contact shows a visible contact only.
	if u, err := f.svc.Contact(f.ctx, principal(a1), atA.ID); err != nil || u != nil {
		t.Fatalf("A1 sees the contact homed at A: %+v %v", u, err)
	}
	if u, err := f.svc.Contact(f.ctx, pa, atA.ID); err != nil || u == nil || u.ID != atA.ID {
		t.Fatalf("A does not see its own user as a contact: %+v %v", u, err)
	}
}

// testOwnHomeStatus: a caller cannot deactivate or suspend its own home
// partner through an update (it would lock itself out); an ancestor can,
// and the partner's SetActive maps an isActive flag onto statuses.
func testOwnHomeStatus(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	_, err := f.svc.UpdatePartner(f.ctx, principal(a1), hub.PartnerKey{ID: a1.ID}, 0, func(p *hub.Partner) error { p.SetActive(false); return nil })
	wantField(t, err, hub.Invalid, "status", "deactivate the own home partner")
	if got := f.get(t, a1.ID); got.Status != hub.StatusUnverified || got.Version != 1 {
		t.Fatalf("a refused deactivation wrote: %+v", got)
	}
	p, err := f.svc.UpdatePartner(f.ctx, principal(a), hub.PartnerKey{ID: a1.ID}, 0, func(p *hub.Partner) error { p.SetActive(false); return nil })
	if err != nil || p.Status != hub.StatusInactive || p.Active() || !p.Blocked() {
		t.Fatalf("the parent deactivates A1: %+v %v", p, err)
	}
	p, err = f.svc.UpdatePartner(f.ctx, principal(a), hub.PartnerKey{ID: a1.ID}, 0, func(p *hub.Partner) error { p.SetActive(true); return nil })
	if err != nil || p.Status != hub.StatusActive || !p.Active() || p.Blocked() {
		t.Fatalf("the parent reactivates A1: %+v %v", p, err)
	}
	// Unverified stays unverified: it is active already.
	u := &hub.Partner{Status: hub.StatusUnverified}
	if u.SetActive(true); u.Status != hub.StatusUnverified {
		t.Fatalf("SetActive(true) on unverified gave %q", u.Status)
	}
}

// testUpdatePartnerUnder: a move's new parent named by id or name is
// resolved with the caller's visibility inside the update: a parent
// nobody visible matches is NotFound wrapping ErrNoSuchParent (the moved
// partner's own NotFound wraps nothing), a name two visible partners
// carry is a Conflict wrapping ErrAmbiguous, and nothing is written;
// a good one moves the partner and applies the other changes in one
// version bump.
func testUpdatePartnerUnder(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	m := f.child(t, a, "M")
	f.child(t, a, "Twin")
	f.child(t, a, "Twin")
	dest := f.child(t, a, "Dest")
	b := f.child(t, f.root, "B")
	pa := principal(a)
	rename := func(p *hub.Partner) error { p.Name = "M moved"; return nil }
	move := func(key hub.PartnerKey, ref hub.PartnerRef) error {
		_, err := f.svc.UpdatePartnerUnder(f.ctx, pa, key, 0, ref, rename)
		return err
	}
	for _, ref := range []hub.PartnerRef{{Name: "B"}, {ID: b.ID}, {Name: "nobody"}, {ID: 1 << 40}} {
		err := move(hub.PartnerKey{ID: m.ID}, ref)
		if wantKind(t, err, hub.NotFound, "an invisible or missing parent"); !errors.Is(err, hub.ErrNoSuchParent) {
			t.Fatalf("parent %+v: %v does not wrap ErrNoSuchParent", ref, err)
		}
	}
	err := move(hub.PartnerKey{ID: m.ID}, hub.PartnerRef{Name: "Twin"})
	if wantKind(t, err, hub.Conflict, "an ambiguous parent name"); !errors.Is(err, hub.ErrAmbiguous) {
		t.Fatalf("ambiguous parent: %v does not wrap ErrAmbiguous", err)
	}
	err = move(hub.PartnerKey{ID: b.ID}, hub.PartnerRef{Name: "Dest"})
	if wantKind(t, err, hub.NotFound, "moving an invisible partner"); errors.Is(err, hub.ErrNoSuchParent) {
		t.Fatalf("the moved partner's NotFound wraps ErrNoSuchParent: %v", err)
	}
	if got := f.get(t, m.ID); got.Name != "M" || got.ParentID != a.ID || got.Version != m.Version {
		t.Fatalf("refused moves changed M: %+v", got)
	}
	if err := move(hub.PartnerKey{ID: m.ID}, hub.PartnerRef{Name: "Dest"}); err != nil {
		t.Fatalf("move under Dest by name: %v", err)
	}
	if got := f.get(t, m.ID); got.Name != "M moved" || got.ParentID != dest.ID || got.Path != hub.ChildPath(dest.Path, m.ID) || got.Version != m.Version+1 {
		t.Fatalf("after the move: %+v", got)
	}
}
