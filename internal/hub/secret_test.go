package hub

import (
	"slices"
	"strings"
	"testing"
)

func TestNewSecretIsFixedLengthBase62(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		s := newSecret()
		if len(s) != secretLen || !isBase62(s) || seen[s] {
			t.Fatalf("secret %q: len %d, base62 %v, repeated %v", s, len(s), isBase62(s), seen[s])
		}
		seen[s] = true
	}
}

func TestParseAPIKey(t *testing.T) {
	secret := newSecret()
	prefix, got, ok := parseAPIKey("phk_AbCd1234_" + secret)
	if !ok || prefix != "AbCd1234" || got != secret {
		t.Fatalf("parse: %q %q %v", prefix, got, ok)
	}
	for _, bad := range []string{"", "phk_", "phk_AbCd1234", "pk_AbCd1234_" + secret, "phk_AbCd123_" + secret,
		"phk_AbCd1234_" + secret[1:], "phk_AbCd12-4_" + secret, "phk_AbCd1234_" + secret[:42] + "!", "phk_AbCd1234_" + secret + "_x"} {
		if _, _, ok := parseAPIKey(bad); ok {
			t.Errorf("parseAPIKey(%q) accepted", bad)
		}
	}
}

func TestSecretMatches(t *testing.T) {
	s := newSecret()
	h := HashSecret(s)
	if len(h) != 64 || !secretMatches(s, h) || secretMatches(s[:42]+otherChar(s[42]), h) || secretMatches(s, "") {
		t.Fatal("secretMatches disagrees with HashSecret")
	}
}

func TestGrantableScopes(t *testing.T) {
	pr := Principal{Scopes: []string{ScopePartnersManage, ScopeClientsRead}}
	got, err := grantableScopes(pr, "scopes", []string{ScopePartnersUpdate, ScopeClientsRead, ScopePartnersUpdate})
	if err != nil || !slices.Equal(got, []string{ScopeClientsRead, ScopePartnersUpdate}) {
		t.Fatalf("grantable: %v %v", got, err)
	}
	if _, err := grantableScopes(pr, "scopes", []string{ScopeClientsManage}); !IsKind(err, Forbidden) {
		t.Fatalf("scope above the caller: %v", err)
	}
	if _, err := grantableScopes(pr, "scopes", []string{"nope"}); !IsKind(err, Invalid) {
		t.Fatalf("unknown scope: %v", err)
	}
	if _, err := grantableScopes(pr, "scopes", nil); !IsKind(err, Invalid) {
		t.Fatalf("no scope: %v", err)
	}
}

func TestEffectiveScopesBoundedByRole(t *testing.T) {
	got := effectiveScopes(RoleClientUser, []string{ScopeChannelsRead, ScopePartnersManage, ScopeClientsRead})
	if !slices.Equal(got, []string{ScopeChannelsRead, ScopeClientsRead}) {
		t.Fatalf("effective scopes: %v", got)
	}
}

func TestAuditFieldsKeepOnlyChanges(t *testing.T) {
	before := &User{ID: 1, Username: "a", FirstName: "Ann", Role: RolePartnerUser}
	after := *before
	after.FirstName = "Anna"
	b, a, err := auditDiff(before, &after)
	if err != nil || len(b) != 1 || len(a) != 1 || b["FirstName"] != "Ann" || a["FirstName"] != "Anna" {
		t.Fatalf("diff: %v -> %v", b, a)
	}
	if _, a, err := auditDiff((*User)(nil), before); err != nil || len(a) < 5 || a["Username"] != "a" {
		t.Fatalf("create: %v %v", a, err)
	}
	_, a, _ = auditDiff(nil, before)
	for k := range a {
		if strings.Contains(strings.ToLower(k), "hash") || strings.Contains(strings.ToLower(k), "password") {
			t.Fatalf("user audit fields include %q", k)
		}
	}
}

// otherChar returns a one-character string that differs from c, so a
// mutated secret never equals the original by chance.
func otherChar(c byte) string {
	if c == 'x' {
		return "y"
	}
	return "x"
}
