package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/webhook"
)

// receiver is a webhook endpoint for tests: it answers the first `fail`
// POSTs with 500 and the rest with 200, checks each signature with the
// partner's secret, and keeps what it got.
type receiver struct {
	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	secret string
	fail   int
	block  chan struct{} // when set, the first POST waits for it to close
	got    []received
	hits   chan int
}

type received struct {
	status   int
	event    string
	delivery string
	body     []byte
	sigErr   error
}

func newReceiver(t testing.TB, fail int, tls bool) *receiver {
	r := &receiver{t: t, fail: fail, hits: make(chan int, 100)}
	h := http.HandlerFunc(r.serve)
	if tls {
		r.srv = httptest.NewTLSServer(h)
	} else {
		r.srv = httptest.NewServer(h)
	}
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	n := len(r.got)
	block := r.block
	r.mu.Unlock()
	if n == 0 && block != nil {
		select {
		case <-block:
		case <-req.Context().Done():
			return
		}
	}
	r.mu.Lock()
	status := http.StatusOK
	if len(r.got) < r.fail {
		status = http.StatusInternalServerError
	}
	r.got = append(r.got, received{status: status, event: req.Header.Get(webhook.EventHeader), delivery: req.Header.Get(webhook.DeliveryHeader), body: body,
		sigErr: webhook.Verify(r.secret, req.Header.Get(webhook.SignatureHeader), body, 5*time.Minute, time.Now())})
	n = len(r.got)
	r.mu.Unlock()
	w.WriteHeader(status)
	r.hits <- n
}

// waitHits waits until the receiver has answered n POSTs.
func (r *receiver) waitHits(n int, timeout time.Duration) {
	r.t.Helper()
	deadline := time.After(timeout)
	for {
		r.mu.Lock()
		have := len(r.got)
		r.mu.Unlock()
		if have >= n {
			return
		}
		select {
		case <-r.hits:
		case <-deadline:
			r.t.Fatalf("receiver got %d POSTs, want %d", have, n)
		}
	}
}

// hook gives p the receiver's URL and keeps the secret shown.
func (e *env) hook(p *hub.Partner, r *receiver) {
	e.t.Helper()
	_, secret, err := e.svc.SetPartnerWebhook(e.ctx, e.sys, hub.PartnerKey{ID: p.ID}, r.srv.URL+"/hooks")
	if err != nil || secret == "" {
		e.t.Fatalf("set webhook: %q %v", secret, err)
	}
	r.secret = secret
}

