package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

func TestVerifyEmail(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if _, _, err := c.exec("verify-email", "--request", "--partner", "1"); err == nil ||
		!strings.Contains(err.Error(), "run partnerhub bootstrap first") {
		t.Fatalf("request before bootstrap: %v", err)
	}
	cr := bootstrapJSON(t, c)
	ctx := context.Background()
	db, svc, _ := c.open()
	root, err := db.RootPartner(ctx)
	if err != nil {
		t.Fatal(err)
	}
	acme, err := svc.CreatePartner(ctx, hub.SystemPrincipal(root, "test"), &hub.Partner{Name: "Acme", ParentID: cr.PartnerID,
		OwnerEmail: "owner@acme.test", BillingEmail: "bills@acme.test"})
	if err != nil {
		t.Fatal(err)
	}

	// Request by ref (default field owner_email), verify, and the partner
	// is active with a verified owner e-mail.
	out, errOut, err := c.exec("verify-email", "--request", "--partner", acme.Ref)
	if err != nil {
		t.Fatalf("request: %v %s", err, errOut)
	}
	tok := strings.TrimSpace(out)
	if strings.Count(out, "\n") != 1 || len(tok) != 43 {
		t.Fatalf("request stdout %q", out)
	}
	out, errOut, err = c.exec("verify-email", "--token", tok)
	if err != nil {
		t.Fatalf("verify: %v %s", err, errOut)
	}
	if want := acme.SID + " owner_email\n"; out != want {
		t.Fatalf("verify stdout %q, want %q", out, want)
	}
	p, err := svc.Partner(ctx, hub.SystemPrincipal(root, "test"), hub.PartnerKey{ID: acme.ID})
	if err != nil || !p.OwnerEmailVerified || p.Status != hub.StatusActive || p.BillingEmailVerified {
		t.Fatalf("after verify: %+v %v", p, err)
	}
	if _, _, err := c.exec("verify-email", "--token", tok); err == nil || err.Error() != "verification token is invalid or expired" {
		t.Fatalf("a used token: %v", err)
	}

	// By id and sid, another field; a newer request supersedes.
	old, _, err := c.exec("verify-email", "--request", "--partner", strconv.FormatInt(acme.ID, 10), "--field", "billing_email")
	if err != nil {
		t.Fatal(err)
	}
	out, _, err = c.exec("verify-email", "--request", "--partner", acme.SID, "--field", "billing_email")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.exec("verify-email", "--token", strings.TrimSpace(old)); err == nil {
		t.Fatal("a superseded token verified")
	}
	if out, _, err = c.exec("verify-email", "--token", strings.TrimSpace(out)); err != nil || out != acme.SID+" billing_email\n" {
		t.Fatalf("billing verify: %q %v", out, err)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"verify-email"}, "--token is required"},
		{[]string{"verify-email", "--token", "x", "--request", "--partner", acme.Ref}, "exclude each other"},
		{[]string{"verify-email", "--partner", acme.Ref}, "need --request"},
		{[]string{"verify-email", "--request"}, "--partner is required"},
		{[]string{"verify-email", "--request", "--partner", "999999"}, "partner 999999 not found"},
		{[]string{"verify-email", "--request", "--partner", acme.Ref, "--field", "email"}, "field: must be one of owner_email, billing_email, tech_email"},
		{[]string{"verify-email", "--request", "--partner", acme.Ref, "--field", "tech_email"}, "tech_email: no address is set"},
		{[]string{"verify-email", "--token", "nope"}, "verification token is invalid or expired"},
	} {
		if _, _, err := c.exec(tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}
