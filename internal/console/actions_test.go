package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// editForm is the edit form of a partner as posted: its current values
// with some changed.
func editForm(p *hub.Partner, version int64, name, contact string) url.Values {
	return url.Values{"version": {id(version)}, "name": {name}, "contact_name": {contact}, "status": {p.Status},
		"payment_type": {p.PaymentType}, "country_code": {p.CountryCode}}
}

// TestEditPartner: a save at the version the form was read at applies
// and is audited; a save after someone else's change is a 409 that keeps
// the user's values, shows the stored ones and offers the new version;
// saving again then applies. Invalid input is a 422 naming the field.
func TestEditPartner(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		alice := e.signedIn("alice")
		path := "/console/partners/" + id(e.alpha1.ID) + "/edit"
		if res := alice.get(path); !strings.Contains(res.body, `name="version" value="`+id(e.alpha1.Version)+`"`) {
			t.Fatalf("edit form lacks the version:\n%s", res.body)
		}
		// Someone else saves meanwhile.
		if _, err := e.svc.UpdatePartner(ctx, e.sys, keyOf(e.alpha1.ID), 0, func(p *hub.Partner) error { p.ContactName = "Zed"; return nil }); err != nil {
			t.Fatal(err)
		}
		res := alice.post(path, editForm(e.alpha1, e.alpha1.Version, "Alpha Uno", "Bea"))
		if res.status != http.StatusConflict || !strings.Contains(res.body, "Someone else changed this partner") ||
			!strings.Contains(res.body, `value="Alpha Uno"`) || !strings.Contains(res.body, "Saved meanwhile: <strong>Zed</strong>") ||
			!strings.Contains(res.body, `name="version" value="`+id(e.alpha1.Version+1)+`"`) {
			t.Fatalf("conflict: %d\n%s", res.status, res.body)
		}
		if p, _ := e.svc.Partner(ctx, e.sys, keyOf(e.alpha1.ID)); p.Name != "Alpha One" || p.ContactName != "Zed" {
			t.Fatalf("a stale save changed the partner: %q %q", p.Name, p.ContactName)
		}
		res = alice.post(path, editForm(e.alpha1, e.alpha1.Version+1, "Alpha Uno", "Bea"))
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/console/partners/"+id(e.alpha1.ID) {
			t.Fatalf("save: %d\n%s", res.status, res.body)
		}
		if res := alice.get(res.header.Get("Location")); !strings.Contains(res.body, "Saved the changes to Alpha Uno.") {
			t.Fatal("no confirmation after the save")
		}
		p, _ := e.svc.Partner(ctx, e.sys, keyOf(e.alpha1.ID))
		if p.Name != "Alpha Uno" || p.ContactName != "Bea" {
			t.Fatalf("saved: %q %q", p.Name, p.ContactName)
		}
		if res := alice.get("/console/audit?object_type=partner&object_id=" + id(p.ID) + "&actor=user:" + id(e.alice.ID)); !strings.Contains(res.body, "Alpha Uno") {
			t.Fatalf("the audit log lacks the change:\n%s", res.body)
		}
		bad := editForm(p, p.Version, "", "Bea")
		bad.Set("country_code", "usa-ish")
		res = alice.post(path, bad)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="f-name-err"`) || !strings.Contains(res.body, `id="f-country-code-err"`) ||
			!strings.Contains(res.body, `aria-invalid="true"`) {
			t.Fatalf("invalid: %d\n%s", res.status, res.body)
		}
	})
}

// TestMoveAndCreatePartner: a supervisor creates a sub-partner with a
// login (which then signs in), and moves a partner within its branch;
// its own home partner offers no move, and moving under a descendant is
// refused with the hub's reason.
func TestMoveAndCreatePartner(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		alice := e.signedIn("alice")
		res := alice.post("/console/partners/"+id(e.alpha.ID)+"/new", url.Values{"name": {"Alpha Two"}, "login": {"alpha-two"}, "password": {"short"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="f-password-err"`) {
			t.Fatalf("short password: %d\n%s", res.status, res.body)
		}
		res = alice.post("/console/partners/"+id(e.alpha.ID)+"/new", url.Values{"name": {"Alpha Two"}, "login": {"alpha-two"}, "password": {password}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.status, res.body)
		}
		two := e.signedIn("alpha-two")
		if res := two.get("/console/"); !strings.Contains(res.body, "Alpha Two") {
			t.Fatal("the new partner's login does not see its partner")
		}
		m := regexp.MustCompile(`/console/partners/(\d+)`).FindStringSubmatch(res.header.Get("Location"))
		twoID := m[1]
		if res := alice.get("/console/partners/" + id(e.alpha.ID)); strings.Contains(res.body, "/move\"") {
			t.Fatal("the home partner offers a move")
		}
		res = alice.post("/console/partners/"+id(e.alpha1.ID)+"/move", url.Values{"parent": {id(e.deep.ID)}, "version": {id(e.alpha1.Version)}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "under its own subtree") {
			t.Fatalf("move under a descendant: %d\n%s", res.status, res.body)
		}
		res = alice.post("/console/partners/"+id(e.deep.ID)+"/move", url.Values{"parent": {twoID}, "version": {id(e.deep.Version)}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("move: %d\n%s", res.status, res.body)
		}
		if p, _ := e.svc.Partner(ctx, e.sys, keyOf(e.deep.ID)); id(p.ParentID) != twoID {
			t.Fatalf("deep is under %d, want %s", p.ParentID, twoID)
		}
		// A Partner User may read but not edit or move: no controls, and a
		// post is the hub's 403.
		e.user("paul", e.alpha, hub.RolePartnerUser)
		paul := e.signedIn("paul")
		if res := paul.get("/console/partners/" + id(e.alpha1.ID)); strings.Contains(res.body, "/edit\"") || strings.Contains(res.body, "/move\"") {
			t.Fatal("a Partner User is offered edit or move")
		}
		if res := paul.post("/console/partners/"+id(e.alpha1.ID)+"/move", url.Values{"parent": {twoID}, "version": {"0"}}); res.status != http.StatusForbidden {
			t.Fatalf("Partner User move: %d", res.status)
		}
	})
}

