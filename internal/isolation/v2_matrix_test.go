package isolation

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/dialog360"
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
)

// TestIsolationMatrixV2 sends every authenticated route of /api/v2, as
// every fixture caller, against every target (see v2_targets_test.go)
// and checks, as the /core/v2 matrix does, that
//
//   - an invisible target gets exactly the answer of ids that name
//     nothing (status and body, the request id sent being the same), with
//     or without the route's scope, and is not changed;
//   - a visible target is served when the caller's role holds the route's
//     scope (the statuses of v2WantStatus where they are fixed), and is
//     refused with 403 when it does not;
//   - only the target side decides a change request (the source side
//     sees it and gets 403);
//   - a list of a visible partner shows that partner's objects only.
func TestIsolationMatrixV2(t *testing.T) {
	matrixOnEngines(t, dialog360.Routes(), func(f *fixture) func(reporter, httpapi.Route) {
		o := f.v2Setup()
		return func(t reporter, rt httpapi.Route) { f.routeV2(t, rt, o) }
	})
}

// v2Params are the path parameters the /api/v2 matrix knows.
var v2Params = map[string]bool{"partner_id": true, "client_id": true, "pcr_id": true, "api_key_id": true}

// routeV2 runs the matrix of one /api/v2 route.
func (f *fixture) routeV2(t reporter, rt dialog360.Route, o *v2objects) {
	t.Helper()
	id := routeID(rt)
	params := paramRE.FindAllStringSubmatch(rt.Pattern, -1)
	if len(params) == 0 || params[0][1] != "partner_id" {
		t.Errorf("route %s does not start with {partner_id}: the /api/v2 matrix does not know what it targets", id)
		return
	}
	for _, m := range params {
		if !v2Params[m[1]] {
			t.Errorf("route %s has parameter {%s} that the /api/v2 matrix does not know", id, m[1])
			return
		}
	}
	targets := f.v2Targets(rt.Pattern, o)
	miss := targets[len(targets)-1]
	for _, c := range f.callers {
		for i := range targets {
			if !targets[i].visible(c, rt.Pattern) {
				targets[i] = f.liveKey(targets[i], o)
			}
			tg := targets[i]
			body := f.v2Body(rt, o)
			rq := request{method: rt.Method, path: tg.fill(rt.Pattern), body: body}
			missRq := request{method: rt.Method, path: miss.fill(rt.Pattern), body: body}
			if body != "" {
				rq.contentType, missRq.contentType = jsonType, jsonType
			}
			missAnswer := f.missingAnswerV2(c, missRq)
			before := f.v2State(tg)
			got := f.doV2(c, rq)
			after := f.v2State(tg)
			f.checkV2(t, rt, c, tg, rq, got, missAnswer, before, after)
		}
	}
}

// v2Body is the body a route is sent with: a valid one, so that a
// visible target with the scope is served. A channel gets a fresh number
// each time, so that creates do not collide.
func (f *fixture) v2Body(rt dialog360.Route, o *v2objects) string {
	switch routeID(rt) {
	case "PATCH " + dialog360.Prefix + "/partners/{partner_id}":
		return `{"partner_redirect_url":"https://matrix.example/back"}`
	case "POST " + dialog360.Prefix + "/partners/{partner_id}/clients":
		return `{"name":"matrix client"}`
	case "PATCH " + dialog360.Prefix + "/partners/{partner_id}/clients/{client_id}":
		return `{"max_channels":7}`
	case "POST " + dialog360.Prefix + "/partners/{partner_id}/clients/{client_id}/channels":
		o.phones++
		return fmt.Sprintf(`{"setup_info":{"phone_number":"+1777%07d"}}`, o.phones)
	case "POST " + dialog360.Prefix + "/partners/{partner_id}/clients/{client_id}/partner_change_request":
		return `{"target_partner_id":"` + f.nodes[len(f.nodes)-1].p.Ref + `"}`
	case "PATCH " + dialog360.Prefix + "/partners/{partner_id}/settings/partner_change_request":
		return `{"auto_approve":false}`
	case "POST " + dialog360.Prefix + "/partners/{partner_id}/api_keys":
		return `{"name":"matrix key"}`
	}
	return ""
}

// doV2 sends rq as c with a fixed request id: the error envelope carries
// it, and answers are compared byte for byte.
func (f *fixture) doV2(c *caller, rq request) response {
	fixed := *c
	fixed.set = func(r *http.Request) {
		c.set(r)
		r.Header.Set("X-Request-Id", "isolation-matrix")
	}
	return f.do(&fixed, rq)
}