// deliveries lists p's deliveries, newest first.
func (e *env) deliveries(p *hub.Partner) []hub.WebhookDelivery {
	e.t.Helper()
	page, err := e.svc.ListWebhookDeliveries(e.ctx, e.sys, hub.PartnerKey{ID: p.ID}, hub.ListQuery{Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Items
}

// waitDelivery waits until delivery id is no longer pending.
func (e *env) waitDelivery(id int64, timeout time.Duration) *hub.WebhookDelivery {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		d, err := e.db.WebhookDelivery(e.ctx, id)
		if err != nil {
			e.t.Fatal(err)
		}
		if d.Status != hub.DeliveryPending || time.Now().After(deadline) {
			return d
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestWebhookRetriedUntilDelivered: a receiver failing the first three
// POSTs gets the fourth, signed; every attempt is recorded; the workers
// restart between the second and the third attempt and nothing is lost.
func TestWebhookRetriedUntilDelivered(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
		r := newReceiver(t, 3, false)
		e.hook(src, r)
		c, _ := e.client(src, 1)
		first := e.start(fastConfig())
		cr := e.request(src, c, dst, nil)
		r.waitHits(2, 20*time.Second)
		ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
		if err := first.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		e.start(fastConfig())
		r.waitHits(4, 20*time.Second)
		ds := e.deliveries(src)
		if len(ds) != 1 {
			t.Fatalf("%d deliveries, want 1", len(ds))
		}
		d := e.waitDelivery(ds[0].ID, 10*time.Second)
		if d.Status != hub.DeliveryDelivered || d.AttemptCount != 4 || len(d.Attempts) != 4 || d.FinishedAt == nil {
			t.Fatalf("delivery: %+v", d)
		}
		for i, a := range d.Attempts {
			want := 500
			if i == 3 {
				want = 200
			}
			if a.StatusCode != want || (want == 500) != (a.Error != "") {
				t.Fatalf("attempt %d: %+v", i+1, a)
			}
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if len(r.got) != 4 {
			t.Fatalf("receiver got %d POSTs", len(r.got))
		}
		for _, g := range r.got {
			if g.sigErr != nil || g.event != "partner_change_request.created" || g.delivery != strconv.FormatInt(d.ID, 10) || string(g.body) != string(d.Body) {
				t.Fatalf("POST: %+v (signature: %v)", g, g.sigErr)
			}
		}
		var ev hub.WebhookEvent
		if err := json.Unmarshal(r.got[3].body, &ev); err != nil || ev.ChangeRequest.ID != cr.Ref || ev.ChangeRequest.Status != hub.ChangeRequestCreated {
			t.Fatalf("body: %s %v", r.got[3].body, err)
		}
		if webhook.Verify("whsec_wrong", webhook.Sign(r.secret, time.Now().Unix(), r.got[3].body), r.got[3].body, 0, time.Now()) == nil {
			t.Fatal("a wrong secret verifies")
		}
	})
}

// TestWebhookEveryStatus: both partners of a migrated request receive
// created, pending and completed, in order of the events.
func TestWebhookEveryStatus(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
		rs, rd := newReceiver(t, 0, false), newReceiver(t, 0, false)
		e.hook(src, rs)
		e.hook(dst, rd)
		c, _ := e.client(src, 1)
		e.start(fastConfig())
		cr := e.request(src, c, dst, nil)
		e.approve(dst, cr)
		e.waitDone(cr.ID, 20*time.Second)
		for _, r := range []*receiver{rs, rd} {
			r.waitHits(3, 20*time.Second)
			r.mu.Lock()
			events := map[string]bool{}
			for _, g := range r.got {
				if g.sigErr != nil {
					t.Fatalf("signature: %v", g.sigErr)
				}
				events[g.event] = true
			}
			r.mu.Unlock()
			for _, s := range []string{"created", "pending", "completed"} {
				if !events["partner_change_request."+s] {
					t.Fatalf("missing event %s: %v", s, events)
				}
			}
		}
	})
}

// TestWebhookRefusedAtDelivery: a URL that points at a loopback address
// (accepted when set, as with --allow-private-webhooks, or through a name
// that resolved elsewhere then) is refused when the sender dials it: the
// receiver gets nothing and the attempt records why.
func TestWebhookRefusedAtDelivery(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
		r := newReceiver(t, 0, true)
		// Through the name localhost: the dialled address is what counts.
		u := strings.Replace(r.srv.URL, "127.0.0.1", "localhost", 1) + "/hooks"
		if _, _, err := e.svc.SetPartnerWebhook(e.ctx, e.sys, hub.PartnerKey{ID: src.ID}, u); err != nil {
			t.Fatal(err)
		}
		cfg := fastConfig()
		cfg.Sender = webhook.NewSender(false, 2*time.Second, "partnerhub-test")
		c, _ := e.client(src, 0)
		e.start(cfg)
		e.request(src, c, dst, nil)
		deadline := time.Now().Add(20 * time.Second)
		var d hub.WebhookDelivery
		for {
			ds := e.deliveries(src)
			if len(ds) == 1 && ds[0].AttemptCount >= 2 {
				d = ds[0]
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("deliveries: %+v", ds)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if d.Status != hub.DeliveryPending || d.Attempts[0].StatusCode != 0 || !strings.Contains(d.Attempts[0].Error, "loopback") {
			t.Fatalf("delivery: %+v", d)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if len(r.got) != 0 {
			t.Fatalf("the receiver on loopback got %d POSTs", len(r.got))
		}
	})
}

// TestShutdownReleasesRunningJobs: a delivery stuck on a receiver that
// does not answer is cancelled when the workers' graceful stop runs out
// of time; the job is released, and the next workers deliver it.
func TestShutdownReleasesRunningJobs(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
		r := newReceiver(t, 0, false)
		r.block = make(chan struct{})
		e.hook(src, r)
		c, _ := e.client(src, 0)
		cfg := fastConfig()
		first := e.start(cfg)
		e.request(src, c, dst, nil)
		// Wait until the first POST is in flight.
		deadline := time.Now().Add(20 * time.Second)
		for e.count(`SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'running'`, hub.KindWebhookDelivery) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the delivery never started")
			}
			time.Sleep(10 * time.Millisecond)
		}
		ctx, cancel := context.WithTimeout(e.ctx, 300*time.Millisecond)
		err := first.Stop(ctx)
		cancel()
		if err != nil {
			t.Fatalf("stop: %v", err)
		}
		if n := e.count(`SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'running'`, hub.KindWebhookDelivery); n != 0 {
			t.Fatalf("%d deliveries still running after the stop", n)
		}
		close(r.block)
		e.start(cfg)
		r.waitHits(1, 20*time.Second)
		ds := e.deliveries(src)
		if d := e.waitDelivery(ds[0].ID, 10*time.Second); d.Status != hub.DeliveryDelivered {
			t.Fatalf("delivery: %+v", d)
		}
	})
}
