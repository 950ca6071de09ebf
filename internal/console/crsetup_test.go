package console_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/jobs"
	"github.com/partnerhub/partnerhub/internal/webhook"
)

// crFix is the change-request fixture, in alice's branch:
//
//	Alpha Resellers (alice: the target side)
//	└── Alpha One (olga, Partner Supervisor: the source side only)
//	    └── client "Moving Client" (two channels)
//
// with a created request moving Moving Client to Alpha Resellers, made by
// olga. Bob, in the sibling branch, sees none of it.
type crFix struct {
	client   *hub.Client
	channels []*hub.Channel
	olga     *hub.User
	cr       *hub.ChangeRequest
}

// crFixture adds the change-request fixture to e.
func (e *env) crFixture() *crFix {
	e.t.Helper()
	ctx := context.Background()
	f := &crFix{olga: e.user("olga", e.alpha1, hub.RolePartnerSupervisor)}
	var err error
	if f.client, err = e.svc.CreateClient(ctx, e.sys, &hub.Client{PartnerID: e.alpha1.ID, Name: "Moving Client"}); err != nil {
		e.t.Fatal(err)
	}
	for i := range 2 {
		ch, err := e.svc.CreateChannel(ctx, e.sys, &hub.Channel{ClientID: f.client.ID, PhoneNumber: fmt.Sprintf("+1415555020%d", i)})
		if err != nil {
			e.t.Fatal(err)
		}
		f.channels = append(f.channels, ch)
	}
	e.alpha = e.activate(e.alpha)
	f.cr = e.request(f.olga, f.client, e.alpha, nil)
	return f
}

// activate makes p active (a change request's target must be).
func (e *env) activate(p *hub.Partner) *hub.Partner {
	e.t.Helper()
	p, err := e.svc.UpdatePartner(context.Background(), e.sys, hub.PartnerKey{ID: p.ID}, 0, func(p *hub.Partner) error {
		p.Status = hub.StatusActive
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// principalOf is the principal of user u.
func (e *env) principalOf(u *hub.User) hub.Principal {
	e.t.Helper()
	pr, _, err := e.svc.UserPrincipal(context.Background(), u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return pr
}

// request makes a change request as u: client c to target (channel refs
// for a partial one, nil for the whole client).
func (e *env) request(u *hub.User, c *hub.Client, target *hub.Partner, channels []string) *hub.ChangeRequest {
	e.t.Helper()
	cr, err := e.svc.CreateChangeRequest(context.Background(), e.principalOf(u), hub.PartnerKey{},
		hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: target.Ref}, Channels: channels})
	if err != nil {
		e.t.Fatal(err)
	}
	return cr
}

// startWorkers runs the job workers (migrations, webhooks) on e's
// database, through e's service, until stop is called or t ends: quick
// polls and millisecond backoffs, webhooks to loopback allowed.
func (e *env) startWorkers(t testing.TB) (stop func()) {
	t.Helper()
	r, err := jobs.New(e.db.JobDriver(), e.svc, jobs.Config{
		PollInterval:     50 * time.Millisecond,
		MigrationBackoff: jobs.Backoff{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond},
		WebhookBackoff:   jobs.Backoff{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond},
		Sender:           webhook.NewSender(true, 5*time.Second, "partnerhub-test"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = r.Stop(ctx)
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond every 20ms until it holds, failing t after 20
// seconds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
