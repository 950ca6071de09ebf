package storetest

import (
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testChangeRequestsVsDeletion: a client or partner that an open change
// request names cannot be deleted (a Conflict saying so, nothing
// deleted); once the request is closed it can, and the request stays
// readable by the side that remains, with the refs of what is gone.
func testChangeRequestsVsDeletion(t *testing.T, f *fixture) {
	a, b := f.activeChild(t, f.root, "A"), f.activeChild(t, f.root, "B")
	c, _ := f.clientWith(t, a, 0)
	cr, err := f.svc.CreateChangeRequest(f.ctx, principal(a), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: b.Ref}})
	if err != nil {
		t.Fatal(err)
	}
	wantOpen := func(err error, what string) {
		t.Helper()
		wantKind(t, err, hub.Conflict, what)
		if !strings.Contains(err.Error(), "open change request") || !strings.Contains(err.Error(), cr.Ref) {
			t.Fatalf("%s: %q does not name the open request", what, err)
		}
	}
	wantOpen(f.svc.DeleteClient(f.ctx, principal(a), c.ID), "delete a client with an open request")
	wantOpen(f.svc.DeletePartner(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}), "delete the target of an open request")
	if _, err := f.svc.Client(f.ctx, f.sys, c.ID, ""); err != nil {
		t.Fatalf("a refused delete removed the client: %v", err)
	}

	if _, err := f.svc.RejectChangeRequest(f.ctx, principal(b), hub.PartnerKey{}, cr.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeleteClient(f.ctx, principal(a), c.ID); err != nil {
		t.Fatalf("delete a client whose request is closed: %v", err)
	}
	for _, pr := range []hub.Principal{principal(a), principal(b)} {
		got, err := f.svc.ChangeRequest(f.ctx, pr, hub.PartnerKey{}, cr.ID, "")
		if err != nil {
			t.Fatalf("%s reads the request of a deleted client: %v", pr.Actor, err)
		}
		pub := got.Public()
		if got.Status != hub.ChangeRequestRejected || got.SourceClientID != 0 || pub.SourceClientID != c.Ref ||
			pub.TargetClientID == nil || *pub.TargetClientID != c.Ref || pub.SourcePartnerID != a.Ref || pub.TargetPartnerID != b.Ref {
			t.Fatalf("the request after its client's deletion: %+v", pub)
		}
	}
	if err := f.svc.DeletePartner(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}); err != nil {
		t.Fatalf("delete the target of a closed request: %v", err)
	}
	page, err := f.svc.ListChangeRequests(f.ctx, principal(a), hub.PartnerKey{}, hub.Outgoing, hub.ListQuery{})
	if err != nil || page.Total != 1 || page.Items[0].ID != cr.ID || page.Items[0].Public().TargetPartnerID != b.Ref {
		t.Fatalf("the source's list after the target's deletion: %+v %v", page, err)
	}
	if got, err := f.svc.ChangeRequest(f.ctx, f.sys, hub.PartnerKey{}, 0, cr.Ref); err != nil || got.TargetPartnerID != 0 {
		t.Fatalf("the request by ref after the target's deletion: %+v %v", got, err)
	}
}
