package jobs_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// eachEngine runs fn as a parallel subtest on SQLite and PostgreSQL.
func eachEngine(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Parallel()
	for _, engine := range testdb.Engines {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, engine))
		})
	}
}

// checkClient fails unless client c belongs to partner p and holds
// exactly the channels refs.
func (e *env) checkClient(c int64, p *hub.Partner, refs []string) {
	e.t.Helper()
	got, err := e.db.Client(e.ctx, c, "")
	if err != nil || got.PartnerID != p.ID {
		e.t.Fatalf("client %d: %+v %v, want partner %d", c, got, err, p.ID)
	}
	page, err := e.db.ListChannels(e.ctx, hub.Scope{ClientID: c}, hub.ListQuery{Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	var have []string
	for _, ch := range page.Items {
		have = append(have, ch.Ref)
	}
	slices.Sort(have)
	want := slices.Sorted(slices.Values(refs))
	if !slices.Equal(have, want) {
		e.t.Fatalf("client %d holds channels %v, want %v", c, have, want)
	}
}

func refsOf(chs []*hub.Channel) []string {
	var out []string
	for _, ch := range chs {
		out = append(out, ch.Ref)
	}
	return out
}

// TestFullMigration: an approved full migration moves the client with
// every channel to the target, audits it, and ends completed listing the
// channels; exactly one migration job ran.
func TestFullMigration(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
		c, chs := e.client(src, 3)
		e.start(fastConfig())
		cr := e.request(src, c, dst, nil)
		if cr.Status != hub.ChangeRequestCreated || !cr.IsFullMigration || cr.TargetClientRef != c.Ref {
			t.Fatalf("created: %+v", cr)
		}
		e.approve(dst, cr)
		done := e.waitDone(cr.ID, 20*time.Second)
		if done.Status != hub.ChangeRequestCompleted || done.Attempts != 1 || done.FinishedAt == nil || done.TargetClientID != c.ID {
			t.Fatalf("done: %+v", done)
		}
		if !slices.Equal(slices.Sorted(slices.Values(done.MigratedChannels)), slices.Sorted(slices.Values(refsOf(chs)))) {
			t.Fatalf("migrated %v, want %v", done.MigratedChannels, refsOf(chs))
		}
		e.checkClient(c.ID, dst, refsOf(chs))
		if n := e.audits("move", "client", c.ID); n != 1 {
			t.Fatalf("%d client move audit rows", n)
		}
		if n := e.audits("complete", "change_request", cr.ID); n != 1 {
			t.Fatalf("%d completion audit rows", n)
		}
		if n := e.jobsOf(hub.KindChangeRequestMigration); n != 1 {
			t.Fatalf("%d migration jobs", n)
		}
		// The target now sees the client; the source no longer does.
		if _, err := e.svc.Client(e.ctx, principal(dst), c.ID, ""); err != nil {
			t.Fatalf("target reads its new client: %v", err)
		}
		if _, err := e.svc.Client(e.ctx, principal(src), c.ID, ""); !hub.IsKind(err, hub.NotFound) {
			t.Fatalf("source reads the moved client: %v", err)
		}
	})
}

// TestPartialMigration: a copy of the client is created under the target
// with the listed channels; the rest stay with the original.
func TestPartialMigration(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
		c, chs := e.client(src, 3)
		e.start(fastConfig())
		moving := []string{chs[0].Ref, chs[2].Ref}
		cr := e.request(src, c, dst, moving)
		e.approve(dst, cr)
		done := e.waitDone(cr.ID, 20*time.Second)
		if done.Status != hub.ChangeRequestCompleted || done.IsFullMigration || done.TargetClientID == 0 || done.TargetClientID == c.ID ||
			!hub.IsRef(done.TargetClientRef, hub.ClientRefSuffix) || !slices.Equal(done.MigratedChannels, moving) {
			t.Fatalf("done: %+v", done)
		}
		e.checkClient(c.ID, src, []string{chs[1].Ref})
		e.checkClient(done.TargetClientID, dst, moving)
		cp, err := e.db.Client(e.ctx, done.TargetClientID, "")
		if err != nil || cp.Name != c.Name || cp.Ref == c.Ref {
			t.Fatalf("copy: %+v %v", cp, err)
		}
		if pub := done.Public(); pub.TargetClientID == nil || *pub.TargetClientID != cp.Ref {
			t.Fatalf("public target client: %+v", pub)
		}
		if n := e.audits("create", "client", cp.ID); n != 1 {
			t.Fatalf("%d audit rows for the copy", n)
		}
		for _, ch := range []*hub.Channel{chs[0], chs[2]} {
			if n := e.audits("move", "channel", ch.ID); n != 1 {
				t.Fatalf("%d audit rows for moving channel %s", n, ch.Ref)
			}
		}
	})
}

