package storetest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// publicHook is a webhook URL on a public address literal: the guard
// accepts it without a lookup (the tests resolve nothing).
const publicHook = "https://93.184.215.14/partnerhub"

// testWebhookSettings: a webhook URL is set on its own, after the
// SSRF guard, and the signing secret is shown once; partner creates and
// updates may not change it; the secret rotates.
func testWebhookSettings(t *testing.T, f *fixture) {
	a := f.activeChild(t, f.root, "A")
	b := f.activeChild(t, f.root, "B")
	pa := principal(a)
	for _, bad := range []string{
		"http://93.184.215.14/hook",      // not https
		"https://127.0.0.1/hook",         // loopback
		"https://[::1]/hook",             // loopback
		"https://10.1.2.3/hook",          // private
		"https://192.168.0.10/hook",      // private
		"https://169.254.169.254/latest", // link-local (cloud metadata)
		"https://[fd00::1]/hook",         // unique local
		"https://[::ffff:10.0.0.1]/hook", // IPv4-mapped private
		"https://0.0.0.0/hook",           // unspecified
		"https://localhost/hook",         // resolves to loopback
		"https://user:pw@93.184.215.14/", // credentials
		"ftp://93.184.215.14/hook",       // not http(s)
		"/relative",                      // not absolute
		"https://93.184.215.14/a b",      // space
	} {
		_, _, err := f.svc.SetPartnerWebhook(f.ctx, pa, hub.PartnerKey{ID: a.ID}, bad)
		wantField(t, err, hub.Invalid, "webhook_url", bad)
	}
	if got := f.get(t, a.ID); got.WebhookURL != "" || got.Version != a.Version {
		t.Fatalf("refused URLs changed the partner: %+v", got)
	}
	_, _, err := f.svc.SetPartnerWebhook(f.ctx, pa, hub.PartnerKey{ID: b.ID}, publicHook)
	wantKind(t, err, hub.NotFound, "set a sibling's webhook")

	p, secret, err := f.svc.SetPartnerWebhook(f.ctx, pa, hub.PartnerKey{ID: a.ID}, publicHook)
	if err != nil || p.WebhookURL != publicHook || !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 {
		t.Fatalf("first set: %+v %q %v", p, secret, err)
	}
	if stored, err := f.svc.Store().WebhookSecret(f.ctx, a.ID); err != nil || stored != secret {
		t.Fatalf("stored secret %q %v", stored, err)
	}
	p, again, err := f.svc.SetPartnerWebhook(f.ctx, pa, hub.PartnerKey{ID: a.ID}, publicHook+"/v2")
	if err != nil || again != "" || p.WebhookURL != publicHook+"/v2" {
		t.Fatalf("second set shows a secret or fails: %q %v", again, err)
	}
	f.checkNoSecret(t, secret)

	// Only SetPartnerWebhook changes the URL.
	_, err = f.svc.UpdatePartner(f.ctx, pa, hub.PartnerKey{ID: a.ID}, 0, func(p *hub.Partner) error { p.WebhookURL = "https://93.184.215.15/"; return nil })
	wantField(t, err, hub.Invalid, "webhook_url", "an update changing the URL")
	if _, err := f.svc.UpdatePartner(f.ctx, pa, hub.PartnerKey{ID: a.ID}, 0, func(p *hub.Partner) error { p.Name = "A renamed"; return nil }); err != nil {
		t.Fatalf("an update leaving the URL alone: %v", err)
	}
	_, err = f.svc.CreatePartner(f.ctx, pa, &hub.Partner{Name: "x", ParentID: a.ID, WebhookURL: publicHook})
	wantField(t, err, hub.Invalid, "webhook_url", "a create with a URL")

	rotated, err := f.svc.RotateWebhookSecret(f.ctx, pa, hub.PartnerKey{ID: a.ID})
	if err != nil || rotated == secret || !strings.HasPrefix(rotated, "whsec_") {
		t.Fatalf("rotate: %q %v", rotated, err)
	}
	if stored, _ := f.svc.Store().WebhookSecret(f.ctx, a.ID); stored != rotated {
		t.Fatal("the rotated secret is not the stored one")
	}
	p, _, err = f.svc.SetPartnerWebhook(f.ctx, pa, hub.PartnerKey{ID: a.ID}, "")
	if err != nil || p.WebhookURL != "" {
		t.Fatalf("clear: %+v %v", p, err)
	}
	if _, again, err := f.svc.SetPartnerWebhook(f.ctx, pa, hub.PartnerKey{ID: a.ID}, publicHook); err != nil || again != "" {
		t.Fatalf("a URL set again keeps the secret: %q %v", again, err)
	}
}

