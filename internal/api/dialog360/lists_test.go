package dialog360_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// envelope is a list answer.
type envelope struct {
	Count   int             `json:"count"`
	Total   int64           `json:"total"`
	Limit   int             `json:"limit"`
	Offset  int             `json:"offset"`
	Sort    []string        `json:"sort"`
	Filters json.RawMessage `json:"filters"`

	Clients  []map[string]any `json:"clients"`
	Channels []map[string]any `json:"partner_channels"`
	Requests []map[string]any `json:"partner_change_requests"`
}

// list GETs path with the query params (name, value, ...) and decodes the
// envelope.
func (e *env) list(c cred, path string, params ...string) envelope {
	e.t.Helper()
	q := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		q.Add(params[i], params[i+1])
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var env envelope
	e.do(c, "GET", path, "").want(e.t, 200).into(e.t, &env)
	return env
}

// ids returns the "id" of each item.
func ids(items []map[string]any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i], _ = it["id"].(string)
	}
	return out
}

// TestClientList: paging, sort (repeated, comma-separated, descending,
// default) and every filter key of the spec, with the envelope echoing
// sort and filters.
func TestClientList(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "P")
		sub := e.partner(p, "Sub")
		k := e.key(p)
		base := "/api/v2/partners/" + p.Ref + "/clients"
		type spec struct{ name, org, tier, email string }
		var made []*hub.Client
		for i, s := range []spec{{"Delta", "Org B", "gold", "d@x.test"}, {"alpha", "Org A", "silver", ""}, {"Charlie", "Org A", "gold", "c@x.test"}, {"bravo", "Org C", "", ""}} {
			c, err := e.svc.CreateClient(e.ctx, e.sys, &hub.Client{Name: s.name, Organisation: s.org, PartnerID: p.ID,
				MetaInfo: map[string]any{"tier": s.tier}, ContactInfo: map[string]any{"email": s.email}})
			if err != nil {
				t.Fatal(err)
			}
			made = append(made, c)
			if i == 0 {
				u, err := e.svc.CreateUser(e.ctx, e.sys, &hub.User{Username: "contact-delta", FirstName: "Dee", LastName: "Lta",
					Email: "dee@delta.test", Phone: "+14155550101", Role: hub.RoleClientAdmin, ClientID: c.ID, Active: true}, "pw-contact-delta")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := e.svc.UpdateClient(e.ctx, e.sys, c.ID, "", 0, func(c *hub.Client) error { c.ContactUserID = u.ID; return nil }); err != nil {
					t.Fatal(err)
				}
			}
			time.Sleep(2 * time.Millisecond) // distinct created_at
		}
		e.client(sub, 0) // a sub-partner's client: not in p's list

		all := e.list(k, base)
		if all.Total != 4 || all.Count != 4 || all.Limit != hub.DefaultLimit || all.Offset != 0 ||
			!slices.Equal(all.Sort, []string{"-created_at"}) || string(all.Filters) != "{}" {
			t.Fatalf("default list: %+v", all)
		}
		if got, want := ids(all.Clients), []string{made[3].Ref, made[2].Ref, made[1].Ref, made[0].Ref}; !slices.Equal(got, want) {
			t.Fatalf("default order %v, want newest first %v", got, want)
		}
		if cu, _ := all.Clients[3]["contact_user"].(map[string]any); cu["name"] != "Dee Lta" || cu["email"] != "dee@delta.test" || cu["phone"] != "+14155550101" {
			t.Fatalf("contact_user: %v", all.Clients[3]["contact_user"])
		}
		if all.Clients[0]["contact_user"] != nil {
			t.Fatalf("a client without a contact user shows %v", all.Clients[0]["contact_user"])
		}

		// Paging: limit and offset, echoed; total stays.
		page := e.list(k, base, "limit", "2", "offset", "1")
		if page.Count != 2 || page.Total != 4 || page.Limit != 2 || page.Offset != 1 || !slices.Equal(ids(page.Clients), ids(all.Clients)[1:3]) {
			t.Fatalf("page: %+v", page)
		}
		if beyond := e.list(k, base, "offset", "10"); beyond.Count != 0 || beyond.Total != 4 || beyond.Clients == nil {
			t.Fatalf("past the end: %+v", beyond)
		}

		// Sort: by name (case as stored), descending, repeated and comma-separated.
		names := func(env envelope) []string {
			out := []string{}
			for _, c := range env.Clients {
				out = append(out, c["name"].(string))
			}
			return out
		}
		byOrgThenName := e.list(k, base, "sort", "organisation,-name")
		if got := names(byOrgThenName); !slices.Equal(got, []string{"alpha", "Charlie", "Delta", "bravo"}) {
			t.Fatalf("sort=organisation,-name: %v", got)
		}
		if !slices.Equal(byOrgThenName.Sort, []string{"organisation", "-name"}) {
			t.Fatalf("sort echo: %v", byOrgThenName.Sort)
		}
		repeated := e.list(k, base, "sort", "organisation", "sort", "-name")
		if !slices.Equal(names(repeated), names(byOrgThenName)) || !slices.Equal(repeated.Sort, byOrgThenName.Sort) {
			t.Fatalf("repeated sort: %v %v", names(repeated), repeated.Sort)
		}
		for _, bare := range []string{"-", "", ",-,"} {
			if d := e.list(k, base, "sort", bare); !slices.Equal(ids(d.Clients), ids(all.Clients)) || !slices.Equal(d.Sort, []string{"-created_at"}) {
				t.Fatalf("sort=%q: %v %v", bare, ids(d.Clients), d.Sort)
			}
		}
		if asc := e.list(k, base, "sort", "created_at"); !slices.Equal(ids(asc.Clients), []string{made[0].Ref, made[1].Ref, made[2].Ref, made[3].Ref}) {
			t.Fatalf("sort=created_at: %v", ids(asc.Clients))
		}

		// Filters: each key of the spec.
		for _, c := range []struct {
			filters string
			want    []string
		}{
			{`{"name":"Delta"}`, []string{made[0].Ref}},
			{`{"id":"` + made[1].Ref + `"}`, []string{made[1].Ref}},
			{`{"id":["` + made[1].Ref + `","` + made[2].Ref + `"]}`, []string{made[2].Ref, made[1].Ref}},
			{`{"status":"active"}`, ids(all.Clients)},
			{`{"organisation":"Org A"}`, []string{made[2].Ref, made[1].Ref}},
			{`{"q":"ALPH"}`, []string{made[1].Ref}},
			{`{"q":"org a"}`, []string{made[2].Ref, made[1].Ref}},
			{`{"q":"%"}`, []string{}},
			{`{"meta_info.tier":"gold"}`, []string{made[2].Ref, made[0].Ref}},
			{`{"meta_info.tier":"gold","organisation":"Org B"}`, []string{made[0].Ref}},
			{`{"contact_info.email":"c@x.test"}`, []string{made[2].Ref}},
			{`{"contact_user.email":"dee@delta.test"}`, []string{made[0].Ref}},
			{`{"contact_user.name":"Dee Lta"}`, []string{made[0].Ref}},
			{`{"contact_user.phone":"+14155550101"}`, []string{made[0].Ref}},
			{`{"created_at":"` + made[0].CreatedAt.UTC().Format(time.DateOnly) + `"}`, ids(all.Clients)},
			{`{"created_at":"1999-01-01"}`, []string{}},
			{`{}`, ids(all.Clients)},
		} {
			got := e.list(k, base, "filters", c.filters)
			if !slices.Equal(ids(got.Clients), c.want) || got.Total != int64(len(c.want)) {
				t.Errorf("filters=%s: %v (total %d), want %v", c.filters, ids(got.Clients), got.Total, c.want)
			}
			var sent, echoed any
			_ = json.Unmarshal([]byte(c.filters), &sent)
			_ = json.Unmarshal(got.Filters, &echoed)
			if fmt.Sprint(sent) != fmt.Sprint(echoed) {
				t.Errorf("filters=%s echoed as %s", c.filters, got.Filters)
			}
		}
	})
}

