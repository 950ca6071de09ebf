package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// activeChild creates an active partner under parent: only active
// partners can be a change request's target.
func (f *fixture) activeChild(t testing.TB, parent *hub.Partner, name string) *hub.Partner {
	t.Helper()
	p, err := f.svc.CreatePartner(f.ctx, f.sys, &hub.Partner{Name: name, ParentID: parent.ID, Status: hub.StatusActive})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return p
}

// clientWith creates a client of p with n channels.
func (f *fixture) clientWith(t testing.TB, p *hub.Partner, n int) (*hub.Client, []*hub.Channel) {
	t.Helper()
	c, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: fmt.Sprintf("client-%d", f.seq.Add(1)), PartnerID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	var chs []*hub.Channel
	for range n {
		ch, err := f.svc.CreateChannel(f.ctx, f.sys, &hub.Channel{ClientID: c.ID, PhoneNumber: fmt.Sprintf("+1650%07d", f.seq.Add(1))})
		if err != nil {
			t.Fatal(err)
		}
		chs = append(chs, ch)
	}
	return c, chs
}

// clientPrincipal is a Client Admin of c.
func clientPrincipal(c *hub.Client) hub.Principal {
	return hub.Principal{PartnerID: c.PartnerID, ClientID: c.ID, Actor: fmt.Sprintf("test:client:%d", c.ID),
		Role: hub.RoleClientAdmin, Scopes: hub.RoleClientAdmin.Scopes()}
}

