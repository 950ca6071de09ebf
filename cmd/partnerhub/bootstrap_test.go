package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// bootstrapJSON runs "bootstrap --json" plus extra flags and decodes the
// object, failing unless it has exactly the documented keys.
func bootstrapJSON(t *testing.T, c *cli, extra ...string) credentials {
	t.Helper()
	out, errOut, err := c.exec(append([]string{"bootstrap", "--json"}, extra...)...)
	if err != nil {
		t.Fatalf("bootstrap %v: %v\n%s", extra, err, errOut)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("bootstrap output is not a JSON object: %v\n%s", err, out)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"api_key", "partner_id", "partner_ref", "partner_sid", "password", "username"}; !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	var cr credentials
	if err := json.Unmarshal([]byte(out), &cr); err != nil {
		t.Fatal(err)
	}
	return cr
}

func TestBootstrapJSON(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	first := bootstrapJSON(t, c)
	if first.PartnerID <= 0 || !hub.IsSID(first.PartnerSID) || !hub.IsRef(first.PartnerRef, hub.PartnerRefSuffix) ||
		first.Username != "admin" || len(first.Password) != 24 || !strings.HasPrefix(first.APIKey, hub.APIKeyPrefix) {
		t.Fatalf("credentials %+v", first)
	}

	_, _, err := c.exec("bootstrap", "--json")
	want := fmt.Sprintf("already bootstrapped: root partner %d exists; use --reset-admin to set a new admin password and key", first.PartnerID)
	if err == nil || err.Error() != want {
		t.Fatalf("second bootstrap: %v, want %q", err, want)
	}

	// An admin that was demoted and deactivated is restored by the reset.
	ctx := context.Background()
	db, svc, authn := c.open()
	root, err := db.RootPartner(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sys := hub.SystemPrincipal(root, "test")
	admin, err := findUser(ctx, svc, sys, "admin")
	if err != nil || admin == nil {
		t.Fatalf("find admin: %v %v", admin, err)
	}
	if _, err := svc.UpdateUser(ctx, sys, admin.ID, 0, func(u *hub.User) error {
		u.Role, u.Active = hub.RoleSystemUser, false
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	second := bootstrapJSON(t, c, "--reset-admin")
	if second.PartnerID != first.PartnerID || second.PartnerSID != first.PartnerSID || second.Username != "admin" {
		t.Fatalf("reset changed the root or user: %+v vs %+v", second, first)
	}
	if second.Password == first.Password || second.APIKey == first.APIKey {
		t.Fatal("reset kept the password or key")
	}

	pr, err := authn.Basic(ctx, "admin", second.Password, "192.0.2.1")
	if err != nil || pr.Role != hub.RoleSystemAdmin || pr.PartnerID != first.PartnerID || !slices.Equal(pr.Scopes, hub.AllScopes) {
		t.Fatalf("new password: %+v %v", pr, err)
	}
	if _, err := authn.Basic(ctx, "admin", first.Password, "192.0.2.1"); !hub.IsKind(err, hub.Unauthenticated) {
		t.Fatalf("old password: %v", err)
	}
	kp, err := svc.AuthenticateKey(ctx, second.APIKey)
	if err != nil || kp.PartnerID != first.PartnerID || !slices.Equal(kp.Scopes, hub.AllScopes) {
		t.Fatalf("new key: %+v %v", kp, err)
	}
}

// TestBootstrapChosenPassword checks that PARTNERHUB_ADMIN_PASSWORD is used
// and echoed by --json (an explicit request for the secrets) but not by the
// human form, and that a password too short to use is refused before
// anything is written.
func TestBootstrapChosenPassword(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env[adminPasswordEnv] = "short"
	if _, _, err := c.exec("bootstrap", "--json"); err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("short password: %v", err)
	}
	c.env[adminPasswordEnv] = "operator-chosen secret"
	cr := bootstrapJSON(t, c)
	if cr.Password != "operator-chosen secret" {
		t.Fatalf("password %q", cr.Password)
	}
	_, _, authn := c.open()
	if _, err := authn.Basic(context.Background(), "ADMIN", cr.Password, "192.0.2.1"); err != nil {
		t.Fatalf("chosen password: %v", err)
	}
	out, _, err := c.exec("bootstrap", "--reset-admin")
	if err != nil || strings.Contains(out, "operator-chosen secret") ||
		!strings.Contains(out, "  password: (the one set in PARTNERHUB_ADMIN_PASSWORD)\n") || !strings.Contains(out, "api key:  phk_") {
		t.Fatalf("human form with a chosen password: %q %v", out, err)
	}
}

// TestPrintCredentials: a generated password is printed, a chosen one is
// not; the key always is.
func TestPrintCredentials(t *testing.T) {
	t.Parallel()
	for _, chosen := range []bool{false, true} {
		var b strings.Builder
		printCredentials(&b, &credentials{PartnerID: 1, Username: "admin", Password: "pw-0123456789", APIKey: "phk_a_b", chosen: chosen})
		out := b.String()
		if strings.Contains(out, "pw-0123456789") == chosen || !strings.Contains(out, "api key:  phk_a_b\n") {
			t.Errorf("chosen=%v:\n%s", chosen, out)
		}
		if chosen && !strings.Contains(out, "password: (the one set in PARTNERHUB_ADMIN_PASSWORD)") {
			t.Errorf("chosen: %s", out)
		}
	}
}

// TestBootstrapResetRecreatesAdmin covers --reset-admin on a tree that has
// a root (here made by seed) but no admin user.
func TestBootstrapResetRecreatesAdmin(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if _, errOut, err := c.exec("seed", "--partners", "3", "--depth", "2", "--fanout", "2"); err != nil {
		t.Fatalf("seed: %v %s", err, errOut)
	}
	if _, _, err := c.exec("bootstrap"); err == nil || !strings.Contains(err.Error(), "already bootstrapped") {
		t.Fatalf("bootstrap on a seeded tree: %v", err)
	}
	out, _, err := c.exec("bootstrap", "--reset-admin")
	if err != nil || !strings.Contains(out, `partnerhub: reset admin user "admin"`) || !strings.Contains(out, "password: ") || !strings.Contains(out, "api key:  phk_") {
		t.Fatalf("reset without --json: %q %v", out, err)
	}
}
