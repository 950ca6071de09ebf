package storetest

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testClientAddsPhone: a client's own user adds a channel (a phone number)
// only when the client's partner allows it (AllowClientAddPhone; else
// Forbidden, nothing created); the partner's own callers add channels
// whatever the setting.
func testClientAddsPhone(t *testing.T, f *fixture) {
	a := f.activeChild(t, f.root, "A")
	c, _ := f.clientWith(t, a, 0)
	add := func(pr hub.Principal, phone string) error {
		_, err := f.svc.CreateChannel(f.ctx, pr, &hub.Channel{ClientID: c.ID, PhoneNumber: phone})
		return err
	}
	wantKind(t, add(clientPrincipal(c), "+16505550101"), hub.Forbidden, "a client's admin while its partner does not allow it")
	if page, err := f.svc.Store().ListChannels(f.ctx, hub.Scope{ClientID: c.ID}, hub.ListQuery{Limit: 10}); err != nil || page.Total != 0 {
		t.Fatalf("a refused add left channels: %+v %v", page, err)
	}
	if err := add(principal(a), "+16505550102"); err != nil {
		t.Fatalf("the partner adds a channel while its clients may not: %v", err)
	}
	if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}, 0, func(p *hub.Partner) error { p.AllowClientAddPhone = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := add(clientPrincipal(c), "+16505550103"); err != nil {
		t.Fatalf("a client's admin once its partner allows it: %v", err)
	}
	if err := add(principal(a), "+16505550104"); err != nil {
		t.Fatalf("the partner adds a channel while its clients may too: %v", err)
	}
}