// TestRejectAndRefusalsMigrateNothing: a rejected request, and approvals
// refused to the source side (Forbidden) and to a stranger (NotFound),
// schedule no job and change nothing.
func TestRejectAndRefusalsMigrateNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst, stranger := e.partner(e.root, "src"), e.partner(e.root, "dst"), e.partner(e.root, "stranger")
		c, chs := e.client(src, 2)
		e.start(fastConfig())
		cr := e.request(src, c, dst, nil)
		if _, err := e.svc.ApproveChangeRequest(e.ctx, principal(src), hub.PartnerKey{}, cr.ID, ""); !hub.IsKind(err, hub.Forbidden) {
			t.Fatalf("approve by the source: %v", err)
		}
		if _, err := e.svc.ApproveChangeRequest(e.ctx, principal(stranger), hub.PartnerKey{}, cr.ID, ""); !hub.IsKind(err, hub.NotFound) {
			t.Fatalf("approve by a stranger: %v", err)
		}
		rej, err := e.svc.RejectChangeRequest(e.ctx, principal(dst), hub.PartnerKey{}, 0, cr.Ref)
		if err != nil || rej.Status != hub.ChangeRequestRejected {
			t.Fatalf("reject: %+v %v", rej, err)
		}
		time.Sleep(200 * time.Millisecond) // give a wrongly scheduled job time to run
		if n := e.jobsOf(hub.KindChangeRequestMigration); n != 0 {
			t.Fatalf("%d migration jobs after refusals and a rejection", n)
		}
		e.checkClient(c.ID, src, refsOf(chs))
		if got, _ := e.db.ChangeRequest(e.ctx, cr.ID, ""); got.Status != hub.ChangeRequestRejected || got.Attempts != 0 {
			t.Fatalf("request: %+v", got)
		}
	})
}

// TestApproveTwiceMigratesOnce: approvals before, during and after the
// migration all answer the request and schedule one job; the client moves
// once.
func TestApproveTwiceMigratesOnce(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
		c, chs := e.client(src, 1)
		cr := e.request(src, c, dst, []string{chs[0].Ref})
		first, second := e.approve(dst, cr), e.approve(dst, cr)
		if first.Status != hub.ChangeRequestPending || second.Version != first.Version {
			t.Fatalf("approvals: %+v then %+v", first, second)
		}
		e.start(fastConfig())
		done := e.waitDone(cr.ID, 20*time.Second)
		if after := e.approve(dst, cr); after.Status != hub.ChangeRequestCompleted || after.Version != done.Version {
			t.Fatalf("approve after completion: %+v", after)
		}
		if n := e.jobsOf(hub.KindChangeRequestMigration); n != 1 {
			t.Fatalf("%d migration jobs", n)
		}
		if n := e.count(`SELECT count(*) FROM clients WHERE name = $1`, c.Name); n != 2 {
			t.Fatalf("%d clients named %s, want the original and one copy", n, c.Name)
		}
	})
}

// TestConcurrentApprovesMigrateOnce: eight approvals racing while the
// workers run: every one answers the request, one job is scheduled, one
// copy is created.
func TestConcurrentApprovesMigrateOnce(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
		c, chs := e.client(src, 2)
		e.start(fastConfig())
		cr := e.request(src, c, dst, []string{chs[1].Ref})
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				got, err := e.svc.ApproveChangeRequest(e.ctx, principal(dst), hub.PartnerKey{}, cr.ID, "")
				if err == nil && got.Status == hub.ChangeRequestCreated {
					err = fmt.Errorf("an approval answered %s", got.Status)
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		done := e.waitDone(cr.ID, 20*time.Second)
		if done.Status != hub.ChangeRequestCompleted {
			t.Fatalf("done: %+v", done)
		}
		if n := e.jobsOf(hub.KindChangeRequestMigration); n != 1 {
			t.Fatalf("%d migration jobs", n)
		}
		if n := e.audits("approve", "change_request", cr.ID); n != 1 {
			t.Fatalf("%d approvals written", n)
		}
		if n := e.count(`SELECT count(*) FROM clients WHERE name = $1`, c.Name); n != 2 {
			t.Fatalf("%d clients named %s, want the original and one copy", n, c.Name)
		}
		e.checkClient(c.ID, src, []string{chs[0].Ref})
		e.checkClient(done.TargetClientID, dst, []string{chs[1].Ref})
	})
}

// TestAutoApproveMigrates: a target with auto-approve on gets the client
// without an explicit approval.
func TestAutoApproveMigrates(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
		if _, err := e.svc.SetChangeRequestAutoApprove(e.ctx, principal(dst), hub.PartnerKey{ID: dst.ID}, true); err != nil {
			t.Fatal(err)
		}
		c, chs := e.client(src, 2)
		e.start(fastConfig())
		cr := e.request(src, c, dst, nil)
		if cr.Status != hub.ChangeRequestPending {
			t.Fatalf("auto-approved request is %s", cr.Status)
		}
		if done := e.waitDone(cr.ID, 20*time.Second); done.Status != hub.ChangeRequestCompleted {
			t.Fatalf("done: %+v", done)
		}
		e.checkClient(c.ID, dst, refsOf(chs))
	})
}
