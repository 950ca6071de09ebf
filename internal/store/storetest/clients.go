package storetest

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

func testClientsAndChannels(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	b := f.child(t, f.root, "B")
	pa := principal(a)
	c1, err := f.svc.CreateClient(f.ctx, pa, &hub.Client{Name: "Client one", PartnerID: a.ID, MetaInfo: map[string]any{"vertical": "retail"}})
	if err != nil {
		t.Fatal(err)
	}
	if !hub.IsRef(c1.Ref, hub.ClientRefSuffix) || c1.Version != 1 || c1.Status != hub.ClientActive || c1.CreatedBy != pa.Actor {
		t.Fatalf("new client: %+v", c1)
	}
	c2, err := f.svc.CreateClient(f.ctx, pa, &hub.Client{Name: "Client two", PartnerID: a1.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.CreateClient(f.ctx, pa, &hub.Client{Name: "x", PartnerID: b.ID})
	wantKind(t, err, hub.NotFound, "create a client under a sibling")
	cb, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "B's", PartnerID: b.ID})
	if err != nil {
		t.Fatal(err)
	}
	byRef, err := f.svc.Client(f.ctx, pa, 0, c1.Ref)
	if err != nil || byRef.ID != c1.ID || byRef.PartnerPath != a.Path || byRef.MetaInfo["vertical"] != "retail" {
		t.Fatalf("client by ref: %+v %v", byRef, err)
	}
	_, err = f.svc.Client(f.ctx, pa, cb.ID, "")
	wantKind(t, err, hub.NotFound, "read a sibling's client")

	direct, err := f.svc.ListClients(f.ctx, pa, hub.PartnerKey{}, true, hub.ListQuery{})
	if err != nil || direct.Total != 1 || direct.Items[0].ID != c1.ID {
		t.Fatalf("direct clients: %+v %v", direct, err)
	}
	subtree, err := f.svc.ListClients(f.ctx, pa, hub.PartnerKey{}, false, hub.ListQuery{Filter: mustParse(t, `name ilike 'client%'`)})
	if err != nil || subtree.Total != 2 {
		t.Fatalf("subtree clients: %+v %v", subtree, err)
	}
	_, err = f.svc.ListClients(f.ctx, pa, hub.PartnerKey{ID: b.ID}, false, hub.ListQuery{})
	wantKind(t, err, hub.NotFound, "list a sibling's clients")

	up, err := f.svc.UpdateClient(f.ctx, pa, c2.ID, "", 1, func(c *hub.Client) error {
		c.MaxChannels, c.PartnerPayload, c.PartnerID = 5, "payload", b.ID // PartnerID must be ignored
		return nil
	})
	if err != nil || up.Version != 2 || up.MaxChannels != 5 || up.PartnerID != a1.ID {
		t.Fatalf("update client: %+v %v", up, err)
	}
	_, err = f.svc.UpdateClient(f.ctx, pa, c2.ID, "", 1, func(c *hub.Client) error { c.Name = "stale"; return nil })
	wantKind(t, err, hub.Conflict, "stale client update")

	ch, err := f.svc.CreateChannel(f.ctx, pa, &hub.Channel{ClientID: c1.ID, PhoneNumber: "+14155550100", SetupInfo: map[string]any{"phone_number": "+14155550100"}})
	if err != nil {
		t.Fatal(err)
	}
	if !hub.IsRef(ch.Ref, hub.ChannelRefSuffix) || ch.PartnerID != a.ID {
		t.Fatalf("new channel: %+v", ch)
	}
	_, err = f.svc.CreateChannel(f.ctx, f.sys, &hub.Channel{ClientID: cb.ID, PhoneNumber: "+14155550100"})
	wantKind(t, err, hub.Conflict, "a phone number owned twice")
	_, err = f.svc.CreateChannel(f.ctx, pa, &hub.Channel{ClientID: c1.ID, PhoneNumber: "555-0100"})
	wantKind(t, err, hub.Invalid, "a non-E.164 number")
	_, err = f.svc.CreateChannel(f.ctx, pa, &hub.Channel{ClientID: cb.ID, PhoneNumber: "+14155550101"})
	wantKind(t, err, hub.NotFound, "a channel for a sibling's client")
	got, err := f.svc.Channel(f.ctx, pa, 0, ch.Ref)
	if err != nil || got.ID != ch.ID || got.ClientID != c1.ID {
		t.Fatalf("channel by ref: %+v %v", got, err)
	}
	chans, err := f.svc.ListChannels(f.ctx, pa, hub.PartnerKey{}, false, hub.ListQuery{Filter: mustParse(t, `setup_info.phone_number eq "+14155550100"`)})
	if err != nil || chans.Total != 1 {
		t.Fatalf("channels: %+v %v", chans, err)
	}
	upc, err := f.svc.UpdateChannel(f.ctx, pa, ch.ID, "", 0, func(c *hub.Channel) error { c.Status = hub.ClientInactive; return nil })
	if err != nil || upc.Status != hub.ClientInactive || upc.Version != 2 {
		t.Fatalf("update channel: %+v %v", upc, err)
	}
	// Moving a partner carries its clients along: a's principal still sees c2 under a1's new place.
	if _, err := f.svc.MovePartner(f.ctx, f.sys, hub.PartnerKey{ID: a1.ID}, b.ID, 0); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Client(f.ctx, pa, c2.ID, "")
	wantKind(t, err, hub.NotFound, "a client that moved out of the subtree")
	if _, err := f.svc.Client(f.ctx, principal(b), c2.ID, ""); err != nil {
		t.Fatalf("b sees its new client: %v", err)
	}
}

func testClientPrincipal(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	mine, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "mine", PartnerID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "other", PartnerID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	cp := hub.Principal{PartnerID: a.ID, PartnerPath: a.Path, ClientID: mine.ID, Actor: "client-user",
		Role: hub.RoleClientAdmin, Scopes: hub.RoleClientAdmin.Scopes()}
	if _, err := f.svc.Client(f.ctx, cp, mine.ID, ""); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Client(f.ctx, cp, other.ID, "")
	wantKind(t, err, hub.NotFound, "client principal reads a sibling client")
	_, err = f.svc.Partner(f.ctx, cp, hub.PartnerKey{ID: a.ID})
	wantKind(t, err, hub.NotFound, "client principal reads a partner")
	list, err := f.svc.ListClients(f.ctx, cp, hub.PartnerKey{}, false, hub.ListQuery{})
	if err != nil || list.Total != 1 || list.Items[0].ID != mine.ID {
		t.Fatalf("client principal list: %+v %v", list, err)
	}
	// A client-level principal sees no partner, so the would-be owner is
	// as missing to it as any other (visibility comes before the scope).
	_, err = f.svc.CreateClient(f.ctx, cp, &hub.Client{Name: "new", PartnerID: a.ID})
	wantKind(t, err, hub.NotFound, "client principal creates a client")
}