// secretRE finds the secret shown once.
var secretRE = regexp.MustCompile(`id="secret" type="text" readonly value="(phk_[A-Za-z0-9_]+)"`)

// TestKeys: a key is created with the scopes ticked and its secret is
// shown once (201, not cacheable, never again on any page); it works, and
// after a confirmed revocation it does not. Scopes the user does not hold
// are refused.
func TestKeys(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		alice := e.signedIn("alice")
		res := alice.post("/console/keys", url.Values{"name": {"billing sync"}, "partner": {e.alpha1.Ref}, "scopes": {"partners.read", "clients.read"}, "expires_days": {"30"}})
		m := secretRE.FindStringSubmatch(res.body)
		if res.status != http.StatusCreated || m == nil || res.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("create: %d %q\n%s", res.status, res.header.Get("Cache-Control"), res.body)
		}
		secret := m[1]
		pr, err := e.svc.AuthenticateKey(ctx, secret)
		if err != nil || pr.PartnerID != e.alpha1.ID || !pr.HasScope("clients.read") || pr.HasScope("users.read") {
			t.Fatalf("the new key: %+v %v", pr, err)
		}
		list := alice.get("/console/keys")
		if !strings.Contains(list.body, "billing sync") || strings.Contains(list.body, secret[len(secret)-20:]) {
			t.Fatal("the list lacks the key or shows its secret")
		}
		page, err := e.svc.ListAPIKeys(ctx, e.sys, hub.PartnerKey{}, hub.ListQuery{Filter: nil, Limit: 10, Order: []hub.OrderTerm{{Field: "id", Desc: true}}})
		if err != nil {
			t.Fatal(err)
		}
		k := page.Items[0]
		if res := alice.get("/console/keys/" + id(k.ID) + "/revoke"); !strings.Contains(res.body, "Revoke the key “billing sync”?") {
			t.Fatal("no confirmation page")
		}
		if res := alice.post("/console/keys/"+id(k.ID)+"/revoke", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.status)
		}
		if _, err := e.svc.AuthenticateKey(ctx, secret); !hub.IsKind(err, hub.Unauthenticated) {
			t.Fatalf("revoked key: %v", err)
		}
		if res := alice.get("/console/keys"); !strings.Contains(res.body, "Revoked the key “billing sync”") || !strings.Contains(res.body, "revoked") {
			t.Fatal("no revocation shown")
		}
		// A Partner User has no keys.manage: the page is forbidden.
		e.user("pat", e.alpha, hub.RolePartnerUser)
		if res := e.signedIn("pat").get("/console/keys"); res.status != http.StatusForbidden {
			t.Fatalf("keys for a Partner User: %d", res.status)
		}
		// No scopes, an unknown partner: the form again, naming them.
		res = alice.post("/console/keys", url.Values{"name": {"x"}, "partner": {id(e.beta.ID)}, "scopes": {"partners.read"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "no such partner in your branch") {
			t.Fatalf("key for a sibling's partner: %d\n%s", res.status, res.body)
		}
		res = alice.post("/console/keys", url.Values{"name": {"x"}, "partner": {id(e.alpha.ID)}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "at least one scope") {
			t.Fatalf("key without scopes: %d\n%s", res.status, res.body)
		}
	})
}