// missingAnswerV2 is missingAnswer for /api/v2 requests.
func (f *fixture) missingAnswerV2(c *caller, rq request) response {
	return f.onceMissing("v2\x00"+c.name+"\x00"+rq.String(), func() response { return f.doV2(c, rq) })
}

// checkV2 judges one answer (see TestIsolationMatrixV2) as check does,
// and the items of a list served.
func (f *fixture) checkV2(t reporter, rt dialog360.Route, c *caller, tg v2target, rq request, got, miss response, before, after string) {
	t.Helper()
	vis := tg.visible(c, rt.Pattern)
	where := exchange(rt, c, tg.name, rq)
	judge(t, rt, c, where, vis, v2WantStatus(c, rt, tg), got, miss, before, after)
	if vis && c.holds(rt.Scopes...) && got.status == http.StatusOK && rt.Method == http.MethodGet {
		f.checkV2List(t, where, rt, tg, got)
	}
}

// v2WantStatus is the exact status of rt sent by c against tg where the
// rules fix it; 0 where it depends on what earlier callers did (a
// request's state, a client's open request), which the general rule
// covers.
func v2WantStatus(c *caller, rt dialog360.Route, tg v2target) int {
	vis := tg.visible(c, rt.Pattern)
	switch {
	case !vis:
		return http.StatusNotFound
	case !c.holds(rt.Scopes...):
		return http.StatusForbidden
	}
	id := routeID(rt)
	switch {
	case strings.HasSuffix(id, "/approve"), strings.HasSuffix(id, "/reject"):
		if !tg.targetSide(c) {
			// hub.ApproveChangeRequest: the source side sees the request
			// and is Forbidden to decide it.
			return http.StatusForbidden
		}
		return 0
	case strings.HasSuffix(id, "/partner_change_request") && rt.Method == http.MethodPost:
		return 0 // 201, or 409 while the client has an open request
	case rt.Method == http.MethodDelete:
		return http.StatusNoContent
	case rt.Method == http.MethodPost && (strings.HasSuffix(id, "/clients") || strings.HasSuffix(id, "/channels") || strings.HasSuffix(id, "/api_keys")):
		return http.StatusCreated
	}
	return http.StatusOK
}

// v2Lists name the items key of each list route and how to tell the
// partner an item belongs to.
var v2Lists = map[string]string{
	"clients":                           "clients",
	"channels":                          "partner_channels",
	"selective_partner_change_requests": "partner_change_requests",
	"api_keys":                          "api_keys",
	"webhook_deliveries":                "webhook_deliveries",
}

var lastSegment = regexp.MustCompile(`/([a-z_]+)$`)

// checkV2List fails unless every item of a list answer belongs to the
// target partner: its own clients, the channels of its clients, the
// requests addressed to it, its keys.
func (f *fixture) checkV2List(t reporter, where string, rt dialog360.Route, tg v2target, got response) {
	t.Helper()
	m := lastSegment.FindStringSubmatch(rt.Pattern)
	if m == nil {
		return
	}
	key, ok := v2Lists[m[1]]
	if !ok {
		return
	}
	var env map[string]json.RawMessage
	var items []map[string]any
	if json.Unmarshal(got.body, &env) != nil || json.Unmarshal(env[key], &items) != nil || items == nil {
		t.Errorf("%s: got %s; want a list with %q", where, got, key)
		return
	}
	st := f.svc.Store()
	for i, it := range items {
		var owner int64 = -1
		switch key {
		case "clients":
			if c, err := st.Client(f.ctx, 0, str(it["id"])); err == nil {
				owner = c.PartnerID
			}
		case "partner_channels":
			if c, err := st.Client(f.ctx, 0, str(it["client_id"])); err == nil {
				owner = c.PartnerID
			}
		case "partner_change_requests":
			if r, err := st.ChangeRequest(f.ctx, 0, str(it["id"])); err == nil {
				owner = r.TargetPartnerID
			}
		case "api_keys":
			var id int64
			fmt.Sscan(str(it["id"]), &id)
			if k, err := st.APIKey(f.ctx, id); err == nil {
				owner = k.PartnerID
			}
		case "webhook_deliveries":
			owner = -2 // no fixture partner has a webhook_url: there must be none
		}
		if owner != tg.partner.p.ID {
			t.Errorf("%s: item %d (%v) does not belong to partner %s", where, i, it["id"], tg.partner.name)
		}
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
