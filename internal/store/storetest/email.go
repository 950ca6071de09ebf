package storetest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// setEmails gives p addresses through an ordinary edit (which leaves them
// unverified).
func (f *fixture) setEmails(t *testing.T, p *hub.Partner, owner, billing string) {
	t.Helper()
	if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: p.ID}, 0, func(p *hub.Partner) error {
		p.OwnerEmail, p.BillingEmail = owner, billing
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func testEmailVerification(t *testing.T, f *fixture) {
	svc, clk := f.clocked()
	a := f.child(t, f.root, "A")
	f.setEmails(t, a, "owner@example.com", "bills@example.com")
	before := f.get(t, a.ID)
	if before.Status != hub.StatusUnverified || before.OwnerEmailVerified {
		t.Fatalf("a new partner: status %q, owner verified %v", before.Status, before.OwnerEmailVerified)
	}

	// The parent asks; the token is a fresh high-entropy secret.
	tok, err := svc.RequestEmailVerification(f.ctx, principal(f.root), hub.PartnerKey{SID: a.SID}, hub.EmailFieldOwner)
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != 43 || strings.Contains(tok, "owner@") {
		t.Fatalf("token %q", tok)
	}
	p, field, err := svc.VerifyEmail(f.ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if field != hub.EmailFieldOwner || !p.OwnerEmailVerified || p.Status != hub.StatusActive || p.Version != before.Version+1 || p.BillingEmailVerified {
		t.Fatalf("after verify: field %q, partner %+v", field, p)
	}
	if got := f.get(t, a.ID); !got.OwnerEmailVerified || got.Status != hub.StatusActive || got.Version != p.Version {
		t.Fatalf("stored after verify: %+v", got)
	}
	_, _, err = svc.VerifyEmail(f.ctx, tok)
	wantKind(t, err, hub.Invalid, "a used token")
	if err.Error() != "verification token is invalid or expired" {
		t.Fatalf("message %q", err.Error())
	}

	// Verifying another field leaves an active status alone; a suspended
	// partner stays suspended even when its owner e-mail is verified.
	tok, err = svc.RequestEmailVerification(f.ctx, f.sys, hub.PartnerKey{ID: a.ID}, hub.EmailFieldBilling)
	if err != nil {
		t.Fatal(err)
	}
	if p, field, err = svc.VerifyEmail(f.ctx, tok); err != nil || field != hub.EmailFieldBilling || !p.BillingEmailVerified || !p.OwnerEmailVerified || p.Status != hub.StatusActive {
		t.Fatalf("billing verify: %q %+v %v", field, p, err)
	}

	c := f.child(t, f.root, "C")
	f.setEmails(t, c, "c@example.com", "")
	if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: c.ID}, 0, func(p *hub.Partner) error {
		p.Status = hub.StatusSuspended
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	tok, err = svc.RequestEmailVerification(f.ctx, f.sys, hub.PartnerKey{ID: c.ID}, hub.EmailFieldOwner)
	if err != nil {
		t.Fatal(err)
	}
	if p, _, err = svc.VerifyEmail(f.ctx, tok); err != nil || !p.OwnerEmailVerified || p.Status != hub.StatusSuspended {
		t.Fatalf("suspended owner verify: %+v %v", p, err)
	}

	// Wrong, malformed and expired tokens are all the same Invalid.
	for _, bad := range []string{"", "nope", strings.Repeat("A", 43), tok + "x"} {
		_, _, err = svc.VerifyEmail(f.ctx, bad)
		wantKind(t, err, hub.Invalid, "token "+bad)
	}
	b := f.child(t, f.root, "B")
	f.setEmails(t, b, "b@example.com", "")
	tok, err = svc.RequestEmailVerification(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}, hub.EmailFieldOwner)
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(hub.EmailVerificationTTL)
	_, _, err = svc.VerifyEmail(f.ctx, tok)
	wantKind(t, err, hub.Invalid, "an expired token")
	if got := f.get(t, b.ID); got.OwnerEmailVerified || got.Status != hub.StatusUnverified {
		t.Fatalf("an expired token changed the partner: %+v", got)
	}

	// A superseded token stops working; the newest one works.
	old, err := svc.RequestEmailVerification(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}, hub.EmailFieldOwner)
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Minute)
	newest, err := svc.RequestEmailVerification(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}, hub.EmailFieldOwner)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = svc.VerifyEmail(f.ctx, old)
	wantKind(t, err, hub.Invalid, "a superseded token")

	// The address changed after the request: the token no longer proves
	// anything and the flag stays false.
	f.setEmails(t, b, "other@example.com", "")
	_, _, err = svc.VerifyEmail(f.ctx, newest)
	wantKind(t, err, hub.Invalid, "a token for a replaced address")
	if got := f.get(t, b.ID); got.OwnerEmailVerified || got.Status != hub.StatusUnverified {
		t.Fatalf("a token for an old address verified the new one: %+v", got)
	}

	// Requests: visibility, scope, field, address.
	_, err = svc.RequestEmailVerification(f.ctx, principal(a), hub.PartnerKey{ID: b.ID}, hub.EmailFieldOwner)
	wantKind(t, err, hub.NotFound, "request for an invisible partner")
	_, err = svc.RequestEmailVerification(f.ctx, principal(a), hub.PartnerKey{ID: 1 << 40}, hub.EmailFieldOwner)
	wantKind(t, err, hub.NotFound, "request for a missing partner")
	reader := principal(f.root)
	reader.Scopes = []string{hub.ScopePartnersRead}
	_, err = svc.RequestEmailVerification(f.ctx, reader, hub.PartnerKey{ID: b.ID}, hub.EmailFieldOwner)
	wantKind(t, err, hub.Forbidden, "request without partners.update")
	_, err = svc.RequestEmailVerification(f.ctx, principal(b), hub.PartnerKey{ID: b.ID}, hub.EmailFieldOwner)
	wantKind(t, err, hub.Forbidden, "a partner requests a token for its own address")
	f.setEmails(t, f.root, "ops@example.com", "")
	if _, err := svc.RequestEmailVerification(f.ctx, f.sys, hub.PartnerKey{ID: f.root.ID}, hub.EmailFieldOwner); err != nil {
		t.Fatalf("the root requests a token for its own address: %v", err)
	}
	_, err = svc.RequestEmailVerification(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}, "email")
	wantKind(t, err, hub.Invalid, "request for an unknown field")
	_, err = svc.RequestEmailVerification(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}, hub.EmailFieldTech)
	wantKind(t, err, hub.Invalid, "request for an empty field")
	if he, _ := err.(*hub.Error); he == nil || len(he.Fields) != 1 || he.Fields[0].Field != hub.EmailFieldTech {
		t.Fatalf("empty field error does not name tech_email: %#v", err)
	}

	// A partner with a pending verification can still be deleted.
	if _, err := svc.RequestEmailVerification(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}, hub.EmailFieldOwner); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeletePartner(f.ctx, f.sys, hub.PartnerKey{ID: b.ID}); err != nil {
		t.Fatalf("delete a partner with a pending verification: %v", err)
	}

	// Both steps are audited, never with the token.
	page, err := svc.ListAudit(f.ctx, f.sys, hub.ListQuery{Limit: hub.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var requests, verifies int
	for _, e := range page.Items {
		switch {
		case e.Action == "request" && e.ObjectType == "email_verification":
			requests++
		case e.Action == "verify_email" && e.ObjectType == "partner" && e.ObjectID == strconv.FormatInt(a.ID, 10):
			verifies++
			if e.After["OwnerEmailVerified"] == nil && e.After["BillingEmailVerified"] == nil {
				t.Errorf("verify audit lacks the flag: %+v", e.After)
			}
		}
		if row := fmt.Sprintf("%+v", e); strings.Contains(row, newest) || strings.Contains(row, old) {
			t.Errorf("audit row holds a token: %s", row)
		}
	}
	if requests != 8 || verifies != 2 {
		t.Fatalf("audit: %d requests, %d verifies; want 8, 2", requests, verifies)
	}
}
