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

// statusRE reads the status the polled part of a request's page shows.
var statusRE = regexp.MustCompile(`<section id="cr-status"[^>]*data-status="([a-z]+)"`)

// polled fetches the status part of a request's page as htmx polls it.
func (c *client) polled(path string) response {
	c.t.Helper()
	return c.get(path, "HX-Request", "true", "HX-Target", "cr-status")
}

// shownStatus is the status a page or fragment shows ("" when none).
func shownStatus(body string) string {
	if m := statusRE.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// TestApproveChangeRequest: the target side approves after a
// confirmation; the page then follows the migration: while pending its
// status part carries an htmx poll (and a refresh link), and the polled
// part turns completed once the workers have moved the client, without
// the poll from then on. The source side sees the request but no
// controls, and its post is the hub's Forbidden shown on the request's
// page; nothing changes. Deciding again is the hub's Conflict.
func TestApproveChangeRequest(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.crFixture()
		page := "/console/change-requests/" + id(f.cr.ID)

		olga := e.signedIn("olga")
		res := olga.get(page)
		if res.status != http.StatusOK || shownStatus(res.body) != "created" || strings.Contains(res.body, "/approve\"") || strings.Contains(res.body, "hx-trigger") {
			t.Fatalf("the source side's page: %d %q\n%s", res.status, shownStatus(res.body), res.body)
		}
		if res := olga.get(page + "/approve"); res.status != http.StatusOK || !strings.Contains(res.body, "Only the target partner") || strings.Contains(res.body, `action="`+page) {
			t.Fatalf("the source side's confirmation page: %d\n%s", res.status, res.body)
		}
		res = olga.post(page+"/approve", url.Values{})
		if res.status != http.StatusForbidden || !strings.Contains(res.body, "The request was not approved: Only the target partner of a change request") ||
			!strings.Contains(title(res.body), f.cr.Ref) {
			t.Fatalf("the source side approves: %d\n%s", res.status, res.body)
		}
		if cr, _ := e.svc.ChangeRequest(ctx, e.sys, hub.PartnerKey{}, f.cr.ID, ""); cr.Status != hub.ChangeRequestCreated {
			t.Fatalf("a refused approval changed the request: %s", cr.Status)
		}

		alice := e.signedIn("alice")
		res = alice.get("/console/change-requests")
		if !strings.Contains(res.body, f.cr.Ref) || !strings.Contains(res.body, "Moving Client") || !strings.Contains(res.body, "incoming") {
			t.Fatalf("alice's incoming requests:\n%s", res.body)
		}
		res = alice.get(page)
		if !strings.Contains(res.body, page+"/approve\"") || !strings.Contains(res.body, page+"/reject\"") {
			t.Fatalf("the target side is offered no decision:\n%s", res.body)
		}
		if res := alice.get(page + "/approve"); !strings.Contains(res.body, `action="`+page+`/approve"`) {
			t.Fatalf("confirmation form:\n%s", res.body)
		}
		res = alice.post(page+"/approve", url.Values{})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != page {
			t.Fatalf("approve: %d %q\n%s", res.status, res.header.Get("Location"), res.body)
		}
		res = alice.get(page)
		if shownStatus(res.body) != "pending" || !strings.Contains(res.body, `hx-trigger="every 1s"`) || !strings.Contains(res.body, "The migration runs now") ||
			!strings.Contains(res.body, `<a href="`+page+`">Refresh</a>`) {
			t.Fatalf("pending page:\n%s", res.body)
		}
		frag := alice.polled(page)
		if frag.status != http.StatusOK || strings.Contains(frag.body, "<html") || !strings.HasPrefix(strings.TrimSpace(frag.body), `<section id="cr-status"`) ||
			shownStatus(frag.body) != "pending" || !strings.Contains(frag.body, "hx-trigger") || strings.Contains(frag.body, "cr-audit") {
			t.Fatalf("polled while pending: %d\n%s", frag.status, frag.body)
		}

		e.startWorkers(t)
		waitFor(t, "the polled status to turn completed", func() bool { frag = alice.polled(page); return shownStatus(frag.body) == "completed" })
		// Final: no more polling; the audit entries of the migration's
		// end come along, for htmx to swap out of band.
		if strings.Contains(frag.body, "hx-trigger") || strings.Contains(frag.body, "Refresh") ||
			!strings.Contains(frag.body, f.channels[0].Ref) || !strings.Contains(frag.body, f.channels[1].Ref) ||
			!strings.Contains(frag.body, `<section id="cr-audit" aria-labelledby="cr-audit-title" hx-swap-oob="true">`) || !strings.Contains(frag.body, "<td>complete</td>") {
			t.Fatalf("polled when completed:\n%s", frag.body)
		}
		if cl, _ := e.svc.Client(ctx, e.sys, f.client.ID, ""); cl.PartnerID != e.alpha.ID {
			t.Fatalf("the client is at partner %d, want %d", cl.PartnerID, e.alpha.ID)
		}
		res = alice.get(page)
		for _, want := range []string{"Audit entries", "<td>approve</td>", "<td>complete</td>", "job:change_request_migration"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("the completed page lacks %q", want)
			}
		}
		res = alice.post(page+"/reject", url.Values{})
		if res.status != http.StatusConflict || !strings.Contains(res.body, "The request was not rejected: The change request is completed; it cannot be rejected.") {
			t.Fatalf("reject a completed request: %d\n%s", res.status, res.body)
		}
		if res := alice.get(page + "/reject"); !strings.Contains(res.body, "This request is completed") || strings.Contains(res.body, `action="`+page) {
			t.Fatalf("confirmation of a decided request:\n%s", res.body)
		}
		// The audit log offers change requests as a kind of object.
		res = alice.get("/console/audit?object_type=change_request&object_id=" + id(f.cr.ID))
		if res.status != http.StatusOK || !strings.Contains(res.body, `<option value="change_request" selected>`) || !strings.Contains(res.body, `href="`+page+`"`) {
			t.Fatalf("audit filtered by change request: %d\n%s", res.status, res.body)
		}
	})
}

