package isolation

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/bluefin"
	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// TestIsolationMatrix sends every authenticated route of /core/v2 and /api/v1, as
// every fixture caller, against every target (see the package comment).
func TestIsolationMatrix(t *testing.T) {
	matrixOnEngines(t, append(carrierx.Routes(), bluefin.Routes()...),
		func(f *fixture) func(reporter, httpapi.Route) { return f.route })
}

// matrixOnEngines runs one face's matrix on every engine, in parallel:
// setup prepares a new fixture and returns the matrix of one route, which
// every authenticated route of routes gets.
func matrixOnEngines(t *testing.T, routes []httpapi.Route, setup func(f *fixture) func(t reporter, rt httpapi.Route)) {
	for _, engine := range testdb.Engines {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			f := newFixture(t, engine)
			route := setup(f)
			setupTime := time.Since(start)
			for _, rt := range routes {
				if !rt.Public {
					route(t, rt)
				}
			}
			t.Logf("%d callers, %d requests (%d distinct missing-id answers); setup %v, total %v",
				len(f.callers), f.requests, len(f.missResp), setupTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		})
	}
}

// reporter receives the matrix's findings: the test's *testing.T, or the
// recorder of TestMatrixCatchesLeaks.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

var paramRE = regexp.MustCompile(`\{([^}]*)\}`)

// route runs the matrix of one route, chosen by its path parameters.
func (f *fixture) route(t reporter, rt carrierx.Route) {
	t.Helper()
	id := routeID(rt)
	var params []string
	for _, m := range paramRE.FindAllStringSubmatch(rt.Pattern, -1) {
		params = append(params, m[1])
	}
	var targets []target
	switch {
	case len(params) > 1:
		t.Errorf("route %s has parameters %v: the isolation matrix substitutes only one per route", id, params)
		return
	case len(params) == 1 && params[0] == "partner_sid":
		targets = f.partnerTargets()
	case len(params) == 1 && params[0] == "token_sid":
		targets = f.tokenTargets()
	case len(params) == 1 && params[0] == "partner_id":
		targets = f.partnerIDTargets()
	case len(params) == 1 && params[0] == "user_id":
		targets = f.userTargets()
	case len(params) == 1 && params[0] == "client_id":
		targets = f.clientTargets()
	case len(params) == 1:
		t.Errorf("route %s has parameter {%s} that the isolation matrix does not know", id, params[0])
		return
	case rt.Method == http.MethodGet:
		f.list(t, rt)
		return
	case id == "POST /core/v2/partners":
		targets = f.partnerTargets() // the would-be parent, sent as parent_sid
	case bluefinCreates[id] != "":
		targets = f.partnerIDTargets() // the would-be parent or home, sent by id
	default:
		t.Errorf("route %s has no parameter and is not a GET: the isolation matrix does not know what it targets", id)
		return
	}
	miss := targets[len(targets)-1]
	for _, c := range f.callers {
		for i := range targets {
			if targets[i].token != nil && !targets[i].visible(c) {
				targets[i] = f.liveToken(targets[i])
			}
			tg := targets[i]
			rq, ok := f.request(t, rt, tg.sid, tg)
			if !ok {
				return
			}
			missRq, _ := f.request(t, rt, miss.sid, tg)
			missAnswer := f.missingAnswer(c, missRq)
			before := f.snapshot(tg)
			got := f.do(c, rq)
			after := f.snapshot(tg)
			f.check(t, rt, c, tg, rq, got, missAnswer, before, after)
		}
	}
}

