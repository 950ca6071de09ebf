package carrierx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// wantPartnerKeys is the spec's Partner object, alphabetically.
var wantPartnerKeys = []string{
	"acls", "address1", "address2", "attributes", "available_scopes", "balance", "billing_email",
	"callbacks", "charge_at", "city", "company_name", "country_code", "daily_spending_limit",
	"daily_spent_amount", "date_created", "display_id", "login", "name", "owner_email",
	"parent_assigned_acls", "parent_sid", "partner_sid", "payment_type", "phonenumber",
	"prepay_amount", "spending_limit", "state", "status", "tech_email", "transformations", "zip",
}

// rawKeys returns the top-level keys of a JSON object in wire order.
func rawKeys(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", b)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

var (
	moneyRE     = regexp.MustCompile(`^-?\d+(\.\d{1,4})?$`)
	dateRE      = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	displayIDRE = regexp.MustCompile(`^CX\d{8}$`)
	sidRE       = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// checkPartnerObject checks one rendered partner: every key, in order,
// with the spec's types.
func checkPartnerObject(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	if keys := rawKeys(t, raw); !slices.Equal(keys, wantPartnerKeys) {
		t.Fatalf("keys on the wire:\n%v\nwant:\n%v", keys, wantPartnerKeys)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"balance", "daily_spending_limit", "daily_spent_amount", "spending_limit"} {
		if s, ok := m[k].(string); !ok || !moneyRE.MatchString(s) {
			t.Errorf("%s = %#v, want a money string", k, m[k])
		}
	}
	for _, k := range []string{"charge_at", "prepay_amount"} {
		if s, ok := m[k].(string); m[k] != nil && (!ok || !moneyRE.MatchString(s)) {
			t.Errorf("%s = %#v, want a money string or null", k, m[k])
		}
	}
	if s, _ := m["date_created"].(string); !dateRE.MatchString(s) {
		t.Errorf("date_created = %#v", m["date_created"])
	}
	if s, _ := m["display_id"].(string); !displayIDRE.MatchString(s) {
		t.Errorf("display_id = %#v", m["display_id"])
	}
	if s, _ := m["partner_sid"].(string); !sidRE.MatchString(s) {
		t.Errorf("partner_sid = %#v", m["partner_sid"])
	}
	for _, k := range []string{"acls", "parent_assigned_acls", "transformations", "available_scopes"} {
		if _, ok := m[k].([]any); !ok {
			t.Errorf("%s = %#v, want an array", k, m[k])
		}
	}
	for _, k := range []string{"attributes", "callbacks"} {
		if _, ok := m[k].(map[string]any); !ok {
			t.Errorf("%s = %#v, want an object", k, m[k])
		}
	}
	return m
}

func TestPartnerObjectShape(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		cm := hub.Money(12345000)
		p := e.partner(e.root, "Acme", func(p *hub.Partner) {
			p.ContactName, p.Login, p.CountryCode, p.Phonenumber = "Ann", "acme", "USA", "+14155550100"
			p.OwnerEmail, p.BillingEmail = "owner@acme.test", "billing@acme.test"
			p.TechEmail = "tech@acme.test"
			p.ChargeAt = &cm
			p.Attributes = map[string]string{"tier": "gold"}
		})
		// Only a consumed verification token verifies an address.
		ctx := context.Background()
		tok, err := e.svc.RequestEmailVerification(ctx, e.sys(), hub.PartnerKey{ID: p.ID}, "tech_email")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.VerifyEmail(ctx, tok); err != nil {
			t.Fatal(err)
		}
		r := e.do(t, req{method: "GET", path: "/core/v2/partners/" + p.SID, token: token(e.root)}).want(t, http.StatusOK)
		m := checkPartnerObject(t, r.body)
		want := map[string]any{
			"company_name": "Acme", "name": "Ann", "login": "acme", "country_code": "USA",
			"owner_email": nil, "billing_email": nil, "tech_email": "tech@acme.test",
			"charge_at": "1234.5", "prepay_amount": nil, "balance": "0", "daily_spending_limit": "500",
			"status": "unverified", "payment_type": "prepay", "parent_sid": e.root.SID, "partner_sid": p.SID,
			"address1": nil, "zip": nil, "display_id": hub.DisplayID(p.ID),
		}
		for k, v := range want {
			if m[k] != v {
				t.Errorf("%s = %#v, want %#v", k, m[k], v)
			}
		}
		if got := m["attributes"].(map[string]any)["tier"]; got != "gold" {
			t.Errorf("attributes.tier = %#v", got)
		}
		if etag := r.header.Get("ETag"); etag != `"2"` { // created, then one address verified
			t.Errorf("ETag = %q, want \"2\"", etag)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}

		// The root has no parent.
		r = e.do(t, req{method: "GET", path: "/core/v2/partners/" + e.root.SID, token: token(e.root)}).want(t, http.StatusOK)
		if m := checkPartnerObject(t, r.body); m["parent_sid"] != nil {
			t.Errorf("root parent_sid = %#v, want null", m["parent_sid"])
		}
	})
}

