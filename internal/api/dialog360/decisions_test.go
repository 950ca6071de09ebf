package dialog360_test

import (
	"bytes"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestDecisions: who may decide a request and what a repeated decision
// answers. The target side approves; the source side sees the request but
// gets 403; anyone else gets the answer of a missing id, and nothing
// changes. Approving a pending or completed request answers it unchanged;
// approving a rejected one, or rejecting a pending one, is a 409.
func TestDecisions(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		src, stranger := e.partner(e.root, "Source"), e.partner(e.root, "Stranger")
		parentOfDst := e.partner(e.root, "Holding")
		dst := e.partner(parentOfDst, "Target")
		dstChild := e.partner(dst, "Target child")
		ks, kd, kx, kh := e.key(src), e.key(dst), e.key(stranger), e.key(parentOfDst)
		c, _ := e.client(src, 1)
		var r pcr
		e.do(ks, "POST", "/api/v2/partners/"+src.Ref+"/clients/"+c.Ref+"/partner_change_request", `{"target_partner_id":"`+dst.Ref+`"}`).want(t, 201).into(t, &r)
		path := func(p *hub.Partner, action string) string {
			out := "/api/v2/partners/" + p.Ref + "/selective_partner_change_requests/" + r.ID
			if action != "" {
				out += "/" + action
			}
			return out
		}
		same := map[string]string{"X-Request-Id": "decisions"}
		// The source side sees the request and may not decide it.
		e.do(ks, "GET", path(src, ""), "").want(t, 200)
		e.do(ks, "POST", path(src, "approve"), "").wantMeta(t, 403, "")
		e.do(ks, "POST", path(src, "reject"), "").wantMeta(t, 403, "")
		// A stranger: through its own partner or the target's, the answer
		// of a missing id.
		for _, action := range []string{"approve", "reject", ""} {
			method := "POST"
			if action == "" {
				method = "GET"
			}
			for _, at := range []*hub.Partner{stranger, dst} {
				got, err := e.send(kx, method, path(at, action), "", same)
				if err != nil {
					t.Fatal(err)
				}
				var want response
				if at == stranger {
					if want, err = e.send(kx, method, "/api/v2/partners/"+stranger.Ref+"/selective_partner_change_requests/"+hub.NewRef("PCR")+suffix(action), "", same); err != nil {
						t.Fatal(err)
					}
				} else {
					if want, err = e.send(kx, method, "/api/v2/partners/"+hub.NewRef("PA")+"/selective_partner_change_requests/"+r.ID+suffix(action), "", same); err != nil {
						t.Fatal(err)
					}
				}
				if got.status != 404 || want.status != 404 || !bytes.Equal(got.body, want.body) {
					t.Errorf("stranger %s at %s: %d %s; a missing id: %d %s", method+" "+action, at.Name, got.status, got.body, want.status, want.body)
				}
			}
		}
		// The target's child is not the target side either: through its
		// own id the request is someone else's.
		kc := e.key(dstChild)
		e.do(kc, "POST", "/api/v2/partners/"+dstChild.Ref+"/selective_partner_change_requests/"+r.ID+"/approve", "").wantMeta(t, 404, "")
		if got := e.do(kd, "GET", path(dst, ""), "").want(t, 200).obj(t); got["status"] != "created" {
			t.Fatalf("refused decisions changed the request: %v", got)
		}

		// An ancestor of the target decides through the target's id.
		var approved pcr
		e.do(kh, "POST", path(dst, "approve"), "").want(t, 200).into(t, &approved)
		if approved.Status != "pending" {
			t.Fatalf("approved: %+v", approved)
		}
		// Approving again answers it unchanged; rejecting it now is a 409.
		again := e.do(kd, "POST", path(dst, "approve"), "").want(t, 200).obj(t)
		if again["status"] != "pending" && again["status"] != "completed" {
			t.Fatalf("approve again: %v", again)
		}
		e.do(kd, "POST", path(dst, "reject"), "").wantMeta(t, 409, "")

		// A rejected request cannot be approved; rejecting it again is fine.
		c2, _ := e.client(src, 0)
		e.do(ks, "POST", "/api/v2/partners/"+src.Ref+"/clients/"+c2.Ref+"/partner_change_request", `{"target_partner_id":"`+dst.Ref+`"}`).want(t, 201).into(t, &r)
		e.do(kd, "POST", path(dst, "reject"), "").want(t, 200)
		e.do(kd, "POST", path(dst, "reject"), "").want(t, 200)
		e.do(kd, "POST", path(dst, "approve"), "").wantMeta(t, 409, "")
	})
}

func suffix(action string) string {
	if action == "" {
		return ""
	}
	return "/" + action
}

