package dialog360_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/dialog360"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestErrorEnvelope: every kind of refusal answers the meta envelope with
// the status in http_code and the request id as the trace id; a wrong
// payload adds details (one per problem) and error_data.
func TestErrorEnvelope(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "P")
		k := e.key(p)
		base := "/api/v2/partners/" + p.Ref
		c, _ := e.client(p, 0)

		r := e.do(cred{}, "GET", base, "")
		r.wantMeta(t, 401, "")
		if !strings.Contains(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("401 without a Bearer challenge: %v", r.header)
		}
		e.do(cred{"X-API-Key", "phk_nonsense"}, "GET", base, "").wantMeta(t, 401, "")
		e.do(cred{"Authorization", "Bearer not-a-token"}, "GET", base, "").wantMeta(t, 401, "")
		e.do(k, "GET", base+"/nowhere", "").wantMeta(t, 404, "")
		r = e.do(k, "DELETE", base, "")
		r.wantMeta(t, 405, "")
		if r.header.Get("Allow") != "GET, PATCH" {
			t.Errorf("Allow %q", r.header.Get("Allow"))
		}
		r, _ = e.send(k, "PATCH", base, `{"brand_name":"x"}`, map[string]string{"Content-Type": "text/plain"})
		r.wantMeta(t, 415, "")
		e.do(k, "PATCH", base, `{"brand_name":`).wantMeta(t, 400, "")
		e.do(k, "PATCH", base, `[]`).wantMeta(t, 400, "")
		e.do(k, "PATCH", base, `{"brand_name":7}`).wantMeta(t, 400, "brand_name")
		e.do(k, "PATCH", base, `{"nickname":"x"}`).wantMeta(t, 400, "nickname")
		e.do(k, "PATCH", base, `{"id":"`+hub.NewRef("PA")+`"}`).wantMeta(t, 400, "id")
		e.do(k, "PATCH", base, `{"id":"`+p.Ref+`","brand_name":"P2"}`).want(t, 200)
		e.do(k, "PATCH", base, `{"country":"Germany"}`).wantMeta(t, 400, "country")
		e.do(k, "PATCH", base, `{"brand_name":""}`).wantMeta(t, 400, "brand_name")

		// Several problems: one detail each.
		m := e.do(k, "POST", base+"/clients", `{"name":"","max_channels":-1}`).wantMeta(t, 400, "")
		if len(m.Meta.Details) != 2 || m.Meta.ErrorData.Code != "invalid_field" {
			t.Errorf("two problems: %+v", m.Meta)
		}
		e.do(k, "POST", base+"/clients", `{"name":"x","status":"active"}`).wantMeta(t, 400, "status")
		e.do(k, "POST", base+"/clients/"+c.Ref+"/channels", `{"setup_info":{"phone_number":"555"}}`).wantMeta(t, 400, "setup_info.phone_number")
		e.do(k, "POST", base+"/clients/"+c.Ref+"/channels", `{"setup_info":{}}`).wantMeta(t, 400, "setup_info.phone_number")
		e.do(k, "POST", base+"/clients/"+c.Ref+"/channels", `{"setup_info":{"phone_number":"+14155550111"},"account_mode":"prod"}`).wantMeta(t, 400, "account_mode")
		e.do(k, "POST", base+"/clients/"+c.Ref+"/channels", `{"setup_info":{"phone_number":"+14155550111"}}`).want(t, 201)
		e.do(k, "POST", base+"/clients/"+c.Ref+"/channels", `{"setup_info":{"phone_number":"+14155550111"}}`).wantMeta(t, 409, "")
		e.do(k, "PATCH", base+"/clients/"+c.Ref, `{"max_channels":"five"}`).wantMeta(t, 400, "max_channels")
		e.do(k, "PATCH", base+"/clients/"+c.Ref, `{"name":"renamed"}`).wantMeta(t, 400, "name")
		e.do(k, "PATCH", base+"/settings/partner_change_request", `{"auto_approve":"yes"}`).wantMeta(t, 400, "auto_approve")
		e.do(k, "PATCH", base+"/settings/partner_change_request", `{}`).wantMeta(t, 400, "auto_approve")
		e.do(k, "POST", base+"/api_keys", `{"name":"k","expires_at":"tomorrow"}`).wantMeta(t, 400, "expires_at")
		e.do(k, "POST", base+"/api_keys", `{"name":"k","scopes":["audit.read","nonsense"]}`).wantMeta(t, 400, "scopes")
		keysOnly := e.key(p, hub.ScopeKeysManage)
		e.do(keysOnly, "POST", base+"/api_keys", `{"name":"k","scopes":["partners.manage"]}`).wantMeta(t, 403, "")

		// The trace id is the caller's X-Request-Id when it sends one.
		r, _ = e.send(k, "GET", "/api/v2/partners/"+hub.NewRef("PA"), "", map[string]string{"X-Request-Id": "trace-me"})
		if m := r.wantMeta(t, 404, ""); m.Meta.TraceID != "trace-me" {
			t.Errorf("trace id %q", m.Meta.TraceID)
		}
		// A scope the key lacks: 403 for a visible partner.
		ro := e.key(p, hub.ScopePartnersRead)
		e.do(ro, "PATCH", base, `{"brand_name":"x"}`).wantMeta(t, 403, "")
		e.do(ro, "GET", base+"/clients", "").wantMeta(t, 403, "")
	})
}

