package storetest

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

func testAudit(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	b := f.child(t, f.root, "B")
	pa := principal(a)
	c, err := f.svc.CreateClient(f.ctx, pa, &hub.Client{Name: "ca", PartnerID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateClient(f.ctx, pa, c.ID, "", 0, func(c *hub.Client) error { c.Name = "renamed"; return nil }); err != nil {
		t.Fatal(err)
	}
	u := f.mustUser(t, f.newUser("auditee", hub.RolePartnerUser, a.ID, 0), testPassword)
	if err := f.svc.SetPassword(f.ctx, pa, u.ID, "another long password"); err != nil {
		t.Fatal(err)
	}
	_, keyText, err := f.svc.CreateAPIKey(f.ctx, pa, hub.NewAPIKeyRequest{Name: "k", Scopes: []string{hub.ScopePartnersRead}})
	if err != nil {
		t.Fatal(err)
	}
	secret := keyText[strings.LastIndex(keyText, "_")+1:]
	if _, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "cb", PartnerID: b.ID}); err != nil {
		t.Fatal(err)
	}
	// A failed mutation leaves no row.
	_, err = f.svc.UpdateClient(f.ctx, pa, c.ID, "", 99, func(c *hub.Client) error { c.Name = "x"; return nil })
	wantKind(t, err, hub.Conflict, "stale update")

	page, err := f.svc.ListAudit(f.ctx, pa, hub.ListQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range page.Items {
		got = append(got, e.Action+" "+e.ObjectType)
		if e.PartnerID != a.ID {
			t.Fatalf("A's principal sees a row owned by partner %d: %+v", e.PartnerID, e)
		}
		raw, _ := json.Marshal(e)
		if strings.Contains(strings.ToLower(string(raw)), "hash") || strings.Contains(string(raw), "$test$") ||
			strings.Contains(string(raw), secret) || strings.Contains(string(raw), hub.HashSecret(secret)) {
			t.Fatalf("audit row leaks a secret: %s", raw)
		}
	}
	// Newest first; A's own creation is in its subtree too.
	want := []string{"create api_key", "set_password user", "create user", "update client", "create client", "create partner"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("audit rows %q, want %q", got, want)
	}
	upd := page.Items[3]
	if upd.ObjectID != strconv.FormatInt(c.ID, 10) || upd.Actor != pa.Actor || upd.PrincipalPartnerID != a.ID ||
		upd.Before["Name"] != "ca" || upd.After["Name"] != "renamed" || upd.Before["Status"] != nil {
		t.Fatalf("update row: %+v", upd)
	}
	all, err := f.svc.ListAudit(f.ctx, f.sys, hub.ListQuery{Limit: 100})
	if err != nil || all.Total != page.Total+3 { // root, B, cb
		t.Fatalf("system sees %d rows (%v), A sees %d", all.Total, err, page.Total)
	}
	none := principal(a)
	none.Scopes = nil
	_, err = f.svc.ListAudit(f.ctx, none, hub.ListQuery{})
	wantKind(t, err, hub.Forbidden, "audit without audit.read")
}
