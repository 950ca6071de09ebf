package storetest

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// testPathScopedLookups: the variants for faces whose paths name a
// client's partner too (ClientAt, UpdateClientAt, CreateClientAt,
// CreateChannelAt, CreateChangeRequest with at) accept the owning partner
// by ref or SID and answer NotFound for any other one, visible or not;
// a client-level caller may name its own client's partner and no other.
func testPathScopedLookups(t *testing.T, f *fixture) {
	a := f.activeChild(t, f.root, "A")
	a1 := f.activeChild(t, a, "A1")
	b := f.activeChild(t, f.root, "B")
	pa := principal(a)
	c, err := f.svc.CreateClientAt(f.ctx, pa, hub.PartnerKey{Ref: a1.Ref}, &hub.Client{Name: "by ref", PartnerID: b.ID})
	if err != nil || c.PartnerID != a1.ID {
		t.Fatalf("create at a1 by ref (PartnerID ignored): %+v %v", c, err)
	}
	bySID, err := f.svc.CreateClientAt(f.ctx, pa, hub.PartnerKey{SID: a.SID}, &hub.Client{Name: "by sid"})
	if err != nil || bySID.PartnerID != a.ID {
		t.Fatalf("create at a by SID: %+v %v", bySID, err)
	}
	_, err = f.svc.CreateClientAt(f.ctx, pa, hub.PartnerKey{Ref: b.Ref}, &hub.Client{Name: "at b"})
	wantKind(t, err, hub.NotFound, "create at an invisible partner")

	got, err := f.svc.ClientAt(f.ctx, pa, hub.PartnerKey{Ref: a1.Ref}, 0, c.Ref)
	if err != nil || got.ID != c.ID {
		t.Fatalf("client at its partner: %+v %v", got, err)
	}
	// The client's partner's parent is visible, but does not own it.
	_, err = f.svc.ClientAt(f.ctx, pa, hub.PartnerKey{Ref: a.Ref}, 0, c.Ref)
	wantKind(t, err, hub.NotFound, "client at another visible partner")
	_, err = f.svc.ClientAt(f.ctx, f.sys, hub.PartnerKey{Ref: b.Ref}, 0, c.Ref)
	wantKind(t, err, hub.NotFound, "client at another partner, as the system")
	_, err = f.svc.ClientAt(f.ctx, pa, hub.PartnerKey{Ref: "nonsense"}, 0, c.Ref)
	wantKind(t, err, hub.NotFound, "client at a malformed partner id")
	_, err = f.svc.UpdateClientAt(f.ctx, pa, hub.PartnerKey{Ref: a.Ref}, 0, c.Ref, 0, func(c *hub.Client) error { c.MaxChannels = 9; return nil })
	wantKind(t, err, hub.NotFound, "update at another partner")
	up, err := f.svc.UpdateClientAt(f.ctx, pa, hub.PartnerKey{SID: a1.SID}, 0, c.Ref, 0, func(c *hub.Client) error { c.MaxChannels = 9; return nil })
	if err != nil || up.MaxChannels != 9 || up.Version != 2 {
		t.Fatalf("update at its partner: %+v %v", up, err)
	}

	// A client-level caller names its own client's partner.
	cp := clientPrincipal(c)
	if got, err := f.svc.ClientAt(f.ctx, cp, hub.PartnerKey{Ref: a1.Ref}, 0, c.Ref); err != nil || got.ID != c.ID {
		t.Fatalf("client-level caller at its partner: %+v %v", got, err)
	}
	_, err = f.svc.ClientAt(f.ctx, cp, hub.PartnerKey{Ref: a.Ref}, 0, c.Ref)
	wantKind(t, err, hub.NotFound, "client-level caller at another partner")
	_, err = f.svc.ClientAt(f.ctx, cp, hub.PartnerKey{Ref: a1.Ref}, 0, bySID.Ref)
	wantKind(t, err, hub.NotFound, "client-level caller asking for another client")

	// (A1 lets its clients add numbers: see ClientAddsPhone.)
	if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a1.ID}, 0, func(p *hub.Partner) error { p.AllowClientAddPhone = true; return nil }); err != nil {
		t.Fatal(err)
	}
	ch, err := f.svc.CreateChannelAt(f.ctx, cp, hub.PartnerKey{Ref: a1.Ref}, 0, c.Ref,
		&hub.Channel{PhoneNumber: "+14155550190", Status: hub.ChannelReady, AccountMode: "live"})
	if err != nil || ch.ClientID != c.ID || ch.ClientRef != c.Ref || ch.ClientName != c.Name || ch.Status != hub.ChannelReady {
		t.Fatalf("channel created by the client's admin: %+v %v", ch, err)
	}
	read, err := f.svc.Channel(f.ctx, pa, 0, ch.Ref)
	if err != nil || read.ClientRef != c.Ref || read.ClientName != c.Name || read.ClientContactInfo == nil {
		t.Fatalf("channel read back with its client's fields: %+v %v", read, err)
	}
	_, err = f.svc.CreateChannelAt(f.ctx, pa, hub.PartnerKey{Ref: a.Ref}, 0, c.Ref, &hub.Channel{PhoneNumber: "+14155550191"})
	wantKind(t, err, hub.NotFound, "channel at another partner")
	_, err = f.svc.CreateChannelAt(f.ctx, pa, hub.PartnerKey{Ref: a1.Ref}, 0, c.Ref, &hub.Channel{PhoneNumber: "+14155550192", Status: "sleeping"})
	wantField(t, err, hub.Invalid, "status", "a channel status that is none of the known ones")

	cr, err := f.svc.CreateChangeRequest(f.ctx, cp, hub.PartnerKey{Ref: a1.Ref}, hub.NewChangeRequest{ClientRef: c.Ref, Target: hub.PartnerKey{Ref: b.Ref}})
	if err != nil || cr.SourceClientID != c.ID {
		t.Fatalf("change request by the client's admin at its partner: %+v %v", cr, err)
	}
	_, err = f.svc.CreateChangeRequest(f.ctx, pa, hub.PartnerKey{Ref: a.Ref}, hub.NewChangeRequest{ClientRef: bySID.Ref, Target: hub.PartnerKey{Ref: b.Ref}})
	if err != nil {
		t.Fatalf("change request at the client's own partner: %v", err)
	}
	_, err = f.svc.CreateChangeRequest(f.ctx, pa, hub.PartnerKey{Ref: a1.Ref}, hub.NewChangeRequest{ClientRef: bySID.Ref, Target: hub.PartnerKey{Ref: b.Ref}})
	wantKind(t, err, hub.NotFound, "change request at a partner that does not own the client")
}

