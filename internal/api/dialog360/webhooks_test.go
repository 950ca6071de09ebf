package dialog360_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// receiver is a webhook endpoint recording what it is sent.
type receiver struct {
	mu    sync.Mutex
	posts []received
	srv   *httptest.Server
}

type received struct {
	signature, event string
	body             []byte
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.posts = append(rc.posts, received{r.Header.Get("X-Partnerhub-Signature"), r.Header.Get("X-Partnerhub-Event"), b})
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// wait returns the posts once there are n, or fails after 20s.
func (rc *receiver) wait(t *testing.T, n int) []received {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		rc.mu.Lock()
		got := append([]received(nil), rc.posts...)
		rc.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d webhooks after 20s, want %d", len(got), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// verify checks a signature as a receiver would, independently of the
// webhook package: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>.
func verify(secret, header string, body []byte) bool {
	var ts, v1 string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			v1 = v
		}
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(body)))
	want := hex.EncodeToString(m.Sum(nil))
	return ts != "" && hmac.Equal([]byte(v1), []byte(want))
}

// TestWebhooks: setting webhook_url through PATCH answers the signing
// secret once; each status change of a request is POSTed to the partner,
// signed with it, and listed in webhook_deliveries; a rotated secret
// signs what follows; a refused URL changes nothing, not even the other
// members of the same PATCH.
func TestWebhooks(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		e.startWorkers()
		src, dst := e.partner(e.root, "Source"), e.partner(e.root, "Target")
		ks, kd := e.key(src), e.key(dst)
		rc := newReceiver(t)
		base := "/api/v2/partners/" + dst.Ref

		p := e.do(kd, "PATCH", base, `{"webhook_url":"`+rc.srv.URL+`/hook","brand_name":"Target GmbH"}`).want(t, 200).obj(t)
		secret, _ := p["webhook_secret"].(string)
		if !strings.HasPrefix(secret, "whsec_") || p["webhook_url"] != rc.srv.URL+"/hook" || p["brand_name"] != "Target GmbH" {
			t.Fatalf("PATCH webhook_url: %v", p)
		}
		// Shown once: neither GET nor a repeated PATCH shows it again.
		if g := e.do(kd, "GET", base, "").want(t, 200).obj(t); g["webhook_secret"] != nil {
			t.Fatalf("GET shows the secret: %v", g)
		}
		if g := e.do(kd, "PATCH", base, `{"webhook_url":"`+rc.srv.URL+`/hook"}`).want(t, 200).obj(t); g["webhook_secret"] != nil {
			t.Fatalf("a repeated PATCH shows the secret: %v", g)
		}
		// A refused URL: 400 naming it, and the brand name sent with it is
		// not written either.
		e.do(kd, "PATCH", base, `{"webhook_url":"ftp://example.com/x","brand_name":"Hijacked"}`).wantMeta(t, 400, "webhook_url")
		if g := e.do(kd, "GET", base, "").want(t, 200).obj(t); g["brand_name"] != "Target GmbH" || g["webhook_url"] != rc.srv.URL+"/hook" {
			t.Fatalf("a refused PATCH changed the partner: %v", g)
		}

		c, _ := e.client(src, 1)
		var r pcr
		e.do(ks, "POST", "/api/v2/partners/"+src.Ref+"/clients/"+c.Ref+"/partner_change_request", `{"target_partner_id":"`+dst.Ref+`"}`).want(t, 201).into(t, &r)
		got := rc.wait(t, 1)
		if got[0].event != "partner_change_request.created" || !verify(secret, got[0].signature, got[0].body) {
			t.Fatalf("first webhook: %+v", got[0])
		}
		var ev struct {
			Event   string `json:"event"`
			Request pcr    `json:"partner_change_request"`
		}
		if err := json.Unmarshal(got[0].body, &ev); err != nil || ev.Request.ID != r.ID || ev.Request.Status != "created" {
			t.Fatalf("webhook body: %s", got[0].body)
		}

		var rot struct {
			WebhookSecret string `json:"webhook_secret"`
		}
		e.do(kd, "POST", base+"/webhook_secret", "").want(t, 200).into(t, &rot)
		if rot.WebhookSecret == secret || !strings.HasPrefix(rot.WebhookSecret, "whsec_") {
			t.Fatalf("rotated secret: %+v", rot)
		}
		e.do(kd, "POST", base+"/selective_partner_change_requests/"+r.ID+"/approve", "").want(t, 200)
		got = rc.wait(t, 3) // pending, completed
		for _, post := range got[1:] {
			if !verify(rot.WebhookSecret, post.signature, post.body) || verify(secret, post.signature, post.body) {
				t.Fatalf("a webhook after the rotation is not signed with the new secret only: %+v", post)
			}
		}

		var deliveries struct {
			Total      int64            `json:"total"`
			Sort       []string         `json:"sort"`
			Deliveries []map[string]any `json:"webhook_deliveries"`
		}
		// The worker records a delivery once the receiver has answered,
		// so the receiver holding every POST does not mean the rows say
		// delivered yet: wait for the rows.
		deadline := time.Now().Add(20 * time.Second)
		for {
			e.do(kd, "GET", base+"/webhook_deliveries", "").want(t, 200).into(t, &deliveries)
			if !slices.ContainsFunc(deliveries.Deliveries, func(d map[string]any) bool { return d["status"] == "pending" }) || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if deliveries.Total != 3 || len(deliveries.Deliveries) != 3 {
			t.Fatalf("deliveries: %+v", deliveries)
		}
		for _, d := range deliveries.Deliveries {
			if d["status"] != "delivered" || d["partner_change_request_id"] != r.ID || d["attempt_count"] != 1.0 {
				t.Errorf("delivery: %v", d)
			}
		}
		e.do(kd, "GET", base+"/webhook_deliveries?filters="+`%7B%22event%22%3A%22partner_change_request.completed%22%7D`, "").want(t, 200).into(t, &deliveries)
		if deliveries.Total != 1 {
			t.Errorf("deliveries filtered by event: %+v", deliveries)
		}
		// The source has no webhook_url: nothing was recorded for it.
		e.do(ks, "GET", "/api/v2/partners/"+src.Ref+"/webhook_deliveries", "").want(t, 200).into(t, &deliveries)
		if deliveries.Total != 0 {
			t.Errorf("the source's deliveries: %+v", deliveries)
		}
		// Clearing the URL with "" keeps the partner otherwise.
		if g := e.do(kd, "PATCH", base, `{"webhook_url":""}`).want(t, 200).obj(t); g["webhook_url"] != nil {
			t.Fatalf("cleared webhook_url: %v", g)
		}
	})
}