// testChangeRequestCreate: who may ask, how the target is named, which
// channels and how many open requests are accepted; an accepted request
// carries every ref and is audited.
func testChangeRequestCreate(t *testing.T, f *fixture) {
	a := f.activeChild(t, f.root, "A")
	a1 := f.activeChild(t, a, "A1")
	b := f.activeChild(t, f.root, "B")
	inactive := f.child(t, f.root, "unverified")
	suspended := f.activeChild(t, f.root, "S")
	below := f.activeChild(t, suspended, "below S")
	if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: suspended.ID}, 0, func(p *hub.Partner) error { p.Status = hub.StatusSuspended; return nil }); err != nil {
		t.Fatal(err)
	}
	c, chs := f.clientWith(t, a1, 2)
	other, otherChs := f.clientWith(t, a1, 1)
	cb, _ := f.clientWith(t, b, 0)
	pa := principal(a)
	create := func(pr hub.Principal, at hub.PartnerKey, in hub.NewChangeRequest) error {
		_, err := f.svc.CreateChangeRequest(f.ctx, pr, at, in)
		return err
	}
	to := func(p *hub.Partner) hub.PartnerKey { return hub.PartnerKey{Ref: p.Ref} }

	// Visibility: a client outside the caller's subtree, or not owned by
	// the partner the path names, is NotFound; a target it cannot see is
	// fine when named by ref or sid.
	wantKind(t, create(principal(b), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: to(b)}), hub.NotFound, "a client of another subtree")
	wantKind(t, create(pa, hub.PartnerKey{ID: a.ID}, hub.NewChangeRequest{ClientID: c.ID, Target: to(b)}), hub.NotFound, "a client not owned by the path's partner")
	wantKind(t, create(pa, hub.PartnerKey{}, hub.NewChangeRequest{ClientRef: "nonsense", Target: to(b)}), hub.NotFound, "a malformed client ref")
	noScope := pa
	noScope.Scopes = []string{hub.ScopeChangeRequestsRead}
	wantKind(t, create(noScope, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: to(b)}), hub.Forbidden, "without change_requests.manage")

	// The target: an active partner other than the client's; whatever is
	// not one is the same Invalid answer naming target_partner.
	for _, tc := range []struct {
		name string
		key  hub.PartnerKey
	}{
		{"an unknown ref", hub.PartnerKey{Ref: hub.NewRef(hub.PartnerRefSuffix)}},
		{"a malformed ref", hub.PartnerKey{Ref: "b@d"}},
		{"an unknown sid", hub.PartnerKey{SID: hub.NewSID()}},
		{"the numeric id of an invisible partner", hub.PartnerKey{ID: b.ID}},
		{"an unverified partner", to(inactive)},
		{"a suspended partner", to(suspended)},
		{"a partner below a suspended one", to(below)},
		{"no target", hub.PartnerKey{}},
	} {
		err := create(pa, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: tc.key})
		wantField(t, err, hub.Invalid, "target_partner", tc.name)
	}
	wantField(t, create(pa, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: to(a1)}), hub.Invalid, "target_partner", "the client's own partner")

	// Channels: each must be the client's, listed once; an empty list is
	// neither full nor partial.
	wantField(t, create(pa, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: to(b), Channels: []string{}}), hub.Invalid, "channels", "an empty list")
	wantField(t, create(pa, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: to(b), Channels: []string{"x"}}), hub.Invalid, "channels[0]", "a malformed channel")
	wantField(t, create(pa, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: to(b), Channels: []string{chs[0].Ref, otherChs[0].Ref}}), hub.Invalid, "channels[1]", "another client's channel")
	wantField(t, create(pa, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: to(b), Channels: []string{chs[0].Ref, chs[0].Ref}}), hub.Invalid, "channels[1]", "a repeated channel")
	wantField(t, create(pa, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: to(b), Channels: []string{hub.NewRef(hub.ChannelRefSuffix)}}), hub.Invalid, "channels[0]", "an unknown channel")

	// Accepted: a partial request by sid, through the path of the
	// client's own partner.
	cr, err := f.svc.CreateChangeRequest(f.ctx, pa, hub.PartnerKey{ID: a1.ID}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{SID: b.SID}, Channels: []string{chs[1].Ref}})
	if err != nil {
		t.Fatal(err)
	}
	if !hub.IsRef(cr.Ref, hub.ChangeRequestRefSuffix) || cr.Status != hub.ChangeRequestCreated || cr.IsFullMigration ||
		cr.SourceClientRef != c.Ref || cr.SourcePartnerRef != a1.Ref || cr.TargetPartnerRef != b.Ref || cr.TargetClientID != 0 ||
		len(cr.RequestedChannels) != 1 || cr.RequestedChannels[0] != chs[1].Ref || cr.CreatedBy != pa.Actor || cr.Version != 1 {
		t.Fatalf("created: %+v", cr)
	}
	pub := cr.Public()
	if pub.ID != cr.Ref || pub.TargetClientID != nil || pub.SourcePartnerID != a1.Ref || len(pub.MigratedChannels) != 0 || pub.FailureReason != nil {
		t.Fatalf("public: %+v", pub)
	}
	if got, err := f.svc.ChangeRequest(f.ctx, pa, hub.PartnerKey{}, 0, cr.Ref); err != nil || got.ID != cr.ID || got.Version != 1 {
		t.Fatalf("read back: %+v %v", got, err)
	}
	if n := f.auditCount(t, "create", "change_request", cr.ID); n != 1 {
		t.Fatalf("%d audit rows for the created request, want 1", n)
	}

	// One open request per client; another client is free.
	err = create(pa, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: to(b)})
	wantKind(t, err, hub.Conflict, "a second open request")
	full, err := f.svc.CreateChangeRequest(f.ctx, pa, hub.PartnerKey{}, hub.NewChangeRequest{ClientRef: other.Ref, Target: to(b)})
	if err != nil || !full.IsFullMigration || full.TargetClientID != other.ID || full.TargetClientRef != other.Ref {
		t.Fatalf("full: %+v %v", full, err)
	}
	if pub := full.Public(); pub.TargetClientID == nil || *pub.TargetClientID != other.Ref {
		t.Fatalf("a full request names its target client from the start: %+v", pub)
	}

	// The client's own admin may ask; a target inside the subtree may be
	// named by numeric id.
	if _, err := f.svc.CreateChangeRequest(f.ctx, clientPrincipal(cb), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: cb.ID, Target: hub.PartnerKey{Ref: a.Ref}}); err != nil {
		t.Fatalf("the client's admin: %v", err)
	}
	c2, _ := f.clientWith(t, a1, 0)
	if _, err := f.svc.CreateChangeRequest(f.ctx, pa, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c2.ID, Target: hub.PartnerKey{ID: a.ID}}); err != nil {
		t.Fatalf("a visible target by id: %v", err)
	}
}