// testPartnerAPIKeys: ListPartnerAPIKeys shows one partner's own keys,
// not its sub-partners'; RevokePartnerAPIKey revokes only a key of the
// partner named.
func testPartnerAPIKeys(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	pa := principal(a)
	key := func(p *hub.Partner, name string) *hub.APIKey {
		k, _, err := f.svc.CreateAPIKey(f.ctx, pa, hub.NewAPIKeyRequest{PartnerID: p.ID, Name: name, Scopes: []string{hub.ScopePartnersRead}})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	ka, ka1 := key(a, "of a"), key(a1, "of a1")
	key(a, "of a too")
	page, err := f.svc.ListPartnerAPIKeys(f.ctx, pa, hub.PartnerKey{Ref: a.Ref}, hub.ListQuery{})
	if err != nil || page.Total != 2 {
		t.Fatalf("a's own keys: %+v %v", page, err)
	}
	for _, k := range page.Items {
		if k.PartnerID != a.ID {
			t.Fatalf("a's list shows a key of partner %d", k.PartnerID)
		}
	}
	q := hub.ListQuery{Filter: &filter.Cond{Field: "name", Op: filter.Eq, Values: []filter.Value{{Text: "of a", Quoted: true}}}}
	if page, err := f.svc.ListPartnerAPIKeys(f.ctx, pa, hub.PartnerKey{Ref: a.Ref}, q); err != nil || page.Total != 1 || page.Items[0].ID != ka.ID {
		t.Fatalf("a's keys filtered by name: %+v %v", page, err)
	}
	_, err = f.svc.RevokePartnerAPIKey(f.ctx, pa, hub.PartnerKey{Ref: a.Ref}, ka1.ID)
	wantKind(t, err, hub.NotFound, "revoking a sub-partner's key at the parent")
	_, err = f.svc.RevokePartnerAPIKey(f.ctx, pa, hub.PartnerKey{Ref: a.Ref}, -1)
	wantKind(t, err, hub.NotFound, "revoking a key id that names nothing")
	if k, err := f.svc.Store().APIKey(f.ctx, ka1.ID); err != nil || k.RevokedAt != nil {
		t.Fatalf("a refused revocation revoked the key: %+v %v", k, err)
	}
	k, err := f.svc.RevokePartnerAPIKey(f.ctx, pa, hub.PartnerKey{SID: a1.SID}, ka1.ID)
	if err != nil || k.RevokedAt == nil {
		t.Fatalf("revoking a1's key at a1: %+v %v", k, err)
	}
}

// testCheckPartnerWebhook: the checks of SetPartnerWebhook, writing
// nothing.
func testCheckPartnerWebhook(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	pa := principal(a)
	wantField(t, f.svc.CheckPartnerWebhook(f.ctx, pa, hub.PartnerKey{Ref: a.Ref}, "ftp://example.com/x"), hub.Invalid, "webhook_url", "an ftp URL")
	wantField(t, f.svc.CheckPartnerWebhook(f.ctx, pa, hub.PartnerKey{Ref: a.Ref}, "https://127.0.0.1/hook"), hub.Invalid, "webhook_url", "a loopback URL")
	if err := f.svc.CheckPartnerWebhook(f.ctx, pa, hub.PartnerKey{Ref: a.Ref}, ""); err != nil {
		t.Fatalf("an empty URL (clearing): %v", err)
	}
	wantKind(t, f.svc.CheckPartnerWebhook(f.ctx, principal(f.child(t, f.root, "B")), hub.PartnerKey{Ref: a.Ref}, ""), hub.NotFound, "a sibling")
	if got := f.get(t, a.ID); got.Version != a.Version || got.WebhookURL != "" {
		t.Fatalf("a check wrote the partner: %+v", got)
	}
}