// TestPatchPartnerWebhookAtomic: a PATCH changing brand_name and
// webhook_url is one update (one version bump); one whose webhook_url is
// refused (a bad URL, or an address the SSRF guard refuses) changes
// nothing, not the brand name sent with it either.
func TestPatchPartnerWebhookAtomic(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "Hooked")
		k := e.key(p)
		base := "/api/v2/partners/" + p.Ref
		stored := func() *hub.Partner {
			t.Helper()
			got, err := e.db.Partner(e.ctx, hub.PartnerKey{ID: p.ID})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		for _, bad := range []string{"not a url", "ftp://example.com/x", "https://user:pw@example.com/hook"} {
			e.do(k, "PATCH", base, `{"brand_name":"Hijacked","webhook_url":"`+bad+`"}`).wantMeta(t, 400, "webhook_url")
		}
		if got := stored(); got.Name != "Hooked" || got.WebhookURL != "" || got.Version != p.Version {
			t.Fatalf("refused PATCHes changed the partner: name %q url %q version %d (was %d)", got.Name, got.WebhookURL, got.Version, p.Version)
		}
		rc := newReceiver(t)
		e.do(k, "PATCH", base, `{"brand_name":"Hooked GmbH","webhook_url":"`+rc.srv.URL+`/hook"}`).want(t, 200)
		if got := stored(); got.Name != "Hooked GmbH" || got.WebhookURL != rc.srv.URL+"/hook" || got.Version != p.Version+1 {
			t.Fatalf("after brand_name and webhook_url: name %q url %q version %d; want one bump from %d", got.Name, got.WebhookURL, got.Version, p.Version)
		}
	})
}