func TestListEnvelopeShape(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		for _, n := range []string{"A", "B", "C"} {
			e.partner(e.root, n)
		}
		r := e.do(t, req{method: "GET", path: "/core/v2/partners?limit=2", token: token(e.root)}).want(t, http.StatusOK)
		if keys := rawKeys(t, r.body); !slices.Equal(keys, []string{"count", "has_more", "items", "limit", "offset", "pagination", "total"}) {
			t.Fatalf("envelope keys %v", keys)
		}
		var env struct {
			Count      int               `json:"count"`
			HasMore    bool              `json:"has_more"`
			Items      []json.RawMessage `json:"items"`
			Limit      int               `json:"limit"`
			Offset     int               `json:"offset"`
			Pagination map[string]string `json:"pagination"`
			Total      int               `json:"total"`
		}
		if err := json.Unmarshal(r.body, &env); err != nil {
			t.Fatal(err)
		}
		if env.Count != 2 || !env.HasMore || env.Limit != 2 || env.Offset != 0 || env.Total != 4 || len(env.Items) != 2 {
			t.Fatalf("envelope %+v", env)
		}
		for _, it := range env.Items {
			checkPartnerObject(t, it)
		}
		if env.Pagination["next"] == "" || env.Pagination["previous"] != "" {
			t.Fatalf("pagination %v", env.Pagination)
		}
		// The last page: no next, a previous; pagination {} when neither.
		r = e.do(t, req{method: "GET", path: "/core/v2/partners?limit=10", token: token(e.root)}).want(t, http.StatusOK)
		if !bytes.Contains(r.body, []byte(`"pagination":{}`)) {
			t.Fatalf("pagination not {}: %s", r.body)
		}
	})
}

func TestFieldSelection(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "Acme")
		tok := token(e.root)
		r := e.do(t, req{method: "GET", path: "/core/v2/partners/" + p.SID + "?include_fields=zip,partner_sid,company_name", token: tok}).want(t, 200)
		if keys := rawKeys(t, r.body); !slices.Equal(keys, []string{"company_name", "partner_sid", "zip"}) {
			t.Fatalf("include_fields: keys %v", keys)
		}
		r = e.do(t, req{method: "GET", path: "/core/v2/partners/" + p.SID + "?excludeFields=acls,zip", token: tok}).want(t, 200)
		if keys := rawKeys(t, r.body); len(keys) != len(wantPartnerKeys)-2 || slices.Contains(keys, "acls") || slices.Contains(keys, "zip") {
			t.Fatalf("excludeFields: keys %v", keys)
		}
		r = e.do(t, req{method: "GET", path: "/core/v2/partners?includeFields=partner_sid&exclude_fields=status", token: tok}).want(t, 200)
		var env struct{ Items []json.RawMessage }
		if err := json.Unmarshal(r.body, &env); err != nil {
			t.Fatal(err)
		}
		if keys := rawKeys(t, r.body); len(keys) != 7 {
			t.Fatalf("envelope keys removed: %v", keys)
		}
		for _, it := range env.Items {
			if keys := rawKeys(t, it); !slices.Equal(keys, []string{"partner_sid"}) {
				t.Fatalf("item keys %v", keys)
			}
		}
		e.do(t, req{method: "GET", path: "/core/v2/partners?include_fields=nope", token: tok}).wantError(t, 400, "include_fields")
		e.do(t, req{method: "GET", path: "/core/v2/partners/" + p.SID + "?excludeFields=count", token: tok}).wantError(t, 400, "excludeFields")
	})
}

func TestOpenAPIServedWithoutAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	r := e.do(t, req{method: "GET", path: "/core/v2/openapi.json"}).want(t, 200)
	m := r.json(t)
	if m["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v", m["openapi"])
	}
	schema := m["components"].(map[string]any)["schemas"].(map[string]any)["Partner"].(map[string]any)
	var req []string
	for _, k := range schema["required"].([]any) {
		req = append(req, k.(string))
	}
	if !slices.Equal(req, wantPartnerKeys) {
		t.Fatalf("OpenAPI Partner.required = %v", req)
	}
}
