package storetest

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testPartnerChangeRules checks the rules every face shares on updates:
// verification flags cannot be set by an edit, and parent_assigned_acls
// are set by an ancestor, never by the partner itself.
func testPartnerChangeRules(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	pre, err := f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: "pre", ParentID: f.root.ID,
		OwnerEmail: "o@example.com", OwnerEmailVerified: true, TechEmail: "t@example.com", TechEmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.get(t, pre.ID); pre.OwnerEmailVerified || got.OwnerEmailVerified || got.TechEmailVerified {
		t.Fatal("a create marked an e-mail address verified")
	}
	up, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}, 0, func(p *hub.Partner) error {
		p.OwnerEmail, p.OwnerEmailVerified = "owner@example.com", true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if up.OwnerEmailVerified || f.get(t, a.ID).OwnerEmailVerified {
		t.Fatal("an edit marked an e-mail address verified")
	}
	if up.ParentSID != f.root.SID || f.get(t, a.ID).ParentSID != f.root.SID {
		t.Fatalf("parent sid %q, want the root's %q", up.ParentSID, f.root.SID)
	}
	acls := []map[string]any{{"direction": "inbound"}}
	_, err = f.svc.UpdatePartner(f.ctx, principal(a), hub.PartnerKey{ID: a.ID}, 0, func(p *hub.Partner) error {
		p.ParentAssignedACLs = acls
		return nil
	})
	wantKind(t, err, hub.Invalid, "a partner sets its own parent_assigned_acls")
	if _, err := f.svc.UpdatePartner(f.ctx, principal(f.root), hub.PartnerKey{ID: a.ID}, 0, func(p *hub.Partner) error {
		p.ParentAssignedACLs = acls
		return nil
	}); err != nil {
		t.Fatalf("the parent sets parent_assigned_acls: %v", err)
	}
	// The partner may still edit its other fields, sending the ACLs back unchanged.
	if _, err := f.svc.UpdatePartner(f.ctx, principal(a), hub.PartnerKey{ID: a.ID}, 0, func(p *hub.Partner) error {
		p.City = "Lima"
		return nil
	}); err != nil {
		t.Fatalf("own edit with unchanged parent_assigned_acls: %v", err)
	}
}

// testVisibleParent: resolving a would-be parent needs partners.create only
// and answers a missing and an invisible partner alike.
func testVisibleParent(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	b := f.child(t, f.root, "B")
	creator := principal(a)
	creator.Scopes = []string{hub.ScopePartnersCreate}
	if p, err := f.svc.VisibleParent(f.ctx, creator, hub.PartnerKey{SID: a1.SID}); err != nil || p.ID != a1.ID {
		t.Fatalf("visible parent with partners.create only: %+v %v", p, err)
	}
	_, errSibling := f.svc.VisibleParent(f.ctx, creator, hub.PartnerKey{SID: b.SID})
	_, errMissing := f.svc.VisibleParent(f.ctx, creator, hub.PartnerKey{SID: hub.NewSID()})
	wantKind(t, errSibling, hub.NotFound, "an invisible parent")
	wantKind(t, errMissing, hub.NotFound, "a missing parent")
	if errSibling.Error() != errMissing.Error() {
		t.Fatalf("invisible %q and missing %q parents differ", errSibling, errMissing)
	}
	reader := principal(a)
	reader.Scopes = []string{hub.ScopePartnersRead}
	_, err := f.svc.VisibleParent(f.ctx, reader, hub.PartnerKey{ID: a1.ID})
	wantKind(t, err, hub.Forbidden, "resolving a parent without partners.create")
}
