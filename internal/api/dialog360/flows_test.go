package dialog360_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/dialog360"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// pcr is the change request object.
type pcr struct {
	ID                string   `json:"id"`
	Status            string   `json:"status"`
	IsFullMigration   bool     `json:"is_full_migration"`
	SourceClientID    string   `json:"source_client_id"`
	TargetClientID    *string  `json:"target_client_id"`
	SourcePartnerID   string   `json:"source_partner_id"`
	TargetPartnerID   string   `json:"target_partner_id"`
	MigratedChannels  []string `json:"migrated_channels"`
	RequestedChannels []string `json:"requested_channels"`
}

// TestEveryRoute drives every route of the table through the real router
// with workers running in-process: a full and a partial migration (one
// auto-approved), a rejection, clients, channels, settings, keys, the
// partner and its webhook settings, the token. At the end every route of
// dialog360.Routes() must have served at least one 2xx answer.
func TestEveryRoute(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		e.startWorkers()
		src, dst := e.partner(e.root, "Source"), e.partner(e.root, "Target")
		srcKey, dstKey := e.key(src), e.key(dst)
		e.do(cred{}, "GET", "/api/v2/openapi.json", "").want(t, 200)

		// The token: a bearer for a supervisor of the source.
		user, pass := e.user(src, nil, hub.RolePartnerSupervisor)
		var tok struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			ExpiresIn   int    `json:"expires_in"`
		}
		e.do(cred{}, "POST", "/api/v2/token", `{"username":"`+user+`","password":"`+pass+`"}`).want(t, 200).into(t, &tok)
		if tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.ExpiresIn != 86400 {
			t.Fatalf("token: %+v", tok)
		}
		srcBearer := bearer(tok.AccessToken)

		// The partner, by ref and by UUID; the answer always shows the ref.
		for _, id := range []string{src.Ref, src.SID} {
			p := e.do(srcBearer, "GET", "/api/v2/partners/"+id, "").want(t, 200).obj(t)
			if p["id"] != src.Ref || p["brand_name"] != "Source" {
				t.Fatalf("partner by %s: %v", id, p)
			}
		}
		p := e.do(srcKey, "PATCH", "/api/v2/partners/"+src.Ref, `{"partner_redirect_url":"https://example.com/back","settings":{"a":1}}`).want(t, 200).obj(t)
		if p["partner_redirect_url"] != "https://example.com/back" || p["webhook_secret"] != nil {
			t.Fatalf("patched partner: %v", p)
		}
		e.do(dstKey, "POST", "/api/v2/partners/"+dst.Ref+"/webhook_secret", "").want(t, 200)
		e.do(dstKey, "GET", "/api/v2/partners/"+dst.Ref+"/webhook_deliveries", "").want(t, 200)

		// A client with two channels, through the face.
		var cl struct {
			ID string `json:"id"`
		}
		e.do(srcKey, "POST", "/api/v2/partners/"+src.Ref+"/clients", `{"name":"Acme","organisation":"Acme Ltd","meta_info":{"tier":"gold"}}`).want(t, 201).into(t, &cl)
		e.do(srcKey, "GET", "/api/v2/partners/"+src.Ref+"/clients/"+cl.ID, "").want(t, 200)
		e.do(srcKey, "PATCH", "/api/v2/partners/"+src.Ref+"/clients/"+cl.ID, `{"partner_payload":"p-1","max_channels":5}`).want(t, 200)
		var chs []string
		for range 2 {
			var ch struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			}
			e.do(srcKey, "POST", "/api/v2/partners/"+src.Ref+"/clients/"+cl.ID+"/channels", `{"setup_info":{"phone_number":"`+e.phone()+`"}}`).want(t, 201).into(t, &ch)
			if ch.Status != "ready" {
				t.Fatalf("new channel: %+v", ch)
			}
			chs = append(chs, ch.ID)
		}
		e.do(srcKey, "GET", "/api/v2/partners/"+src.Ref+"/clients", "").want(t, 200)
		e.do(srcKey, "GET", "/api/v2/partners/"+src.Ref+"/channels", "").want(t, 200)

		// A partial migration of one channel, approved by the target.
		var partial pcr
		e.do(srcKey, "POST", "/api/v2/partners/"+src.Ref+"/clients/"+cl.ID+"/partner_change_request",
			`{"target_partner_id":"`+dst.Ref+`","channels":["`+chs[0]+`"]}`).want(t, 201).into(t, &partial)
		if partial.Status != "created" || partial.IsFullMigration || partial.TargetClientID != nil || !slices.Equal(partial.RequestedChannels, chs[:1]) {
			t.Fatalf("partial request: %+v", partial)
		}
		e.do(dstKey, "GET", "/api/v2/partners/"+dst.Ref+"/selective_partner_change_requests", "").want(t, 200)
		e.do(dstKey, "POST", "/api/v2/partners/"+dst.Ref+"/selective_partner_change_requests/"+partial.ID+"/approve", "").want(t, 200)
		done := e.waitRequest(dstKey, dst.Ref, partial.ID, "completed")
		var got pcr
		b, _ := json.Marshal(done)
		_ = json.Unmarshal(b, &got)
		if got.TargetClientID == nil || *got.TargetClientID == cl.ID || !slices.Equal(got.MigratedChannels, chs[:1]) {
			t.Fatalf("completed partial migration: %+v", got)
		}

		// A rejected full migration, then an auto-approved one.
		var full pcr
		e.do(srcKey, "POST", "/api/v2/partners/"+src.Ref+"/clients/"+cl.ID+"/partner_change_request", `{"target_partner_id":"`+dst.SID+`"}`).want(t, 201).into(t, &full)
		e.do(dstKey, "POST", "/api/v2/partners/"+dst.Ref+"/selective_partner_change_requests/"+full.ID+"/reject", "").want(t, 200)
		e.do(dstKey, "GET", "/api/v2/partners/"+dst.Ref+"/settings/partner_change_request", "").want(t, 200)
		set := e.do(dstKey, "PATCH", "/api/v2/partners/"+dst.Ref+"/settings/partner_change_request", `{"auto_approve":"true"}`).want(t, 200).obj(t)
		if set["auto_approve"] != true {
			t.Fatalf("settings: %v", set)
		}
		e.do(srcKey, "POST", "/api/v2/partners/"+src.Ref+"/clients/"+cl.ID+"/partner_change_request", `{"target_partner_id":"`+dst.Ref+`"}`).want(t, 201).into(t, &full)
		if full.Status != "pending" || !full.IsFullMigration || full.TargetClientID == nil || *full.TargetClientID != cl.ID {
			t.Fatalf("auto-approved full request: %+v", full)
		}
		e.waitRequest(srcKey, src.Ref, full.ID, "completed")
		// The client is the target's now, with its remaining channel.
		e.do(dstKey, "GET", "/api/v2/partners/"+dst.Ref+"/clients/"+cl.ID, "").want(t, 200)
		e.do(srcKey, "GET", "/api/v2/partners/"+src.Ref+"/clients/"+cl.ID, "").wantMeta(t, 404, "")

		// Keys: create, list, revoke; the new key works until revoked.
		var k struct {
			ID     string `json:"id"`
			APIKey string `json:"api_key"`
		}
		e.do(srcKey, "POST", "/api/v2/partners/"+src.Ref+"/api_keys", `{"name":"ci"}`).want(t, 201).into(t, &k)
		e.do(cred{"X-API-Key", k.APIKey}, "GET", "/api/v2/partners/"+src.Ref+"/api_keys", "").want(t, 200)
		e.do(srcKey, "DELETE", "/api/v2/partners/"+src.Ref+"/api_keys/"+k.ID, "").want(t, 204)
		e.do(cred{"X-API-Key", k.APIKey}, "GET", "/api/v2/partners/"+src.Ref, "").wantMeta(t, 401, "")

		if len(e.hits) != len(dialog360.Routes()) {
			t.Errorf("%d routes served a 2xx answer; the table has %d: %v", len(e.hits), len(dialog360.Routes()), e.hits)
		}
		for _, rt := range dialog360.Routes() {
			if e.hits[rt.ID()] == 0 {
				t.Errorf("route %s served no 2xx answer", rt.ID())
			}
		}
	})
}