// TestCreateAndRejectChangeRequest: from a client's page a supervisor
// asks to move some of its channels to a partner outside the branch,
// named by its ref; the target's side sees the request with only the
// refs of what lies outside its branch, and rejects it after confirming.
// Bad input is the form again naming the field; a second open request
// for a client is the hub's Conflict; a Partner User is offered nothing
// and refused.
func TestCreateAndRejectChangeRequest(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.crFixture()
		e.beta, e.alpha1 = e.activate(e.beta), e.activate(e.alpha1)
		chans, err := e.svc.ListChannels(ctx, e.sys, hub.PartnerKey{}, false, hub.ListQuery{Limit: 10, Filter: nil})
		if err != nil {
			t.Fatal(err)
		}
		var alphaChannel string
		for _, ch := range chans.Items {
			if ch.ClientID == e.client.ID {
				alphaChannel = ch.Ref
			}
		}
		alice := e.signedIn("alice")
		clientPage := "/console/clients/" + id(e.client.ID)
		if res := alice.get(clientPage); !strings.Contains(res.body, clientPage+"/change-request\"") || !strings.Contains(res.body, "No change request concerns Alpha Client") {
			t.Fatalf("client page:\n%s", res.body)
		}
		form := clientPage + "/change-request"
		bad := []struct {
			form url.Values
			want string
		}{
			{url.Values{"mode": {"full"}, "target_partner": {""}}, `id="f-target-partner-err"`},
			{url.Values{"mode": {"full"}, "target_partner": {id(e.beta.ID)}}, "names no active partner"}, // an id names only a visible partner
			{url.Values{"mode": {"full"}, "target_partner": {id(e.alpha1.ID)}}, "already the client&#39;s partner"},
			{url.Values{"mode": {"partial"}, "target_partner": {e.beta.Ref}}, "must list at least one channel"},
			{url.Values{"mode": {"sideways"}, "target_partner": {e.beta.Ref}}, "choose the whole client or some of its channels"},
		}
		for _, b := range bad {
			if res := alice.post(form, b.form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, b.want) {
				t.Errorf("post %v: %d, want 422 with %q\n%.3000s", b.form, res.status, b.want, res.body)
			}
		}
		if res := alice.post("/console/clients/"+id(f.client.ID)+"/change-request", url.Values{"mode": {"full"}, "target_partner": {e.beta.Ref}}); res.status != http.StatusConflict ||
			!strings.Contains(res.body, "already has an open change request") {
			t.Fatalf("a second open request: %d\n%s", res.status, res.body)
		}
		res := alice.post(form, url.Values{"mode": {"partial"}, "target_partner": {e.beta.Ref}, "channels": {alphaChannel}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.status, res.body)
		}
		page := res.header.Get("Location")
		res = alice.get(page)
		if shownStatus(res.body) != "created" || !strings.Contains(res.body, "Asked to move Alpha Client") || !strings.Contains(res.body, e.beta.Ref) ||
			!strings.Contains(res.body, "outside your branch") || strings.Contains(res.body, "Beta Partners") || strings.Contains(res.body, page+"/approve\"") {
			t.Fatalf("the new request, as its source side sees it:\n%s", res.body)
		}

		bob := e.signedIn("bob")
		res = bob.get("/console/change-requests")
		if !strings.Contains(res.body, `href="`+page+`"`) || !strings.Contains(res.body, e.client.Ref) {
			t.Fatalf("bob's incoming requests:\n%s", res.body)
		}
		res = bob.get(page)
		for _, leak := range []string{"Alpha One", "Alpha Client", "Alpha Resellers"} {
			if strings.Contains(res.body, leak) {
				t.Errorf("the target side sees %q of the source's branch", leak)
			}
		}
		if !strings.Contains(res.body, page+"/reject\"") || !strings.Contains(res.body, alphaChannel) {
			t.Fatalf("bob's view of the request:\n%s", res.body)
		}
		if res := bob.get(page + "/reject"); !strings.Contains(res.body, "Reject the request") || !strings.Contains(res.body, "nothing moves") {
			t.Fatalf("reject confirmation:\n%s", res.body)
		}
		if res := bob.post(page+"/reject", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("reject: %d\n%s", res.status, res.body)
		}
		if res := bob.get(page); shownStatus(res.body) != "rejected" || !strings.Contains(res.body, "Rejected the change request") || strings.Contains(res.body, "hx-trigger") {
			t.Fatalf("rejected page:\n%s", res.body)
		}
		// The status filter and the client's page.
		if res := bob.get("/console/change-requests?status=rejected"); !strings.Contains(res.body, `href="`+page+`"`) {
			t.Fatal("the rejected request is not listed as rejected")
		}
		if res := bob.get("/console/change-requests?status=created"); strings.Contains(res.body, `href="`+page+`"`) || !strings.Contains(res.body, "No change request matches this filter") {
			t.Fatal("the rejected request is listed as created")
		}
		if res := alice.get(clientPage); !strings.Contains(res.body, `href="`+page+`"`) {
			t.Fatalf("the client's page does not list its request:\n%s", res.body)
		}
		for _, q := range []string{"dir=sideways", "status=gone", "page=0"} {
			if res := bob.get("/console/change-requests?" + q); res.status != http.StatusBadRequest {
				t.Errorf("?%s: %d", q, res.status)
			}
		}

		// A Partner User reads requests but may not ask or decide.
		e.user("paul", e.alpha, hub.RolePartnerUser)
		paul := e.signedIn("paul")
		if res := paul.get(clientPage); res.status != http.StatusOK || strings.Contains(res.body, "/change-request\"") {
			t.Fatalf("a Partner User's client page: %d", res.status)
		}
		if res := paul.get(form); res.status != http.StatusForbidden {
			t.Fatalf("a Partner User's form: %d", res.status)
		}
		if res := paul.post(form, url.Values{"mode": {"full"}, "target_partner": {e.beta.Ref}}); res.status != http.StatusForbidden {
			t.Fatalf("a Partner User's post: %d", res.status)
		}
		if res := paul.get("/console/change-requests/" + id(f.cr.ID)); res.status != http.StatusOK || strings.Contains(res.body, "/approve\"") {
			t.Fatalf("a Partner User's request page: %d", res.status)
		}
		if res := paul.post("/console/change-requests/"+id(f.cr.ID)+"/approve", url.Values{}); res.status != http.StatusForbidden || !strings.Contains(res.body, "Missing scope") {
			t.Fatalf("a Partner User approves: %d\n%s", res.status, res.body)
		}
	})
}