// TestUsers: create a user (a role above one's own is refused), change
// its role at the version read, deactivate it after confirming; a user
// cannot deactivate itself.
func TestUsers(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		alice := e.signedIn("alice")
		form := url.Values{"username": {"uma"}, "first_name": {"Uma"}, "last_name": {"User"}, "email": {"uma@example.com"},
			"role": {"System Admin"}, "partner": {id(e.alpha1.ID)}, "password": {password}}
		if res := alice.post("/console/users", form); res.status != http.StatusForbidden {
			t.Fatalf("a role above her own: %d", res.status)
		}
		form.Set("role", "Partner User")
		res := alice.post("/console/users", form)
		if res.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.status, res.body)
		}
		userPath := res.header.Get("Location")
		if res := alice.post("/console/users", form); res.status != http.StatusConflict || !strings.Contains(res.body, "already taken") {
			t.Fatalf("taken username: %d", res.status)
		}
		if res := e.newClient().signIn("uma", password); res.status != http.StatusSeeOther {
			t.Fatalf("the new user cannot sign in: %d", res.status)
		}
		page := alice.get(userPath)
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.body)[1]
		if res := alice.post(userPath+"/role", url.Values{"role": {"Partner Supervisor"}, "version": {version}}); res.status != http.StatusSeeOther {
			t.Fatalf("role: %d\n%s", res.status, res.body)
		}
		if res := alice.post(userPath+"/role", url.Values{"role": {"Partner User"}, "version": {version}}); res.status != http.StatusConflict {
			t.Fatalf("role at a stale version: %d", res.status)
		}
		if res := alice.post(userPath+"/deactivate", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("deactivate: %d", res.status)
		}
		uid := strings.TrimPrefix(userPath, "/console/users/")
		var n int64
		for _, ch := range uid {
			n = n*10 + int64(ch-'0')
		}
		if u, _ := e.svc.User(ctx, e.sys, n); u.Active || u.Role != hub.RolePartnerSupervisor {
			t.Fatalf("user after: %+v", u)
		}
		if res := alice.post("/console/users/"+id(e.alice.ID)+"/deactivate", url.Values{}); res.status != http.StatusBadRequest || !strings.Contains(res.body, "cannot deactivate itself") {
			t.Fatalf("self deactivation: %d", res.status)
		}
	})
}