// auditCount counts the audit rows of one action on one object.
func (f *fixture) auditCount(t *testing.T, action, objectType string, id int64) int64 {
	t.Helper()
	q := fmt.Sprintf(`action eq %q and object_type eq %q and object_id eq "%d"`, action, objectType, id)
	page, err := f.svc.ListAudit(f.ctx, f.sys, hub.ListQuery{Filter: mustParse(t, q), Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return page.Total
}

// testChangeRequestDecide: only the target side decides; the source side
// is Forbidden and a stranger gets NotFound, with nothing changed; a
// repeated decision returns the request unchanged; a decided request
// cannot take the other decision.
func testChangeRequestDecide(t *testing.T, f *fixture) {
	src := f.activeChild(t, f.root, "src")
	dstParent := f.activeChild(t, f.root, "dst parent")
	dst := f.activeChild(t, dstParent, "dst")
	stranger := f.activeChild(t, f.root, "stranger")
	c, _ := f.clientWith(t, src, 1)
	cr, err := f.svc.CreateChangeRequest(f.ctx, principal(src), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: dst.Ref}})
	if err != nil {
		t.Fatal(err)
	}
	approve := func(pr hub.Principal, at hub.PartnerKey) (*hub.ChangeRequest, error) {
		return f.svc.ApproveChangeRequest(f.ctx, pr, at, 0, cr.Ref)
	}
	reject := func(pr hub.Principal) (*hub.ChangeRequest, error) {
		return f.svc.RejectChangeRequest(f.ctx, pr, hub.PartnerKey{}, cr.ID, "")
	}
	_, err = approve(principal(src), hub.PartnerKey{})
	wantKind(t, err, hub.Forbidden, "approve by the source")
	_, err = reject(principal(src))
	wantKind(t, err, hub.Forbidden, "reject by the source")
	_, err = approve(clientPrincipal(c), hub.PartnerKey{})
	wantKind(t, err, hub.Forbidden, "approve by the client's admin")
	_, err = approve(principal(stranger), hub.PartnerKey{})
	wantKind(t, err, hub.NotFound, "approve by a stranger")
	_, err = reject(principal(stranger))
	wantKind(t, err, hub.NotFound, "reject by a stranger")
	_, err = f.svc.ChangeRequest(f.ctx, principal(stranger), hub.PartnerKey{}, cr.ID, "")
	wantKind(t, err, hub.NotFound, "read by a stranger")
	_, err = approve(principal(dst), hub.PartnerKey{ID: stranger.ID})
	wantKind(t, err, hub.NotFound, "approve through the path of a partner the caller cannot see")
	_, err = approve(f.sys, hub.PartnerKey{ID: stranger.ID})
	wantKind(t, err, hub.NotFound, "approve through the path of a partner the request does not concern")
	if got, err := f.svc.ChangeRequest(f.ctx, principal(src), hub.PartnerKey{ID: src.ID}, cr.ID, ""); err != nil || got.Version != 1 || got.Status != hub.ChangeRequestCreated {
		t.Fatalf("refused decisions changed the request: %+v %v", got, err)
	}

	// An ancestor of the target decides for it.
	up, err := approve(principal(dstParent), hub.PartnerKey{ID: dst.ID})
	if err != nil || up.Status != hub.ChangeRequestPending || up.ApprovedAt == nil || up.Version != 2 || up.ModifiedBy != principal(dstParent).Actor {
		t.Fatalf("approve: %+v %v", up, err)
	}
	again, err := approve(principal(dst), hub.PartnerKey{})
	if err != nil || again.Version != 2 || again.Status != hub.ChangeRequestPending {
		t.Fatalf("approve again: %+v %v", again, err)
	}
	_, err = reject(principal(dst))
	wantKind(t, err, hub.Conflict, "reject a pending request")

	// Reject, then the other decision.
	c2, _ := f.clientWith(t, src, 0)
	cr2, err := f.svc.CreateChangeRequest(f.ctx, principal(src), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c2.ID, Target: hub.PartnerKey{Ref: dst.Ref}})
	if err != nil {
		t.Fatal(err)
	}
	rej, err := f.svc.RejectChangeRequest(f.ctx, principal(dst), hub.PartnerKey{}, cr2.ID, "")
	if err != nil || rej.Status != hub.ChangeRequestRejected || rej.FinishedAt == nil {
		t.Fatalf("reject: %+v %v", rej, err)
	}
	if again, err := f.svc.RejectChangeRequest(f.ctx, principal(dst), hub.PartnerKey{}, cr2.ID, ""); err != nil || again.Version != rej.Version {
		t.Fatalf("reject again: %+v %v", again, err)
	}
	_, err = f.svc.ApproveChangeRequest(f.ctx, principal(dst), hub.PartnerKey{}, cr2.ID, "")
	wantKind(t, err, hub.Conflict, "approve a rejected request")
	// A rejected request is not open: the client may ask again.
	if _, err := f.svc.CreateChangeRequest(f.ctx, principal(src), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c2.ID, Target: hub.PartnerKey{Ref: dst.Ref}}); err != nil {
		t.Fatalf("ask again after a rejection: %v", err)
	}
}

