package storetest

import (
	"context"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// lookupCounter counts the lookups by identifier that reach the store.
type lookupCounter struct {
	hub.Store
	n int
}

func (c *lookupCounter) Partner(ctx context.Context, key hub.PartnerKey) (*hub.Partner, error) {
	c.n++
	return c.Store.Partner(ctx, key)
}

func (c *lookupCounter) Client(ctx context.Context, id int64, ref string) (*hub.Client, error) {
	c.n++
	return c.Store.Client(ctx, id, ref)
}

func (c *lookupCounter) Channel(ctx context.Context, id int64, ref string) (*hub.Channel, error) {
	c.n++
	return c.Store.Channel(ctx, id, ref)
}

// testInputBounds: text PostgreSQL cannot store (U+0000, invalid UTF-8),
// anywhere in a stored value, nested map and list values and keys
// included, and money below zero are Invalid naming the field on every
// engine, before the database sees them (SQLite would store what
// PostgreSQL refuses with an error); an identifier that cannot name
// anything is NotFound without a query.
func testInputBounds(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	neg, huge := hub.Money(-1), hub.Money(1e18)
	for _, tc := range []struct {
		field string
		edit  func(*hub.Partner)
	}{
		{"attributes.k", func(p *hub.Partner) { p.Attributes = map[string]string{"k": "a\x00b"} }},
		{"attributes.k", func(p *hub.Partner) { p.Attributes = map[string]string{"k": "\xff"} }},
		{"callbacks.sms", func(p *hub.Partner) { p.Callbacks = map[string]string{"sms": "https://x.test/\x00"} }},
		{"settings.k", func(p *hub.Partner) { p.Settings = map[string]any{"k": []any{"ok", map[string]any{"x": "\x00"}}} }},
		{"acls", func(p *hub.Partner) { p.ACLs = []map[string]any{{"direction": "in\x00"}} }},
		{"acls", func(p *hub.Partner) { p.ACLs = []map[string]any{{"rules": []any{map[string]any{"k\x00": 1}}}} }},
		{"parent_assigned_acls", func(p *hub.Partner) { p.ParentAssignedACLs = []map[string]any{{"x": []any{"\x00"}}} }},
		{"transformations", func(p *hub.Partner) { p.Transformations = []map[string]any{{"v": "\xc3\x28"}} }},
		{"name", func(p *hub.Partner) { p.Name = "N\x00" }},
		{"charge_at", func(p *hub.Partner) { p.ChargeAt = &neg }},
		{"prepay_amount", func(p *hub.Partner) { p.PrepayAmount = &neg }},
		{"daily_spending_limit", func(p *hub.Partner) { p.DailySpendingLimit = -5 * hub.MoneyScale }},
		{"spending_limit", func(p *hub.Partner) { p.SpendingLimit = -1 }},
		{"charge_at", func(p *hub.Partner) { p.ChargeAt = &huge }},
	} {
		in := &hub.Partner{Name: "Bounds", ParentID: a.ID}
		tc.edit(in)
		_, err := f.svc.CreatePartner(f.ctx, f.sys, in)
		wantField(t, err, hub.Invalid, tc.field, "create with a bad "+tc.field)
		_, err = f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}, 0, func(p *hub.Partner) error { tc.edit(p); return nil })
		wantField(t, err, hub.Invalid, tc.field, "update with a bad "+tc.field)
	}
	zero := hub.Money(0)
	if _, err := f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: "Zero", ParentID: a.ID, ChargeAt: &zero, PrepayAmount: &zero}); err != nil {
		t.Fatalf("zero amounts: %v", err)
	}
	if got := f.get(t, a.ID); got.Version != 1 {
		t.Fatalf("refused updates changed A: version %d", got.Version)
	}

	_, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "C", PartnerID: a.ID, MetaInfo: map[string]any{"m": map[string]any{"x": "\x00"}}})
	wantField(t, err, hub.Invalid, "meta_info.m", "client meta_info with a NUL")
	c, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "C", PartnerID: a.ID, ContactInfo: map[string]any{"email": "c@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.CreateChannel(f.ctx, f.sys, &hub.Channel{ClientID: c.ID, PhoneNumber: "+14155550100", SetupInfo: map[string]any{"s": []any{"\x00"}}})
	wantField(t, err, hub.Invalid, "setup_info.s", "channel setup_info with a NUL")

	// Identifiers that cannot name anything: NotFound, and no query.
	lc := &lookupCounter{Store: f.svc.Store()}
	svc := hub.NewService(lc, testMaxDepth)
	for _, key := range []hub.PartnerKey{{SID: "\x00"}, {SID: "not-a-uuid"}, {SID: a.SID + "\x00"}, {Ref: "a\x00PA"}, {Ref: a.SID}, {ID: -1}} {
		_, err := svc.Partner(f.ctx, f.sys, key)
		wantKind(t, err, hub.NotFound, "partner by a malformed key")
		_, err = svc.VisibleParent(f.ctx, f.sys, key)
		wantKind(t, err, hub.NotFound, "parent by a malformed key")
	}
	for _, ref := range []string{"\x00", "x\x00CL", a.Ref} {
		_, err := svc.Client(f.ctx, f.sys, 0, ref)
		wantKind(t, err, hub.NotFound, "client by a malformed ref")
		_, err = svc.Channel(f.ctx, f.sys, 0, ref)
		wantKind(t, err, hub.NotFound, "channel by a malformed ref")
	}
	if lc.n != 0 {
		t.Fatalf("%d lookups by malformed identifiers reached the store", lc.n)
	}
	_, err = svc.RevokeToken(f.ctx, f.sys, "\x00")
	wantKind(t, err, hub.NotFound, "token by a malformed SID")
	// Well-formed ones still do.
	if _, err := svc.Partner(f.ctx, f.sys, hub.PartnerKey{Ref: a.Ref}); err != nil || lc.n != 1 {
		t.Fatalf("partner by its ref: %v (%d lookups)", err, lc.n)
	}
}