// request builds rt's request naming sid; the body of a PUT is that of
// the partner bodyOf names (a missing one borrows S's), so that the
// request against the missing id differs from the real one only in the id.
func (f *fixture) request(t reporter, rt carrierx.Route, sid string, bodyOf target) (request, bool) {
	t.Helper()
	rq := request{method: rt.Method, path: paramRE.ReplaceAllLiteralString(rt.Pattern, sid)}
	switch {
	case strings.HasPrefix(rt.Pattern, bluefin.Prefix+"/"):
		return f.bluefinRequest(t, rt, sid)
	case rt.Method == http.MethodGet || rt.Method == http.MethodDelete:
	case rt.Method == http.MethodPatch:
		rq.contentType, rq.body = jsonType, `{"city": "Matrixville"}`
	case rt.Method == http.MethodPut:
		n := bodyOf.partner
		if n == nil {
			n = f.nodes[2]
		}
		rq.contentType, rq.body = jsonType, f.putBody(n.p.SID)
	case rt.Method == http.MethodPost && strings.HasPrefix(rt.Pattern, carrierx.Prefix+"/oauth/"):
		rq.contentType = formType // the OAuth routes read forms; empty is valid
	case routeID(rt) == verifyEmailRoute:
		rq.contentType, rq.body = jsonType, `{"field": "owner_email"}`
	case routeID(rt) == "POST /core/v2/partners":
		rq.path = rt.Pattern
		rq.contentType, rq.body = jsonType, `{"company_name": "m", "parent_sid": "`+sid+`"}`
	default:
		t.Errorf("route %s: the isolation matrix does not know what body to send", routeID(rt))
		return rq, false
	}
	return rq, true
}

// missingAnswer is c's answer to rq, which names a missing id. Each
// distinct request is sent once: a missing id has nothing to change.
func (f *fixture) missingAnswer(c *caller, rq request) response {
	return f.onceMissing(c.name+"\x00"+rq.String(), func() response { return f.do(c, rq) })
}

// onceMissing is the missing-id answer cached under key, sent by send
// the first time.
func (f *fixture) onceMissing(key string, send func() response) response {
	if i, ok := f.missing[key]; ok {
		return f.missResp[i]
	}
	r := send()
	f.missing[key] = len(f.missResp)
	f.missResp = append(f.missResp, r)
	return r
}

// check judges one answer.
//
//   - Visible target without the route's scope: 403.
//   - Invisible target, with or without the scope: identical to the
//     missing-id answer (a GET that shows a sibling, or a 403 where a
//     missing id gets 404, fails here).
//   - Refused (no scope, invisible): the target is unchanged afterwards
//     (a PATCH that writes an invisible partner fails here).
//   - Visible target and the scope: not 401, 403 or 404.
//   - Known routes: the exact status of wantStatus.
func (f *fixture) check(t reporter, rt carrierx.Route, c *caller, tg target, rq request, got, miss response, before, after string) {
	t.Helper()
	judge(t, rt, c, exchange(rt, c, tg.name, rq), !tg.missing() && tg.visible(c), wantStatus(c, rt, tg), got, miss, before, after)
}

// exchange names one request of the matrix in its findings.
func exchange(rt httpapi.Route, c *caller, target string, rq request) string {
	return "route " + routeID(rt) + ", caller " + c.name + ", target " + target + " (" + rq.String() + ")"
}

// judge holds the answer got of the exchange where (c sending rt against
// a target, visible or not by vis) to the rules of check, every face's:
// miss is the missing-id answer, before and after the target's state
// around the request, want the exact status where the face fixes it
// (else 0).
func judge(t reporter, rt httpapi.Route, c *caller, where string, vis bool, want int, got, miss response, before, after string) {
	t.Helper()
	scoped := c.holds(rt.Scopes...)
	switch {
	case vis && !scoped && got.status != http.StatusForbidden:
		t.Errorf("%s: got %s; want 403: the role lacks %v", where, got, rt.Scopes)
	case !vis && !same(got, miss):
		t.Errorf("%s: got %s; want the missing-id answer %s", where, got, miss)
	}
	if (!scoped || !vis) && mutating(rt.Method) && before != after {
		t.Errorf("%s: a refused request changed the target: before %s, after %s", where, before, after)
	}
	switch {
	case want == 0 && scoped && vis && refused(got.status):
		t.Errorf("%s: got %s; a visible target with the scope must not be refused", where, got)
	case want != 0 && got.status != want:
		t.Errorf("%s: got %s; want %d", where, got, want)
	}
}