// TestInvisibleIsMissing: for every route that names a partner, a
// partner outside the caller's subtree, by ref or by UUID, answers byte
// for byte what an id that names nothing answers (same request id sent),
// with or without the route's scope, and a refused write changes
// nothing.
func TestInvisibleIsMissing(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		mine, theirs := e.partner(e.root, "Mine"), e.partner(e.root, "Theirs")
		sub := e.partner(mine, "Mine's child")
		theirClient, theirChs := e.client(theirs, 1)
		var r pcr
		e.do(e.key(theirs), "POST", "/api/v2/partners/"+theirs.Ref+"/clients/"+theirClient.Ref+"/partner_change_request",
			`{"target_partner_id":"`+theirs.Ref+`"}`).wantMeta(t, 400, "target_partner_id")
		e.do(e.key(theirs), "POST", "/api/v2/partners/"+theirs.Ref+"/clients/"+theirClient.Ref+"/partner_change_request",
			`{"target_partner_id":"`+sub.Ref+`"}`).want(t, 201).into(t, &r)
		// Objects the caller sees, of its child: named under the caller's
		// own id they are someone else's.
		subClient, _ := e.client(sub, 1)
		var subReq pcr
		e.do(e.key(sub), "POST", "/api/v2/partners/"+sub.Ref+"/clients/"+subClient.Ref+"/partner_change_request",
			`{"target_partner_id":"`+theirs.Ref+`"}`).want(t, 201).into(t, &subReq)
		subKey, _, err := e.svc.CreateAPIKey(e.ctx, e.sys, hub.NewAPIKeyRequest{PartnerID: sub.ID, Name: "sub", Scopes: []string{hub.ScopePartnersRead}})
		if err != nil {
			t.Fatal(err)
		}
		theirKey, _, err := e.svc.CreateAPIKey(e.ctx, e.sys, hub.NewAPIKeyRequest{PartnerID: theirs.ID, Name: "theirs", Scopes: []string{hub.ScopePartnersRead}})
		if err != nil {
			t.Fatal(err)
		}
		bodies := map[string]string{
			"PATCH " + dialog360.Prefix + "/partners/{partner_id}":                                           `{"brand_name":"taken over"}`,
			"POST " + dialog360.Prefix + "/partners/{partner_id}/clients":                                    `{"name":"planted"}`,
			"PATCH " + dialog360.Prefix + "/partners/{partner_id}/clients/{client_id}":                       `{"max_channels":99}`,
			"POST " + dialog360.Prefix + "/partners/{partner_id}/clients/{client_id}/channels":               `{"setup_info":{"phone_number":"+14155550199"}}`,
			"POST " + dialog360.Prefix + "/partners/{partner_id}/clients/{client_id}/partner_change_request": `{"target_partner_id":"` + mine.Ref + `"}`,
			"PATCH " + dialog360.Prefix + "/partners/{partner_id}/settings/partner_change_request":           `{"auto_approve":true}`,
			"POST " + dialog360.Prefix + "/partners/{partner_id}/api_keys":                                   `{"name":"planted"}`,
		}
		callers := map[string]cred{"full": e.key(mine), "read-only": e.key(mine, hub.ScopePartnersRead)}
		same := map[string]string{"X-Request-Id": "same"}
		for _, rt := range dialog360.Routes() {
			if rt.Public {
				continue
			}
			fill := func(partner, client, pcrID, key string) string {
				return strings.NewReplacer("{partner_id}", partner, "{client_id}", client, "{pcr_id}", pcrID, "{api_key_id}", key).Replace(rt.Pattern)
			}
			invisible := []string{fill(theirs.Ref, theirClient.Ref, r.ID, idOf(theirKey.ID)), fill(theirs.SID, theirClient.Ref, r.ID, idOf(theirKey.ID)),
				fill(strings.ToUpper(theirs.SID), theirClient.Ref, r.ID, idOf(theirKey.ID))}
			missing := fill(hub.NewRef("PA"), hub.NewRef("CL"), hub.NewRef("PCR"), "987654321")
			// Under the caller's own partner: another partner's client,
			// request and key, against ids that name nothing.
			mineInvisible := fill(mine.Ref, theirClient.Ref, r.ID, idOf(theirKey.ID))
			mineMissing := fill(mine.Ref, hub.NewRef("CL"), hub.NewRef("PCR"), "987654321")
			mineElsewhere := fill(mine.Ref, subClient.Ref, subReq.ID, idOf(subKey.ID))
			for name, c := range callers {
				check := func(got, want string) {
					t.Helper()
					before := e.state(theirs, theirClient, theirChs[0])
					a, err := e.send(c, rt.Method, got, bodies[rt.ID()], same)
					if err != nil {
						t.Fatal(err)
					}
					b, err := e.send(c, rt.Method, want, bodies[rt.ID()], same)
					if err != nil {
						t.Fatal(err)
					}
					if a.status != b.status || !bytes.Equal(a.body, b.body) {
						t.Errorf("%s as %s: %s answers %d %s; %s answers %d %s", rt.ID(), name, got, a.status, a.body, want, b.status, b.body)
					}
					if a.status < 400 {
						t.Errorf("%s as %s: %s answers %d", rt.ID(), name, got, a.status)
					}
					if after := e.state(theirs, theirClient, theirChs[0]); after != before {
						t.Errorf("%s as %s: %s changed their objects: %s -> %s", rt.ID(), name, got, before, after)
					}
				}
				for _, path := range invisible {
					check(path, missing)
				}
				if strings.Contains(rt.Pattern, "{client_id}") || strings.Contains(rt.Pattern, "{pcr_id}") || strings.Contains(rt.Pattern, "{api_key_id}") {
					check(mineInvisible, mineMissing)
					check(mineElsewhere, mineMissing)
				}
			}
		}
	})
}

