package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/webhook"
)

// whsecRE finds a webhook secret shown once.
var whsecRE = regexp.MustCompile(`id="secret" type="text" readonly value="(whsec_[A-Za-z0-9_]+)"`)

// receiver is a webhook receiver that refuses its first POST (503) and
// accepts the others, keeping what it received.
type receiver struct {
	mu     sync.Mutex
	posts  int
	bodies [][]byte
	sigs   []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.posts++
	if rc.posts == 1 {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	rc.bodies = append(rc.bodies, b)
	rc.sigs = append(rc.sigs, r.Header.Get(webhook.SignatureHeader))
}

// TestWebhooks: a supervisor sets its partner's webhook URL and sees the
// signing secret once (the one the deliveries are signed with); the
// deliveries of an approval are listed with every attempt (a refused one
// and the accepted one); a new URL keeps the secret; rotating shows a new
// one after a confirmation; removing the URL is confirmed too. A bad URL
// is the form again naming it; a Partner User is offered no control and
// refused.
func TestWebhooks(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.crFixture()
		rc := &receiver{}
		srv := httptest.NewServer(rc)
		t.Cleanup(srv.Close)
		alice := e.signedIn("alice")
		hooks := "/console/partners/" + id(e.alpha.ID) + "/webhooks"
		if res := alice.get("/console/webhooks"); !strings.Contains(res.body, "none: no events are sent") || !strings.Contains(res.body, `href="`+hooks+`/url"`) ||
			strings.Contains(res.body, hooks+"/rotate") {
			t.Fatalf("webhooks page without a URL:\n%s", res.body)
		}
		for _, bad := range []struct{ url, want string }{{"", "enter a URL"}, {"ftp://example.com/x", "must be an https URL"}, {"https://user:pw@example.com/", "must not carry credentials"}} {
			res := alice.post(hooks+"/url", url.Values{"webhook_url": {bad.url}})
			if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="f-webhook-url-err"`) || !strings.Contains(res.body, bad.want) {
				t.Errorf("URL %q: %d\n%.2000s", bad.url, res.status, res.body)
			}
		}
		res := alice.post(hooks+"/url", url.Values{"webhook_url": {srv.URL + "/hook"}})
		m := whsecRE.FindStringSubmatch(res.body)
		if res.status != http.StatusCreated || m == nil || res.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("set the URL: %d\n%s", res.status, res.body)
		}
		secret := m[1]
		if stored, _ := e.db.WebhookSecret(ctx, e.alpha.ID); stored != secret {
			t.Fatal("the secret shown is not the partner's")
		}
		if res := alice.get(hooks); strings.Contains(res.body, secret) || !strings.Contains(res.body, srv.URL+"/hook") {
			t.Fatal("the webhooks page shows the secret, or not the URL")
		}

		// An approval and the migration's completion: two events, the
		// first one refused once.
		if res := alice.post("/console/change-requests/"+id(f.cr.ID)+"/approve", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("approve: %d", res.status)
		}
		e.startWorkers(t)
		waitFor(t, "two deliveries", func() bool {
			page, err := e.svc.ListWebhookDeliveries(ctx, e.sys, keyOf(e.alpha.ID), hub.ListQuery{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			delivered := 0
			for _, d := range page.Items {
				if d.Status == hub.DeliveryDelivered {
					delivered++
				}
			}
			return delivered == 2
		})
		rc.mu.Lock()
		for i, body := range rc.bodies {
			if err := webhook.Verify(secret, rc.sigs[i], body, time.Hour, time.Now()); err != nil {
				t.Errorf("delivery %d is not signed with the secret shown: %v", i, err)
			}
		}
		rc.mu.Unlock()
		res = alice.get(hooks)
		for _, want := range []string{"partner_change_request.pending", "partner_change_request.completed", f.cr.Ref, "2 attempts", "HTTP 503", "HTTP 200", "status-delivered"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("the deliveries lack %q", want)
			}
		}
		if res := alice.get(hooks + "?status=failed"); !strings.Contains(res.body, "No delivery is failed") {
			t.Error("the status filter")
		}
		if res := alice.get(hooks + "?status=lost"); res.status != http.StatusBadRequest {
			t.Errorf("?status=lost: %d", res.status)
		}

		// Another URL keeps the secret.
		res = alice.post(hooks+"/url", url.Values{"webhook_url": {srv.URL + "/other"}})
		if res.status != http.StatusSeeOther || strings.Contains(res.body, "whsec_") {
			t.Fatalf("change the URL: %d\n%s", res.status, res.body)
		}
		if stored, _ := e.db.WebhookSecret(ctx, e.alpha.ID); stored != secret {
			t.Fatal("a new URL changed the secret")
		}
		// Rotate, after confirming.
		if res := alice.get(hooks + "/rotate"); !strings.Contains(res.body, `action="`+hooks+`/rotate"`) {
			t.Fatalf("rotate confirmation:\n%s", res.body)
		}
		res = alice.post(hooks+"/rotate", url.Values{})
		m = whsecRE.FindStringSubmatch(res.body)
		if res.status != http.StatusCreated || m == nil || m[1] == secret {
			t.Fatalf("rotate: %d\n%s", res.status, res.body)
		}
		if stored, _ := e.db.WebhookSecret(ctx, e.alpha.ID); stored != m[1] {
			t.Fatal("the rotated secret shown is not the partner's")
		}
		// Remove, after confirming.
		if res := alice.get(hooks + "/clear"); !strings.Contains(res.body, `action="`+hooks+`/clear"`) {
			t.Fatalf("clear confirmation:\n%s", res.body)
		}
		if res := alice.post(hooks+"/clear", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("clear: %d", res.status)
		}
		if p, _ := e.svc.Partner(ctx, e.sys, keyOf(e.alpha.ID)); p.WebhookURL != "" {
			t.Fatalf("the URL is still %q", p.WebhookURL)
		}
		if res := alice.get(hooks); !strings.Contains(res.body, "Removed the webhook URL") || !strings.Contains(res.body, "none: no events are sent") {
			t.Fatalf("after removing:\n%s", res.body)
		}
		// The audit log knows the secrets' events (never the secrets).
		res = alice.get("/console/audit?object_type=webhook_secret")
		if !strings.Contains(res.body, "<td>rotate</td>") || !strings.Contains(res.body, `href="`+hooks+`"`) || strings.Contains(res.body, "whsec_") {
			t.Fatalf("audit of the secret:\n%s", res.body)
		}

		// A Partner User sees the page, no controls, and is refused.
		e.user("paul", e.alpha, hub.RolePartnerUser)
		paul := e.signedIn("paul")
		if res := paul.get(hooks); res.status != http.StatusOK || strings.Contains(res.body, hooks+"/url") || !strings.Contains(res.body, "partner_change_request.completed") {
			t.Fatalf("a Partner User's webhooks page: %d", res.status)
		}
		for _, path := range []string{"/url", "/clear", "/rotate"} {
			if res := paul.get(hooks + path); res.status != http.StatusForbidden {
				t.Errorf("a Partner User's GET %s: %d", path, res.status)
			}
			if res := paul.post(hooks+path, url.Values{"webhook_url": {srv.URL}}); res.status != http.StatusForbidden {
				t.Errorf("a Partner User's POST %s: %d", path, res.status)
			}
		}
	})
}