// TestAutoApprove: a supervisor turns its partner's auto-approval on
// after a confirmation; a request made then is pending at once; turning
// it off is confirmed too. A Partner User may not change it.
func TestAutoApprove(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.crFixture()
		alice := e.signedIn("alice")
		setting := "/console/partners/" + id(e.alpha.ID) + "/auto-approve"
		if res := alice.get("/console/change-requests"); !strings.Contains(res.body, "wait for someone to approve") || !strings.Contains(res.body, `href="`+setting+`"`) {
			t.Fatalf("the setting, off:\n%s", res.body)
		}
		if res := alice.get(setting); !strings.Contains(res.body, `name="on" value="true"`) || !strings.Contains(res.body, "without anyone on its side looking at them") {
			t.Fatalf("confirmation:\n%s", res.body)
		}
		res := alice.post(setting, url.Values{"on": {"true"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/console/partners/"+id(e.alpha.ID)+"/change-requests" {
			t.Fatalf("turn on: %d\n%s", res.status, res.body)
		}
		if res := alice.get(res.header.Get("Location")); !strings.Contains(res.body, "Auto-approve is now on") || !strings.Contains(res.body, "approved as soon as they are made") {
			t.Fatalf("after turning it on:\n%s", res.body)
		}
		if s, _ := e.svc.ChangeRequestSettings(ctx, e.sys, keyOf(e.alpha.ID)); !s.AutoApprove {
			t.Fatal("the setting is still off")
		}
		olga := e.signedIn("olga")
		res = olga.post("/console/clients/"+id(e.client.ID)+"/change-request", url.Values{"mode": {"full"}, "target_partner": {e.alpha.Ref}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.status, res.body)
		}
		if res := olga.get(res.header.Get("Location")); shownStatus(res.body) != "pending" || !strings.Contains(res.body, "approves such requests automatically") {
			t.Fatalf("an auto-approved request:\n%s", res.body)
		}
		if res := alice.get(setting); !strings.Contains(res.body, `name="on" value="false"`) {
			t.Fatal("no confirmation to turn it off")
		}
		if res := alice.post(setting, url.Values{"on": {"false"}}); res.status != http.StatusSeeOther {
			t.Fatalf("turn off: %d", res.status)
		}
		if s, _ := e.svc.ChangeRequestSettings(ctx, e.sys, keyOf(e.alpha.ID)); s.AutoApprove {
			t.Fatal("the setting is still on")
		}
		if res := alice.post(setting, url.Values{"on": {"maybe"}}); res.status != http.StatusBadRequest {
			t.Fatalf("on=maybe: %d", res.status)
		}
		e.user("paul", e.alpha, hub.RolePartnerUser)
		paul := e.signedIn("paul")
		if res := paul.get("/console/change-requests"); res.status != http.StatusOK || strings.Contains(res.body, setting) {
			t.Fatalf("a Partner User is offered the setting: %d", res.status)
		}
		if res := paul.get(setting); res.status != http.StatusForbidden {
			t.Fatalf("a Partner User's confirmation page: %d", res.status)
		}
		if res := paul.post(setting, url.Values{"on": {"true"}}); res.status != http.StatusForbidden {
			t.Fatalf("a Partner User's post: %d", res.status)
		}
	})
}

