package storetest

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testClientListFields: the list fields the /api/v2 face filters by:
// a client's free text q (name, ref, organisation, case-insensitive), its
// contact user's name, e-mail and phone (read with the client), and a
// channel's client ref.
func testClientListFields(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	pa := principal(a)
	mk := func(name, org string) *hub.Client {
		c, err := f.svc.CreateClient(f.ctx, pa, &hub.Client{Name: name, Organisation: org, PartnerID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	acme, _ := mk("Acme Widgets", "Acme Holding"), mk("Globex", "Globex Corp")
	hooli := mk("Hooli", "100%_Hooli")
	u := f.mustUser(t, &hub.User{Username: "contact-acme", FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.test",
		Phone: "+14155550177", Role: hub.RoleClientAdmin, ClientID: acme.ID, Active: true}, "")
	if _, err := f.svc.UpdateClient(f.ctx, pa, acme.ID, "", 0, func(c *hub.Client) error { c.ContactUserID = u.ID; return nil }); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Client(f.ctx, pa, acme.ID, "")
	if err != nil || got.ContactUserName != "Ada Lovelace" || got.ContactUserEmail != "ada@acme.test" || got.ContactUserPhone != "+14155550177" {
		t.Fatalf("client read with its contact user: %+v %v", got, err)
	}
	if got, err := f.svc.Client(f.ctx, pa, hooli.ID, ""); err != nil || got.ContactUserName != "" || got.ContactUserEmail != "" {
		t.Fatalf("client without a contact user: %+v %v", got, err)
	}
	count := func(expr string) int64 {
		t.Helper()
		page, err := f.svc.ListClients(f.ctx, pa, hub.PartnerKey{}, false, hub.ListQuery{Filter: mustParse(t, expr)})
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return page.Total
	}
	for expr, want := range map[string]int64{
		`q ilike "%acme%"`:                              1,
		`q ilike "%HOLDING%"`:                           1,
		`q ilike "%` + hooli.Ref + `%"`:                 1,
		`q ilike "%100\%\_%"`:                           1,
		`q ilike "%o%"`:                                 3,
		`contact_user_email eq "ada@acme.test"`:         1,
		`contact_user_name ilike "ada%"`:                1,
		`contact_user_phone eq "+14155550177"`:          1,
		`contact_user_email eq ""`:                      2,
		`contact_user_name eq "Nobody"`:                 0,
		`name eq "Globex" and contact_user_email eq ""`: 1,
	} {
		if got := count(expr); got != want {
			t.Errorf("%s: %d clients, want %d", expr, got, want)
		}
	}
	ch, err := f.svc.CreateChannel(f.ctx, pa, &hub.Channel{ClientID: hooli.ID, PhoneNumber: "+14155550178"})
	if err != nil {
		t.Fatal(err)
	}
	page, err := f.svc.ListChannels(f.ctx, pa, hub.PartnerKey{}, false, hub.ListQuery{Filter: mustParse(t, `client_ref eq "`+hooli.Ref+`"`)})
	if err != nil || page.Total != 1 || page.Items[0].ID != ch.ID || page.Items[0].ClientRef != hooli.Ref || page.Items[0].ClientName != "Hooli" {
		t.Fatalf("channels by client ref: %+v %v", page, err)
	}
}
