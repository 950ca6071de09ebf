package jobs_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestBusyWorkersAndWritersFinish: the service's writes (new clients and
// channels, requests, approvals) from many goroutines race the workers
// (migrations and webhook deliveries at once) on one database. On SQLite
// River and the service share the single writer connection: nothing may
// wait on something that waits on it. Every request ends completed,
// every delivery delivered, within the deadline.
func TestBusyWorkersAndWritersFinish(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		const writers, each = 8, 5
		dst := e.partner(e.root, "dst")
		r := newReceiver(t, 0, false)
		e.hook(dst, r)
		cfg := fastConfig()
		cfg.MigrationWorkers, cfg.WebhookWorkers = 4, 4
		e.start(cfg)
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		ids := make(chan int64, writers*each)
		for w := range writers {
			wg.Go(func() {
				src, err := e.svc.CreatePartner(e.ctx, e.sys, &hub.Partner{Name: fmt.Sprintf("src-%d", w), ParentID: e.root.ID, Status: hub.StatusActive})
				if err != nil {
					errs <- err
					return
				}
				for i := range each {
					c, err := e.svc.CreateClient(e.ctx, e.sys, &hub.Client{Name: fmt.Sprintf("c-%d-%d", w, i), PartnerID: src.ID})
					if err != nil {
						errs <- err
						return
					}
					ch, err := e.svc.CreateChannel(e.ctx, e.sys, &hub.Channel{ClientID: c.ID, PhoneNumber: fmt.Sprintf("+1212%03d%04d", w, i)})
					if err != nil {
						errs <- err
						return
					}
					var channels []string
					if i%2 == 0 {
						channels = []string{ch.Ref}
					}
					cr, err := e.svc.CreateChangeRequest(e.ctx, principal(src), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: dst.Ref}, Channels: channels})
					if err == nil {
						_, err = e.svc.ApproveChangeRequest(e.ctx, principal(dst), hub.PartnerKey{}, cr.ID, "")
					}
					if err != nil {
						errs <- err
						return
					}
					ids <- cr.ID
				}
			})
		}
		wg.Wait()
		close(errs)
		close(ids)
		for err := range errs {
			t.Fatal(err)
		}
		for id := range ids {
			if done := e.waitDone(id, 60*time.Second); done.Status != hub.ChangeRequestCompleted {
				t.Fatalf("request %s: %s (%s)", done.Ref, done.Status, done.FailureReason)
			}
		}
		// created, pending and completed for each request.
		r.waitHits(3*writers*each, 60*time.Second)
		if n := e.count(`SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'`); n != 0 {
			// The last record may trail the receiver's answer briefly.
			time.Sleep(500 * time.Millisecond)
			if n := e.count(`SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'`); n != 0 {
				t.Fatalf("%d deliveries not delivered", n)
			}
		}
		if n := e.count(`SELECT count(*) FROM clients WHERE partner_id = $1`, dst.ID); n != writers*each {
			t.Fatalf("the target has %d clients, want %d", n, writers*each)
		}
	})
}