// TestClientAdminChangeRequests: a Client Admin lists its own client's
// requests (no partner, no direction, no setting), asks to move its
// client from the client's page, and may not decide; a Client User has no
// change-request pages.
func TestClientAdminChangeRequests(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		e.beta = e.activate(e.beta)
		for _, u := range []*hub.User{
			{Username: "cody", Role: hub.RoleClientAdmin},
			{Username: "carla", Role: hub.RoleClientUser},
		} {
			u.FirstName, u.LastName, u.Email, u.ClientID, u.Active = "C", "Client", u.Username+"@example.com", e.client.ID, true
			if _, err := e.svc.CreateUser(t.Context(), e.sys, u, password); err != nil {
				t.Fatal(err)
			}
		}
		cody := e.signedIn("cody")
		res := cody.get("/console/change-requests")
		if res.status != http.StatusOK || title(res.body) != "Change requests" || !strings.Contains(res.body, "No change requests yet") ||
			strings.Contains(res.body, "Auto-approve") || strings.Contains(res.body, "Outgoing") {
			t.Fatalf("a Client Admin's list: %d\n%s", res.status, res.body)
		}
		form := "/console/clients/" + id(e.client.ID) + "/change-request"
		if res := cody.get("/console/clients/" + id(e.client.ID)); !strings.Contains(res.body, form+"\"") {
			t.Fatal("the Client Admin is not offered to ask")
		}
		res = cody.post(form, url.Values{"mode": {"full"}, "target_partner": {e.beta.Ref}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("ask: %d\n%s", res.status, res.body)
		}
		page := res.header.Get("Location")
		if res := cody.get("/console/change-requests"); !strings.Contains(res.body, `href="`+page+`"`) || !strings.Contains(res.body, "Alpha Client") {
			t.Fatalf("the list after asking:\n%s", res.body)
		}
		if res := cody.get(page); shownStatus(res.body) != "created" || strings.Contains(res.body, page+"/approve\"") || strings.Contains(res.body, "Alpha One") {
			t.Fatalf("the Client Admin's request page:\n%s", res.body)
		}
		if res := cody.post(page+"/approve", url.Values{}); res.status != http.StatusForbidden {
			t.Fatalf("a Client Admin approves: %d", res.status)
		}
		carla := e.signedIn("carla")
		for _, path := range []string{"/console/change-requests", page} {
			if res := carla.get(path); res.status != http.StatusForbidden {
				t.Errorf("a Client User's GET %s: %d", path, res.status)
			}
		}
		if res := carla.get("/console/clients/" + id(e.client.ID)); res.status != http.StatusOK || strings.Contains(res.body, "Change requests") {
			t.Fatalf("a Client User's client page: %d", res.status)
		}
	})
}