// testConcurrentApproves: eight approvals racing on one request all
// answer it pending, and exactly one of them wrote (one version bump,
// one audit row).
func testConcurrentApproves(t *testing.T, f *fixture) {
	src, dst := f.activeChild(t, f.root, "src"), f.activeChild(t, f.root, "dst")
	c, _ := f.clientWith(t, src, 1)
	cr, err := f.svc.CreateChangeRequest(f.ctx, principal(src), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: dst.Ref}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			got, err := f.svc.ApproveChangeRequest(f.ctx, principal(dst), hub.PartnerKey{}, cr.ID, "")
			if err == nil && (got.Status != hub.ChangeRequestPending || got.Version != 2) {
				err = fmt.Errorf("answered %s at version %d", got.Status, got.Version)
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
	if n := f.auditCount(t, "approve", "change_request", cr.ID); n != 1 {
		t.Fatalf("%d approve audit rows, want 1", n)
	}
}

// testChangeRequestAutoApprove: a target with auto-approve on gets its
// incoming requests pending at creation, approved as itself; turning it
// off stops that.
func testChangeRequestAutoApprove(t *testing.T, f *fixture) {
	src, dst := f.activeChild(t, f.root, "src"), f.activeChild(t, f.root, "dst")
	if s, err := f.svc.ChangeRequestSettings(f.ctx, principal(dst), hub.PartnerKey{ID: dst.ID}); err != nil || s.AutoApprove {
		t.Fatalf("default settings: %+v %v", s, err)
	}
	_, err := f.svc.SetChangeRequestAutoApprove(f.ctx, principal(src), hub.PartnerKey{ID: dst.ID}, true)
	wantKind(t, err, hub.NotFound, "set another partner's setting")
	if s, err := f.svc.SetChangeRequestAutoApprove(f.ctx, principal(dst), hub.PartnerKey{ID: dst.ID}, true); err != nil || !s.AutoApprove {
		t.Fatalf("turn on: %+v %v", s, err)
	}
	if s, err := f.svc.ChangeRequestSettings(f.ctx, f.sys, hub.PartnerKey{Ref: dst.Ref}); err != nil || !s.AutoApprove {
		t.Fatalf("read back: %+v %v", s, err)
	}
	c, _ := f.clientWith(t, src, 1)
	cr, err := f.svc.CreateChangeRequest(f.ctx, principal(src), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: dst.Ref}})
	if err != nil || cr.Status != hub.ChangeRequestPending || cr.ApprovedAt == nil || cr.ModifiedBy != fmt.Sprintf("auto-approve:partner:%d", dst.ID) {
		t.Fatalf("auto-approved: %+v %v", cr, err)
	}
	if _, err := f.svc.SetChangeRequestAutoApprove(f.ctx, principal(dst), hub.PartnerKey{ID: dst.ID}, false); err != nil {
		t.Fatal(err)
	}
	c2, _ := f.clientWith(t, src, 0)
	cr2, err := f.svc.CreateChangeRequest(f.ctx, principal(src), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c2.ID, Target: hub.PartnerKey{Ref: dst.Ref}})
	if err != nil || cr2.Status != hub.ChangeRequestCreated {
		t.Fatalf("after turning it off: %+v %v", cr2, err)
	}
}