// testWebhookDeliveriesRecorded: each status change of a request inserts
// one delivery for each of its partners with a webhook_url, in the same
// transaction, carrying the public object; the partner lists them.
func testWebhookDeliveriesRecorded(t *testing.T, f *fixture) {
	src, dst, quiet := f.activeChild(t, f.root, "src"), f.activeChild(t, f.root, "dst"), f.activeChild(t, f.root, "quiet")
	for _, p := range []*hub.Partner{src, dst} {
		if _, _, err := f.svc.SetPartnerWebhook(f.ctx, f.sys, hub.PartnerKey{ID: p.ID}, publicHook); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := f.clientWith(t, src, 1)
	cr, err := f.svc.CreateChangeRequest(f.ctx, principal(src), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: dst.Ref}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RejectChangeRequest(f.ctx, principal(dst), hub.PartnerKey{}, cr.ID, ""); err != nil {
		t.Fatal(err)
	}
	c2, _ := f.clientWith(t, src, 0)
	if _, err := f.svc.CreateChangeRequest(f.ctx, principal(src), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c2.ID, Target: hub.PartnerKey{Ref: quiet.Ref}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*hub.Partner{src, dst} {
		page, err := f.svc.ListWebhookDeliveries(f.ctx, principal(p), hub.PartnerKey{ID: p.ID}, hub.ListQuery{Filter: mustParse(t, `change_request_ref eq "`+cr.Ref+`"`)})
		if err != nil || page.Total != 2 {
			t.Fatalf("partner %s: %d deliveries (%v), want created and rejected", p.Name, page.Total, err)
		}
		newest := page.Items[0]
		var ev hub.WebhookEvent
		if err := json.Unmarshal(newest.Body, &ev); err != nil {
			t.Fatal(err)
		}
		if newest.Event != "partner_change_request.rejected" || ev.Event != newest.Event || ev.ChangeRequest.ID != cr.Ref ||
			ev.ChangeRequest.Status != hub.ChangeRequestRejected || ev.ChangeRequest.SourceClientID != c.Ref ||
			newest.Status != hub.DeliveryPending || newest.AttemptCount != 0 || len(newest.Attempts) != 0 {
			t.Fatalf("newest delivery: %+v %+v", newest, ev)
		}
		if page.Items[1].Event != "partner_change_request.created" {
			t.Fatalf("older delivery: %s", page.Items[1].Event)
		}
		pub, err := json.Marshal(newest.Public())
		if err != nil {
			t.Fatal(err)
		}
		var shown map[string]any
		if err := json.Unmarshal(pub, &shown); err != nil || shown["partner_change_request_id"] != cr.Ref || shown["status"] != "pending" ||
			shown["payload"].(map[string]any)["event"] != newest.Event || len(shown["attempts"].([]any)) != 0 {
			t.Fatalf("public delivery: %s %v", pub, err)
		}
	}
	all, err := f.svc.ListWebhookDeliveries(f.ctx, principal(src), hub.PartnerKey{ID: src.ID}, hub.ListQuery{})
	if err != nil || all.Total != 3 {
		t.Fatalf("source deliveries: %d %v (two of the first request, one of the second)", all.Total, err)
	}
	if page, err := f.svc.ListWebhookDeliveries(f.ctx, principal(quiet), hub.PartnerKey{ID: quiet.ID}, hub.ListQuery{}); err != nil || page.Total != 0 {
		t.Fatalf("a partner without a webhook_url got deliveries: %d %v", page.Total, err)
	}
	_, err = f.svc.ListWebhookDeliveries(f.ctx, principal(quiet), hub.PartnerKey{ID: src.ID}, hub.ListQuery{})
	wantKind(t, err, hub.NotFound, "list another partner's deliveries")
}

// testUpdatePartnerWebhook: other fields and the webhook URL change
// together or not at all, in one version bump; a refused URL, or a
// refused field sent with a good URL, writes nothing (no URL, no secret,
// no field).
func testUpdatePartnerWebhook(t *testing.T, f *fixture) {
	a := f.activeChild(t, f.root, "A")
	b := f.activeChild(t, f.root, "B")
	pa := principal(a)
	rename := func(name string) func(*hub.Partner) error {
		return func(p *hub.Partner) error { p.Name = name; return nil }
	}
	_, _, err := f.svc.UpdatePartnerWebhook(f.ctx, pa, hub.PartnerKey{ID: a.ID}, 0, "https://127.0.0.1/hook", rename("Hijacked"))
	wantField(t, err, hub.Invalid, "webhook_url", "a loopback URL with a new name")
	_, _, err = f.svc.UpdatePartnerWebhook(f.ctx, pa, hub.PartnerKey{ID: a.ID}, 0, publicHook, rename(""))
	wantField(t, err, hub.Invalid, "name", "an empty name with a good URL")
	if got := f.get(t, a.ID); got.Name != "A" || got.WebhookURL != "" || got.Version != a.Version {
		t.Fatalf("refused updates changed the partner: %+v", got)
	}
	if stored, err := f.svc.Store().WebhookSecret(f.ctx, a.ID); err != nil || stored != "" {
		t.Fatalf("a refused update stored a secret: %q %v", stored, err)
	}
	_, _, err = f.svc.UpdatePartnerWebhook(f.ctx, pa, hub.PartnerKey{ID: b.ID}, 0, publicHook, nil)
	wantKind(t, err, hub.NotFound, "a sibling's webhook")

	p, secret, err := f.svc.UpdatePartnerWebhook(f.ctx, pa, hub.PartnerKey{ID: a.ID}, a.Version, publicHook, rename("A GmbH"))
	if err != nil || p.Name != "A GmbH" || p.WebhookURL != publicHook || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("name and URL: %+v %q %v", p, secret, err)
	}
	if got := f.get(t, a.ID); got.Name != "A GmbH" || got.WebhookURL != publicHook || got.Version != a.Version+1 {
		t.Fatalf("after name and URL: %+v; want one version bump from %d", got, a.Version)
	}
	if stored, _ := f.svc.Store().WebhookSecret(f.ctx, a.ID); stored != secret {
		t.Fatal("the answered secret is not the stored one")
	}
	p, again, err := f.svc.UpdatePartnerWebhook(f.ctx, pa, hub.PartnerKey{ID: a.ID}, 0, "", rename("A AG"))
	if err != nil || again != "" || p.WebhookURL != "" || p.Name != "A AG" {
		t.Fatalf("clear with a new name: %+v %q %v", p, again, err)
	}
	if stored, _ := f.svc.Store().WebhookSecret(f.ctx, a.ID); stored != secret {
		t.Fatal("clearing the URL dropped the secret")
	}
}