// TestListErrors: a wrong sort, filters or paging parameter is a 400 in
// the meta envelope naming the parameter, for every list.
func TestListErrors(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "P")
		k := e.key(p)
		for _, list := range []string{"clients", "channels", "selective_partner_change_requests", "webhook_deliveries", "api_keys"} {
			base := "/api/v2/partners/" + p.Ref + "/" + list + "?"
			for _, c := range []struct{ query, field string }{
				{"sort=nonsense", "sort"},
				{"sort=-nonsense", "sort"},
				{"sort=id,nonsense", "sort"},
				{"sort=meta_info", "sort"},
				{"filters=" + url.QueryEscape(`{"nonsense":"x"}`), "filters"},
				{"filters=" + url.QueryEscape(`{"id":"x","nonsense":1}`), "filters"},
				{"filters=" + url.QueryEscape(`["id"]`), "filters"},
				{"filters=" + url.QueryEscape(`"id"`), "filters"},
				{"filters=null", "filters"},
				{"filters=" + url.QueryEscape(`{"id":`), "filters"},
				{"filters=" + url.QueryEscape(`{"id":{"eq":"x"}}`), "filters"},
				{"filters=" + url.QueryEscape(`{"id":[]}`), "filters"},
				{"filters=" + url.QueryEscape(`{} {}`), "filters"},
				{"limit=0", "limit"},
				{"limit=1001", "limit"},
				{"limit=ten", "limit"},
				{"offset=-1", "offset"},
				{"filters=%zz", "filters"},
			} {
				e.do(k, "GET", base+c.query, "").wantMeta(t, 400, c.field)
			}
		}
		// Filter values of the wrong type for their field.
		e.do(k, "GET", "/api/v2/partners/"+p.Ref+"/clients?filters="+url.QueryEscape(`{"created_at":"yesterday"}`), "").wantMeta(t, 400, "filters")
		e.do(k, "GET", "/api/v2/partners/"+p.Ref+"/selective_partner_change_requests?filters="+url.QueryEscape(`{"is_full_migration":"maybe"}`), "").wantMeta(t, 400, "filters")
		e.do(k, "GET", "/api/v2/partners/"+p.Ref+"/clients?filters="+url.QueryEscape(`{"name":null}`), "").wantMeta(t, 400, "filters")
		// The key is named as the caller wrote it.
		m := e.do(k, "GET", "/api/v2/partners/"+p.Ref+"/clients?filters="+url.QueryEscape(`{"contact_user.nickname":"x"}`), "").wantMeta(t, 400, "filters")
		if !strings.Contains(m.Meta.DeveloperMessage, "contact_user.nickname") {
			t.Errorf("unknown key not named: %+v", m.Meta)
		}
	})
}

