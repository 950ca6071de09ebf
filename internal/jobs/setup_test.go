package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/jobs"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
	"github.com/partnerhub/partnerhub/internal/webhook"
)

// fastConfig is a worker configuration for tests: quick polls and
// millisecond backoffs, so retries take no test time.
func fastConfig() jobs.Config {
	return jobs.Config{
		PollInterval:     50 * time.Millisecond,
		MigrationBackoff: jobs.Backoff{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond},
		WebhookBackoff:   jobs.Backoff{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond},
		Sender:           webhook.NewSender(true, 5*time.Second, "partnerhub-test"),
	}
}

// env is the setup bundle of a jobs test: a fresh database, a service
// over it with a root partner, and (once started) workers.
type env struct {
	t    testing.TB
	ctx  context.Context
	db   *store.DB
	svc  *hub.Service
	root *hub.Partner
	sys  hub.Principal
	seq  atomic.Int64
}

func newEnv(t testing.TB, engine testdb.Engine) *env {
	t.Helper()
	return newEnvOn(t, engine.Open(t))
}

func newEnvOn(t testing.TB, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	svc := hub.NewService(db, 8)
	svc.SetWebhookGuard(webhook.Guard{AllowPrivate: true})
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root", Status: hub.StatusActive})
	if err != nil {
		t.Fatalf("root: %v", err)
	}
	return &env{t: t, ctx: ctx, db: db, svc: svc, root: root, sys: hub.SystemPrincipal(root, "test")}
}

// start runs workers on the database with cfg until the test ends.
func (e *env) start(cfg jobs.Config) *jobs.Runner {
	e.t.Helper()
	return e.startWith(e.svc, cfg)
}

// startWith runs workers that work through svc.
func (e *env) startWith(svc *hub.Service, cfg jobs.Config) *jobs.Runner {
	e.t.Helper()
	r, err := jobs.New(e.db.JobDriver(), svc, cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := r.Start(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = r.Stop(ctx)
	})
	return r
}

// partner creates an active partner under parent.
func (e *env) partner(parent *hub.Partner, name string) *hub.Partner {
	e.t.Helper()
	p, err := e.svc.CreatePartner(e.ctx, e.sys, &hub.Partner{Name: name, ParentID: parent.ID, Status: hub.StatusActive})
	if err != nil {
		e.t.Fatalf("partner %s: %v", name, err)
	}
	return p
}

// client creates a client of p with n channels.
func (e *env) client(p *hub.Partner, n int) (*hub.Client, []*hub.Channel) {
	e.t.Helper()
	c, err := e.svc.CreateClient(e.ctx, e.sys, &hub.Client{Name: fmt.Sprintf("client-%d", e.seq.Add(1)), PartnerID: p.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	var chs []*hub.Channel
	for range n {
		ch, err := e.svc.CreateChannel(e.ctx, e.sys, &hub.Channel{ClientID: c.ID, PhoneNumber: fmt.Sprintf("+1415%07d", e.seq.Add(1))})
		if err != nil {
			e.t.Fatal(err)
		}
		chs = append(chs, ch)
	}
	return c, chs
}

// principal is a Partner Supervisor homed at p.
func principal(p *hub.Partner) hub.Principal {
	return hub.Principal{PartnerID: p.ID, PartnerPath: p.Path, Actor: fmt.Sprintf("test:%d", p.ID),
		Role: hub.RolePartnerSupervisor, Scopes: hub.RolePartnerSupervisor.Scopes()}
}

// wait polls the request until it is no longer open (or pending, when
// open is false) and returns it; it fails the test after timeout.
func (e *env) waitDone(id int64, timeout time.Duration) *hub.ChangeRequest {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		cr, err := e.db.ChangeRequest(e.ctx, id, "")
		if err != nil {
			e.t.Fatal(err)
		}
		if !cr.Open() {
			return cr
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("change request %s still %s after %s (attempts %d, last error %q)", cr.Ref, cr.Status, timeout, cr.Attempts, cr.LastError)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// count runs a count(*) query on the database.
func (e *env) count(query string, args ...any) int64 {
	e.t.Helper()
	var n int64
	err := e.db.WriteSQL(e.ctx, func(tx *sql.Tx) error { return tx.QueryRowContext(e.ctx, query, args...).Scan(&n) })
	if err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// jobsOf counts the jobs of a kind in River's table (every test has a
// database of its own).
func (e *env) jobsOf(kind string) int64 {
	e.t.Helper()
	return e.count(`SELECT count(*) FROM river_job WHERE kind = $1`, kind)
}

// audits counts the audit rows of one action on one object.
func (e *env) audits(action, objectType string, id int64) int64 {
	e.t.Helper()
	return e.count(`SELECT count(*) FROM audit_log WHERE action = $1 AND object_type = $2 AND object_id = $3`, action, objectType, fmt.Sprint(id))
}

// request creates a change request of c to target as src's supervisor.
func (e *env) request(src *hub.Partner, c *hub.Client, target *hub.Partner, channels []string) *hub.ChangeRequest {
	e.t.Helper()
	cr, err := e.svc.CreateChangeRequest(e.ctx, principal(src), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: target.Ref}, Channels: channels})
	if err != nil {
		e.t.Fatal(err)
	}
	return cr
}

// approve approves cr as target's supervisor.
func (e *env) approve(target *hub.Partner, cr *hub.ChangeRequest) *hub.ChangeRequest {
	e.t.Helper()
	got, err := e.svc.ApproveChangeRequest(e.ctx, principal(target), hub.PartnerKey{}, cr.ID, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return got
}
