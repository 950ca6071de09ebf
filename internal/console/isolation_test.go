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

// requestID strips what differs between two answers of the same page.
var requestID = regexp.MustCompile(`[0-9a-f]{32}`)

// TestSiblingSeesNothing: bob, in a sibling branch, sees none of alice's
// objects: every typed URL of one of them answers exactly what a missing
// object's URL answers (status and page), search and lists find nothing,
// and his posts against them change nothing.
func TestSiblingSeesNothing(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		f := e.crFixture()
		bob := e.signedIn("bob")
		const missing = 987654321
		cr, noCR := "/console/change-requests/"+id(f.cr.ID), "/console/change-requests/"+id(missing)
		pairs := [][2]string{
			{cr, noCR},
			{"/console/change-requests/" + f.cr.Ref, "/console/change-requests/" + hub.NewRef(hub.ChangeRequestRefSuffix)},
			{"/console/change-requests/" + f.cr.Ref, "/console/change-requests/not-a-request"},
			{cr + "/approve", noCR + "/approve"},
			{cr + "/reject", noCR + "/reject"},
			{"/console/partners/" + id(e.alpha1.ID) + "/change-requests", "/console/partners/" + id(missing) + "/change-requests"},
			{"/console/partners/" + id(e.alpha.ID) + "/auto-approve", "/console/partners/" + id(missing) + "/auto-approve"},
			{"/console/partners/" + id(e.alpha.ID) + "/webhooks", "/console/partners/" + id(missing) + "/webhooks"},
			{"/console/partners/" + id(e.alpha.ID) + "/webhooks/url", "/console/partners/" + id(missing) + "/webhooks/url"},
			{"/console/partners/" + id(e.alpha.ID) + "/webhooks/clear", "/console/partners/" + id(missing) + "/webhooks/clear"},
			{"/console/partners/" + id(e.alpha.ID) + "/webhooks/rotate", "/console/partners/" + id(missing) + "/webhooks/rotate"},
			{"/console/clients/" + id(f.client.ID) + "/change-request", "/console/clients/" + id(missing) + "/change-request"},
			{"/console/partners/" + id(e.alpha1.ID), "/console/partners/" + id(missing)},
			{"/console/partners/" + id(e.alpha1.ID) + "/clients", "/console/partners/" + id(missing) + "/clients"},
			{"/console/partners/" + id(e.alpha1.ID) + "/channels", "/console/partners/" + id(missing) + "/channels"},
			{"/console/partners/" + id(e.alpha.ID) + "/users", "/console/partners/" + id(missing) + "/users"},
			{"/console/partners/" + id(e.alpha1.ID) + "/edit", "/console/partners/" + id(missing) + "/edit"},
			{"/console/partners/" + id(e.alpha1.ID) + "/move", "/console/partners/" + id(missing) + "/move"},
			{"/console/partners/" + id(e.alpha1.ID) + "/new", "/console/partners/" + id(missing) + "/new"},
			{"/console/tree?at=" + id(e.alpha1.ID), "/console/tree?at=" + id(missing)},
			{"/console/tree?at=" + e.alpha1.SID, "/console/tree?at=00000000-0000-4000-8000-000000000000"},
			{"/console/clients/" + id(e.client.ID), "/console/clients/" + id(missing)},
			{"/console/users/" + id(e.alice.ID), "/console/users/" + id(missing)},
			{"/console/users/" + id(e.alice.ID) + "/deactivate", "/console/users/" + id(missing) + "/deactivate"},
			{"/console/keys/" + id(e.key.ID) + "/revoke", "/console/keys/" + id(missing) + "/revoke"},
			{"/console/keys?partner=" + id(e.alpha1.ID), "/console/keys?partner=" + id(missing)},
			{"/console/partners/" + id(e.alpha1.ID), "/console/partners/not-a-number"},
		}
		for _, p := range pairs {
			theirs, none := bob.get(p[0]), bob.get(p[1])
			if theirs.status != http.StatusNotFound || none.status != http.StatusNotFound {
				t.Errorf("GET %s: %d, GET %s: %d; want 404 for both", p[0], theirs.status, p[1], none.status)
				continue
			}
			if requestID.ReplaceAllString(theirs.body, "") != requestID.ReplaceAllString(none.body, "") {
				t.Errorf("GET %s and GET %s answer differently:\n%s\n---\n%s", p[0], p[1], theirs.body, none.body)
			}
			for _, name := range []string{"Alpha", "alice", "14155550100"} {
				if strings.Contains(theirs.body, name) {
					t.Errorf("GET %s shows %q", p[0], name)
				}
			}
		}
		// Lists and search.
		for _, path := range []string{"/console/", "/console/search?q=Alpha", "/console/search?q=" + e.alpha1.Ref,
			"/console/search?q=" + id(e.alpha1.ID), "/console/keys", "/console/users", "/console/users?q=ali", "/console/audit",
			"/console/change-requests", "/console/change-requests?dir=all", "/console/webhooks",
			"/console/audit?object_type=change_request", "/console/audit?object_type=change_request&object_id=" + id(f.cr.ID)} {
			res := bob.get(path)
			if res.status != http.StatusOK {
				t.Errorf("GET %s: %d", path, res.status)
			}
			for _, name := range []string{"Alpha One", "Alpha Resellers", "Alpha Deep", "alice", "alpha key", e.key.Prefix, f.cr.Ref, "Moving Client"} {
				if strings.Contains(res.body, name) {
					t.Errorf("GET %s shows %q", path, name)
				}
			}
		}
		// Looking for the request by its ref finds nothing (the text typed
		// is shown back, nothing else).
		if res := bob.get("/console/change-requests?dir=all&q=" + f.cr.Ref); !strings.Contains(res.body, "No change request matches this filter") ||
			strings.Contains(res.body, cr) || strings.Contains(res.body, "Moving Client") {
			t.Errorf("bob looking for alice's request:\n%s", res.body)
		}
		// Posts against alice's objects: the same 404, nothing changed.
		posts := []struct {
			path string
			form url.Values
		}{
			{"/console/keys/" + id(e.key.ID) + "/revoke", url.Values{}},
			{"/console/users/" + id(e.alice.ID) + "/deactivate", url.Values{}},
			{"/console/users/" + id(e.alice.ID) + "/role", url.Values{"role": {"Partner User"}, "version": {"1"}}},
			{"/console/partners/" + id(e.alpha1.ID) + "/edit", url.Values{"name": {"Taken over"}, "status": {"active"}, "payment_type": {"prepay"}, "version": {id(e.alpha1.Version)}}},
			{"/console/partners/" + id(e.alpha1.ID) + "/move", url.Values{"parent": {id(e.beta.ID)}, "version": {id(e.alpha1.Version)}}},
			{"/console/partners/" + id(e.alpha1.ID) + "/new", url.Values{"name": {"Intruder"}}},
			{cr + "/approve", url.Values{}},
			{cr + "/reject", url.Values{}},
			{"/console/partners/" + id(e.alpha.ID) + "/auto-approve", url.Values{"on": {"true"}}},
			{"/console/partners/" + id(e.alpha.ID) + "/webhooks/url", url.Values{"webhook_url": {"https://example.com/hook"}}},
			{"/console/partners/" + id(e.alpha.ID) + "/webhooks/clear", url.Values{}},
			{"/console/partners/" + id(e.alpha.ID) + "/webhooks/rotate", url.Values{}},
			{"/console/clients/" + id(f.client.ID) + "/change-request", url.Values{"mode": {"full"}, "target_partner": {e.beta.Ref}}},
		}
		for _, p := range posts {
			if res := bob.post(p.path, p.form); res.status != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404\n%.300s", p.path, res.status, res.body)
			}
		}
		ctx := context.Background()
		if _, err := e.svc.AuthenticateKey(ctx, e.secret); err != nil {
			t.Errorf("alice's key stopped working: %v", err)
		}
		if p, _ := e.svc.Partner(ctx, e.sys, keyOf(e.alpha1.ID)); p.Name != "Alpha One" || p.ParentID != e.alpha.ID {
			t.Errorf("alpha1 changed: %q under %d", p.Name, p.ParentID)
		}
		if u, _ := e.svc.User(ctx, e.sys, e.alice.ID); !u.Active || u.Role != e.alice.Role {
			t.Errorf("alice changed: %+v", u)
		}
		if got, _ := e.svc.ChangeRequest(ctx, e.sys, hub.PartnerKey{}, f.cr.ID, ""); got.Status != hub.ChangeRequestCreated {
			t.Errorf("alice's change request is %s", got.Status)
		}
		if s, _ := e.svc.ChangeRequestSettings(ctx, e.sys, keyOf(e.alpha.ID)); s.AutoApprove {
			t.Error("bob turned alpha's auto-approve on")
		}
		if secret, _ := e.db.WebhookSecret(ctx, e.alpha.ID); secret != "" {
			t.Error("bob gave alpha a webhook secret")
		}
		// Moving his own partner under one of alice's: the parent is "no
		// such partner in your branch", as for a missing one.
		sub := bob.post("/console/partners/"+id(e.beta.ID)+"/new", url.Values{"name": {"Beta Sub"}})
		if sub.status != http.StatusSeeOther {
			t.Fatalf("create: %d", sub.status)
		}
		subPath := sub.header.Get("Location")
		version := "1"
		theirs := bob.post(subPath+"/move", url.Values{"parent": {id(e.alpha1.ID)}, "version": {version}})
		none := bob.post(subPath+"/move", url.Values{"parent": {id(missing)}, "version": {version}})
		for _, res := range []response{theirs, none} {
			if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "no such partner in your branch") || strings.Contains(res.body, "Alpha") {
				t.Errorf("move under alice's partner or a missing one: %d\n%s", res.status, res.body)
			}
		}
	})
}
