package store

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// snake is the domain's name of a Go field: ContactName -> contact_name,
// SID -> sid, OAuthClientID -> oauth_client_id, Address1 -> address1.
func snake(goName string) string {
	goName = strings.ReplaceAll(goName, "OAuth", "Oauth")
	r := []rune(goName)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prevLower := unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1])
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if prevLower || (unicode.IsUpper(r[i-1]) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{"ContactName": "contact_name", "SID": "sid", "OAuthClientID": "oauth_client_id",
		"Address1": "address1", "ParentID": "parent_id", "MID": "mid", "At": "at", "DailySpendingLimit": "daily_spending_limit"} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWhitelistsSpeakTheDomain: every list whitelist of the store holds
// exactly the domain's vocabulary (hub.*ListFields), every name is the
// snake_case name of a field of the resource's hub type, and each maps to
// the column of that very name. A face's spelling (CarrierX's
// company_name, partner_sid, date_created, or its "name" for the contact
// person) can therefore never reach the store. The exceptions are named:
// derived fields, which the store fills from a joined table (a client's
// contact user, a channel's client ref) and so read an expression of
// their own, and q, the free text some resources match.
func TestWhitelistsSpeakTheDomain(t *testing.T) {
	for _, c := range []struct {
		name    string
		schema  filter.Schema
		fields  hub.ListFields
		typ     any
		derived []string
	}{
		{"partners", partnerSchema, hub.PartnerListFields, hub.Partner{}, nil},
		{"clients", clientSchema, hub.ClientListFields, hub.Client{}, []string{"contact_user_name", "contact_user_email", "contact_user_phone", "q"}},
		{"channels", channelSchema, hub.ChannelListFields, hub.Channel{}, []string{"client_ref"}},
		{"users", userSchema, hub.UserListFields, hub.User{}, nil},
		{"api keys", apiKeySchema, hub.APIKeyListFields, hub.APIKey{}, nil},
		{"tokens", tokenSchema, hub.TokenListFields, hub.Token{}, nil},
		{"audit", auditSchema, hub.AuditListFields, hub.AuditEntry{}, nil},
	} {
		goFields := map[string]bool{}
		rt := reflect.TypeOf(c.typ)
		for i := range rt.NumField() {
			goFields[snake(rt.Field(i).Name)] = true
		}
		if len(c.schema) != len(c.fields) {
			t.Errorf("%s: %d whitelisted names, the domain has %d", c.name, len(c.schema), len(c.fields))
		}
		for name, f := range c.schema {
			if _, ok := c.fields[name]; !ok {
				t.Errorf("%s: %q is whitelisted but not a list field of the domain", c.name, name)
			}
			if !goFields[name] && name != "q" {
				t.Errorf("%s: %q is not the name of a field of %s", c.name, name, rt)
			}
			if slices.Contains(c.derived, name) {
				continue
			}
			col := f.Column[strings.LastIndexByte(f.Column, '.')+1:]
			if col != name {
				t.Errorf("%s: %q reads column %q", c.name, name, f.Column)
			}
		}
	}
}

// TestWhitelistRefusesOtherNames: a column for a name the domain lacks,
// or a domain name without a column, stops the program.
func TestWhitelistRefusesOtherNames(t *testing.T) {
	fields := hub.ListFields{"name": {Type: filter.String}}
	for _, cols := range []map[string]string{
		{"name": "name", "company_name": "name"},
		{},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("whitelist(%v) did not panic", cols)
				}
			}()
			whitelist(fields, cols)
		}()
	}
}