// idOf is an API key id as the path takes it.
func idOf(id int64) string { return strconv.FormatInt(id, 10) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// state is what a refused write must leave unchanged: the versions of a
// partner, its client and channel, and the audit rows under the partner.
func (e *env) state(p *hub.Partner, c *hub.Client, ch *hub.Channel) string {
	e.t.Helper()
	st := e.svc.Store()
	pp, err := st.Partner(e.ctx, hub.PartnerKey{ID: p.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	cc, err := st.Client(e.ctx, c.ID, "")
	if err != nil {
		e.t.Fatal(err)
	}
	chh, err := st.Channel(e.ctx, ch.ID, "")
	if err != nil {
		e.t.Fatal(err)
	}
	audit, err := st.ListAudit(e.ctx, pp.Path, hub.ListQuery{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	keys, err := st.ListAPIKeys(e.ctx, pp.Path, hub.ListQuery{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return strings.Join([]string{itoa(pp.Version), itoa(cc.Version), itoa(chh.Version), itoa(audit.Total), itoa(keys.Total)}, "/")
}

// TestCredentials: X-API-Key, the same key as a bearer, and a token from
// POST /token each suffice; both headers at once are refused.
func TestCredentials(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "P")
		k := e.key(p)
		path := "/api/v2/partners/" + p.Ref
		e.do(k, "GET", path, "").want(t, 200)
		e.do(bearer(k.value), "GET", path, "").want(t, 200)
		user, pass := e.user(p, nil, hub.RolePartnerUser)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		e.do(cred{}, "POST", "/api/v2/token", `{"username":"`+user+`","password":"`+pass+`"}`).want(t, 200).into(t, &tok)
		e.do(bearer(tok.AccessToken), "GET", path, "").want(t, 200)
		r, _ := e.send(k, "GET", path, "", map[string]string{"Authorization": "Bearer " + tok.AccessToken})
		r.wantMeta(t, 401, "")
	})
}

// TestTokenErrors: POST /token answers OAuth-style errors: a wrong body
// is invalid_request (400), wrong credentials invalid_grant (401), and
// repeated failures are throttled (429 with Retry-After).
func TestTokenErrors(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "P")
		user, _ := e.user(p, nil, hub.RolePartnerUser)
		oauth := func(r response, status int, code string) {
			t.Helper()
			r.want(t, status)
			m := r.obj(t)
			if m["error"] != code || m["error_description"] == "" || m["error_description"] == nil {
				t.Fatalf("%d %s", r.status, r.body)
			}
		}
		oauth(e.do(cred{}, "POST", "/api/v2/token", `{"username":"x"}`), 400, "invalid_request")
		oauth(e.do(cred{}, "POST", "/api/v2/token", `{"username":"x","password":"y","grant_type":"password"}`), 400, "invalid_request")
		oauth(e.do(cred{}, "POST", "/api/v2/token", `not json`), 400, "invalid_request")
		r, _ := e.send(cred{}, "POST", "/api/v2/token", "username=x&password=y", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
		oauth(r, http.StatusUnsupportedMediaType, "invalid_request")
		oauth(e.do(cred{}, "POST", "/api/v2/token", `{"username":"nobody","password":"y"}`), 401, "invalid_grant")
		var last response
		for range 12 {
			last = e.do(cred{}, "POST", "/api/v2/token", `{"username":"`+user+`","password":"wrong"}`)
		}
		oauth(last, 429, "too_many_attempts")
		if last.header.Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After")
		}
	})
}
