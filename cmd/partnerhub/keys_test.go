package main

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

func TestKeysCreate(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if _, _, err := c.exec("keys", "create", "--partner", "1", "--scopes", "partners.read"); err == nil ||
		!strings.Contains(err.Error(), "run partnerhub bootstrap first") {
		t.Fatalf("keys before bootstrap: %v", err)
	}
	cr := bootstrapJSON(t, c)
	ctx := context.Background()
	db, svc, _ := c.open()
	root, err := db.RootPartner(ctx)
	if err != nil {
		t.Fatal(err)
	}
	acme, err := svc.CreatePartner(ctx, hub.SystemPrincipal(root, "test"), &hub.Partner{Name: "Acme", ParentID: cr.PartnerID})
	if err != nil {
		t.Fatal(err)
	}

	for _, id := range []string{strconv.FormatInt(acme.ID, 10), acme.SID, acme.Ref} {
		out, errOut, err := c.exec("keys", "create", "--partner", id, "--scopes", "partners.read, clients.read", "--name", "ci", "--expires", "720h")
		if err != nil {
			t.Fatalf("keys create --partner %s: %v %s", id, err, errOut)
		}
		key := strings.TrimSpace(out)
		if strings.Count(out, "\n") != 1 || !strings.HasPrefix(key, hub.APIKeyPrefix) {
			t.Fatalf("stdout %q", out)
		}
		pr, err := svc.AuthenticateKey(ctx, key)
		if err != nil || pr.PartnerID != acme.ID || !slices.Equal(pr.Scopes, []string{hub.ScopeClientsRead, hub.ScopePartnersRead}) {
			t.Fatalf("key for %s: %+v %v", id, pr, err)
		}
		if _, err := svc.Partner(ctx, pr, hub.PartnerKey{ID: root.ID}); !hub.IsKind(err, hub.NotFound) {
			t.Fatalf("a key of Acme sees the root: %v", err)
		}
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"keys"}, "usage: partnerhub keys create"},
		{[]string{"keys", "create", "--partner", acme.Ref, "--scopes", "partners.read,bogus.write"}, "unknown scope(s) bogus.write; valid scopes: audit.read, "},
		{[]string{"keys", "create", "--partner", acme.Ref}, "--scopes is required"},
		{[]string{"keys", "create", "--scopes", "partners.read"}, "--partner is required"},
		{[]string{"keys", "create", "--partner", "999999", "--scopes", "partners.read"}, "partner 999999 not found"},
		{[]string{"keys", "create", "--partner", "no such", "--scopes", "partners.read"}, "is neither an id"},
		{[]string{"keys", "create", "--partner", acme.Ref, "--scopes", "partners.read", "--expires", "-1h"}, "--expires"},
	} {
		if _, _, err := c.exec(tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}
