package storetest

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testScopesForbidden checks that every service method demands its scope:
// a missing scope is Forbidden, while an invisible object stays NotFound
// whatever the scopes, so the two cases cannot be told apart.
func testScopesForbidden(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	a2 := f.child(t, a, "A2")
	b := f.child(t, f.root, "B")
	ca, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "ca", PartnerID: a1.ID})
	if err != nil {
		t.Fatal(err)
	}
	cb, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "cb", PartnerID: b.ID})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := f.svc.CreateChannel(f.ctx, f.sys, &hub.Channel{ClientID: ca.ID, PhoneNumber: "+14155550177"})
	if err != nil {
		t.Fatal(err)
	}

	none := principal(a)
	none.Scopes = nil
	ro := principal(a)
	ro.Role, ro.Scopes = hub.RoleSystemUser, hub.RoleSystemUser.Scopes()

	// Reads without the read scope: Forbidden when visible, NotFound when not.
	_, err = f.svc.Partner(f.ctx, none, hub.PartnerKey{ID: a1.ID})
	wantKind(t, err, hub.Forbidden, "read a visible partner without partners.read")
	_, err = f.svc.Partner(f.ctx, none, hub.PartnerKey{ID: b.ID})
	wantKind(t, err, hub.NotFound, "read an invisible partner without partners.read")
	_, err = f.svc.ListPartners(f.ctx, none, hub.PartnerKey{}, hub.ListQuery{})
	wantKind(t, err, hub.Forbidden, "list partners without partners.read")
	_, err = f.svc.ListPartners(f.ctx, none, hub.PartnerKey{ID: b.ID}, hub.ListQuery{})
	wantKind(t, err, hub.NotFound, "list an invisible subtree without partners.read")
	_, err = f.svc.IsVisible(f.ctx, none, a1.ID)
	wantKind(t, err, hub.Forbidden, "IsVisible without partners.read")
	_, err = f.svc.Client(f.ctx, none, ca.ID, "")
	wantKind(t, err, hub.Forbidden, "read a visible client without clients.read")
	_, err = f.svc.Client(f.ctx, none, cb.ID, "")
	wantKind(t, err, hub.NotFound, "read an invisible client without clients.read")
	_, err = f.svc.ListClients(f.ctx, none, hub.PartnerKey{}, false, hub.ListQuery{})
	wantKind(t, err, hub.Forbidden, "list clients without clients.read")
	_, err = f.svc.Channel(f.ctx, none, ch.ID, "")
	wantKind(t, err, hub.Forbidden, "read a visible channel without channels.read")
	_, err = f.svc.ListChannels(f.ctx, none, hub.PartnerKey{}, false, hub.ListQuery{})
	wantKind(t, err, hub.Forbidden, "list channels without channels.read")

	// The read-only principal reads, but every mutation is Forbidden.
	if _, err := f.svc.Partner(f.ctx, ro, hub.PartnerKey{ID: a1.ID}); err != nil {
		t.Fatalf("read-only principal reads a partner: %v", err)
	}
	if _, err := f.svc.Channel(f.ctx, ro, ch.ID, ""); err != nil {
		t.Fatalf("read-only principal reads a channel: %v", err)
	}
	_, err = f.svc.CreatePartner(f.ctx, ro, &hub.Partner{Name: "x", ParentID: a.ID})
	wantKind(t, err, hub.Forbidden, "create a partner without partners.create")
	_, err = f.svc.UpdatePartner(f.ctx, ro, hub.PartnerKey{ID: a1.ID}, 0, func(p *hub.Partner) error { p.Name = "renamed"; return nil })
	wantKind(t, err, hub.Forbidden, "update a partner without partners.update")
	_, err = f.svc.MovePartner(f.ctx, ro, hub.PartnerKey{ID: a2.ID}, a1.ID, 0)
	wantKind(t, err, hub.Forbidden, "move a partner without partners.update")
	_, err = f.svc.DeactivatePartner(f.ctx, ro, hub.PartnerKey{ID: a2.ID})
	wantKind(t, err, hub.Forbidden, "deactivate a partner without partners.update")
	err = f.svc.DeletePartner(f.ctx, ro, hub.PartnerKey{ID: a2.ID})
	wantKind(t, err, hub.Forbidden, "delete a partner without partners.delete")
	_, err = f.svc.CreateClient(f.ctx, ro, &hub.Client{Name: "x", PartnerID: a.ID})
	wantKind(t, err, hub.Forbidden, "create a client without clients.manage")
	_, err = f.svc.UpdateClient(f.ctx, ro, ca.ID, "", 0, func(c *hub.Client) error { c.Name = "y"; return nil })
	wantKind(t, err, hub.Forbidden, "update a client without clients.manage")
	_, err = f.svc.CreateChannel(f.ctx, ro, &hub.Channel{ClientID: ca.ID, PhoneNumber: "+14155550178"})
	wantKind(t, err, hub.Forbidden, "create a channel without channels.manage")
	_, err = f.svc.UpdateChannel(f.ctx, ro, ch.ID, "", 0, func(c *hub.Channel) error { c.AccountMode = "live"; return nil })
	wantKind(t, err, hub.Forbidden, "update a channel without channels.manage")

	// Nothing changed.
	if got := f.get(t, a2.ID); got.ParentID != a.ID || got.Status == hub.StatusInactive || got.Version != 1 {
		t.Fatalf("a forbidden call changed partner %d: %+v", a2.ID, got)
	}
	if got := f.get(t, a1.ID); got.Name != "A1" {
		t.Fatalf("a forbidden update renamed partner %d to %q", a1.ID, got.Name)
	}

	// partners.manage implies partners.update.
	mgr := principal(a)
	mgr.Scopes = []string{hub.ScopePartnersManage}
	if _, err := f.svc.UpdatePartner(f.ctx, mgr, hub.PartnerKey{ID: a1.ID}, 0, func(p *hub.Partner) error { p.Name = "A1b"; return nil }); err != nil {
		t.Fatalf("update with partners.manage: %v", err)
	}
}