// TestChannelAndRequestLists: the channel list (items partner_channels)
// and the incoming change request list (partner_change_requests) page,
// sort and filter by every key of the spec.
func TestChannelAndRequestLists(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		p, q, other := e.partner(e.root, "P"), e.partner(e.root, "Q"), e.partner(e.root, "Other")
		kp, kq := e.key(p), e.key(q)
		c1, chs1 := e.client(p, 2)
		c2, chs2 := e.client(p, 1)
		e.client(q, 1) // another partner's channel
		if _, err := e.svc.UpdateChannel(e.ctx, e.sys, chs1[1].ID, "", 0, func(ch *hub.Channel) error { ch.AccountMode = "sandbox"; return nil }); err != nil {
			t.Fatal(err)
		}

		base := "/api/v2/partners/" + p.Ref + "/channels"
		all := e.list(kp, base)
		if all.Total != 3 || len(all.Channels) != 3 || !slices.Equal(all.Sort, []string{"-created_at"}) {
			t.Fatalf("channels: %+v", all)
		}
		first := all.Channels[2] // oldest
		if first["id"] != chs1[0].Ref || first["client_id"] != c1.Ref || first["status"] != "ready" {
			t.Fatalf("channel: %v", first)
		}
		if cl, _ := first["client"].(map[string]any); cl["id"] != c1.Ref || cl["name"] != c1.Name {
			t.Fatalf("channel's client: %v", first["client"])
		}
		if si, _ := first["setup_info"].(map[string]any); si["phone_number"] != chs1[0].PhoneNumber {
			t.Fatalf("channel's setup_info: %v", first["setup_info"])
		}
		for _, c := range []struct {
			filters string
			want    []string
		}{
			{`{"client_id":"` + c2.Ref + `"}`, []string{chs2[0].Ref}},
			{`{"id":"` + chs1[1].Ref + `"}`, []string{chs1[1].Ref}},
			{`{"account_mode":"sandbox"}`, []string{chs1[1].Ref}},
			{`{"status":"ready","client_id":"` + c1.Ref + `"}`, []string{chs1[1].Ref, chs1[0].Ref}},
			{`{"status":"verified"}`, []string{}},
		} {
			if got := e.list(kp, base, "filters", c.filters); !slices.Equal(ids(got.Channels), c.want) {
				t.Errorf("channels filters=%s: %v, want %v", c.filters, ids(got.Channels), c.want)
			}
		}
		if got := e.list(kp, base, "sort", "client_id,id", "limit", "1", "offset", "2"); got.Count != 1 || got.Total != 3 {
			t.Errorf("channels sorted page: %+v", got)
		}

		// Requests into q: full ones from p's clients, a partial one, and
		// one from q to other (outgoing for q: not listed).
		var made []pcr
		for i, c := range []*hub.Client{c1, c2} {
			body := `{"target_partner_id":"` + q.Ref + `"}`
			if i == 1 {
				body = `{"target_partner_id":"` + q.Ref + `","channels":["` + chs2[0].Ref + `"]}`
			}
			var r pcr
			e.do(kp, "POST", "/api/v2/partners/"+p.Ref+"/clients/"+c.Ref+"/partner_change_request", body).want(t, 201).into(t, &r)
			made = append(made, r)
			time.Sleep(2 * time.Millisecond)
		}
		qc, _ := e.client(q, 0)
		e.do(kq, "POST", "/api/v2/partners/"+q.Ref+"/clients/"+qc.Ref+"/partner_change_request", `{"target_partner_id":"`+other.Ref+`"}`).want(t, 201)
		e.do(kq, "POST", "/api/v2/partners/"+q.Ref+"/selective_partner_change_requests/"+made[0].ID+"/reject", "").want(t, 200)

		rbase := "/api/v2/partners/" + q.Ref + "/selective_partner_change_requests"
		in := e.list(kq, rbase)
		if in.Total != 2 || !slices.Equal(ids(in.Requests), []string{made[1].ID, made[0].ID}) || !slices.Equal(in.Sort, []string{"-created_at"}) {
			t.Fatalf("incoming: %+v", in)
		}
		if e.list(kp, "/api/v2/partners/"+p.Ref+"/selective_partner_change_requests").Total != 0 {
			t.Fatalf("p's incoming list shows its outgoing requests")
		}
		day := time.Now().UTC().Format(time.DateOnly)
		for _, c := range []struct {
			filters string
			want    []string
		}{
			{`{"status":"rejected"}`, []string{made[0].ID}},
			{`{"status":["created","pending"]}`, []string{made[1].ID}},
			{`{"is_full_migration":true}`, []string{made[0].ID}},
			{`{"is_full_migration":"false"}`, []string{made[1].ID}},
			{`{"id":"` + made[1].ID + `"}`, []string{made[1].ID}},
			{`{"source_client_id":"` + c1.Ref + `"}`, []string{made[0].ID}},
			{`{"target_client_id":"` + c1.Ref + `"}`, []string{made[0].ID}},
			{`{"source_partner_id":"` + p.Ref + `"}`, []string{made[1].ID, made[0].ID}},
			{`{"target_partner_id":"` + q.Ref + `"}`, []string{made[1].ID, made[0].ID}},
			{`{"target_partner_id":"` + other.Ref + `"}`, []string{}},
			// q matches what q's answer shows (refs), never the name of
			// p's client, which q cannot see.
			{`{"q":"` + c2.Ref + `"}`, []string{made[1].ID}},
			{`{"q":"` + strings.ToLower(c2.Name) + `"}`, []string{}},
			{`{"created_at":"` + day + `"}`, []string{made[1].ID, made[0].ID}},
		} {
			if got := e.list(kq, rbase, "filters", c.filters); !slices.Equal(ids(got.Requests), c.want) {
				t.Errorf("requests filters=%s: %v, want %v", c.filters, ids(got.Requests), c.want)
			}
		}
		if got := e.list(kq, rbase, "sort", "created_at"); !slices.Equal(ids(got.Requests), []string{made[0].ID, made[1].ID}) {
			t.Errorf("requests sort=created_at: %v", ids(got.Requests))
		}
		if got := e.list(kq, rbase, "sort", "-status", "limit", "1"); got.Count != 1 || got.Total != 2 || ids(got.Requests)[0] != made[0].ID {
			t.Errorf("requests sort=-status limit=1: %+v", got)
		}
	})
}