// TestCreateRequestRules: what a create answers: a missing or inactive
// target is a 400 naming target_partner_id, a channel of another client
// names channels[0], a second open request for the client is a 409; a
// client of another partner, like a missing client, is a 404; the
// client's own admin may ask through its partner's id.
func TestCreateRequestRules(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		src, dst, sibling := e.partner(e.root, "Source"), e.partner(e.root, "Target"), e.partner(e.root, "Sibling")
		ks := e.key(src)
		c, _ := e.client(src, 1)
		_, otherChs := e.client(src, 1)
		sc, _ := e.client(sibling, 0)
		create := func(k cred, p *hub.Partner, client, body string) response {
			return e.do(k, "POST", "/api/v2/partners/"+p.Ref+"/clients/"+client+"/partner_change_request", body)
		}
		create(ks, src, c.Ref, `{"target_partner_id":"`+hub.NewRef("PA")+`"}`).wantMeta(t, 400, "target_partner_id")
		create(ks, src, c.Ref, `{"target_partner_id":"`+src.Ref+`"}`).wantMeta(t, 400, "target_partner_id")
		create(ks, src, c.Ref, `{}`).wantMeta(t, 400, "target_partner_id")
		create(ks, src, c.Ref, `{"target_partner_id":"`+dst.Ref+`","channels":["`+otherChs[0].Ref+`"]}`).wantMeta(t, 400, "channels[0]")
		create(ks, src, c.Ref, `{"target_partner_id":"`+dst.Ref+`","channels":[]}`).wantMeta(t, 400, "channels")
		create(ks, src, c.Ref, `{"target_partner_id":"`+dst.Ref+`","channels":"all"}`).wantMeta(t, 400, "channels")
		create(ks, src, c.Ref, `{"target_partner_id":"`+dst.Ref+`","extra":1}`).wantMeta(t, 400, "extra")
		create(ks, src, sc.Ref, `{"target_partner_id":"`+dst.Ref+`"}`).wantMeta(t, 404, "")
		create(ks, src, hub.NewRef("CL"), `{"target_partner_id":"`+dst.Ref+`"}`).wantMeta(t, 404, "")
		create(ks, src, c.Ref, `{"target_partner_id":"`+dst.Ref+`"}`).want(t, 201)
		create(ks, src, c.Ref, `{"target_partner_id":"`+dst.Ref+`"}`).wantMeta(t, 409, "")

		// The client's admin, by bearer token, through its partner's id.
		c3, _ := e.client(src, 0)
		user, pass := e.user(src, c3, hub.RoleClientAdmin)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		e.do(cred{}, "POST", "/api/v2/token", `{"username":"`+user+`","password":"`+pass+`"}`).want(t, 200).into(t, &tok)
		admin := bearer(tok.AccessToken)
		create(admin, sibling, c3.Ref, `{"target_partner_id":"`+dst.Ref+`"}`).wantMeta(t, 404, "")
		create(admin, src, c.Ref, `{"target_partner_id":"`+dst.Ref+`"}`).wantMeta(t, 404, "")
		create(admin, src, c3.Ref, `{"target_partner_id":"`+dst.Ref+`"}`).want(t, 201)
		// It sees no partner: the partner itself and its lists are 404.
		e.do(admin, "GET", "/api/v2/partners/"+src.Ref, "").wantMeta(t, 404, "")
		e.do(admin, "GET", "/api/v2/partners/"+src.Ref+"/clients", "").wantMeta(t, 404, "")
	})
}

// TestConcurrentApprovals: eight approvals of one partial migration at
// once all answer 200, and the migration runs once: the target ends with
// exactly one copy of the client, holding the channel.
func TestConcurrentApprovals(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		e.startWorkers()
		src, dst := e.partner(e.root, "Source"), e.partner(e.root, "Target")
		ks, kd := e.key(src), e.key(dst)
		c, chs := e.client(src, 2)
		var r pcr
		e.do(ks, "POST", "/api/v2/partners/"+src.Ref+"/clients/"+c.Ref+"/partner_change_request",
			`{"target_partner_id":"`+dst.Ref+`","channels":["`+chs[1].Ref+`"]}`).want(t, 201).into(t, &r)
		statuses := make(chan int, 8)
		for range 8 {
			go func() {
				resp, err := e.send(kd, "POST", "/api/v2/partners/"+dst.Ref+"/selective_partner_change_requests/"+r.ID+"/approve", "", nil)
				if err != nil {
					statuses <- 0
					return
				}
				statuses <- resp.status
			}()
		}
		for range 8 {
			if s := <-statuses; s != 200 {
				t.Errorf("a concurrent approval answered %d", s)
			}
		}
		e.waitRequest(kd, dst.Ref, r.ID, "completed")
		var clients envelope
		e.do(kd, "GET", "/api/v2/partners/"+dst.Ref+"/clients", "").want(t, 200).into(t, &clients)
		var channels envelope
		e.do(kd, "GET", "/api/v2/partners/"+dst.Ref+"/channels", "").want(t, 200).into(t, &channels)
		if clients.Total != 1 || channels.Total != 1 || channels.Channels[0]["id"] != chs[1].Ref {
			t.Fatalf("after eight approvals the target has %d clients and %d channels: %+v", clients.Total, channels.Total, channels.Channels)
		}
		if left := e.list(ks, "/api/v2/partners/"+src.Ref+"/channels"); left.Total != 1 || left.Channels[0]["id"] != chs[0].Ref {
			t.Fatalf("the source kept %+v", left.Channels)
		}
	})
}
