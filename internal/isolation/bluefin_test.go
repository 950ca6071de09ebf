package isolation

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// The /api/v1 (Bluefin) routes in the matrix. Objects are named by id:
// partners ({partner_id}), users ({user_id}) and clients ({client_id});
// the creates name the partner they create under (parent, partner,
// directPartner) by id. What each answer must be follows the hub's rules
// as bluefin.md states them (see bluefinStatus).

// missingID names no object of any kind.
const missingID = "987654321"

// bluefinCreates are the /api/v1 creates, by the attribute that names the
// partner the new object goes under.
var bluefinCreates = map[string]string{
	"POST /api/v1/partners": "parent",
	"POST /api/v1/users":    "partner",
	"POST /api/v1/clients":  "directPartner",
}

// partnerIDTargets are the six fixture partners by id and a missing one.
func (f *fixture) partnerIDTargets() []target {
	var out []target
	for _, n := range f.nodes {
		out = append(out, target{name: "partner " + n.name, sid: strconv.FormatInt(n.p.ID, 10), partner: n})
	}
	return append(out, target{name: "missing partner", sid: missingID})
}

// userTargets are every fixture user (each owns a target token) and a
// missing one.
func (f *fixture) userTargets() []target {
	var out []target
	for _, tt := range f.tokens {
		u := tt.owner
		home := u.home.name
		if u.client != nil {
			home += "/client"
		}
		out = append(out, target{name: fmt.Sprintf("user %s (%s@%s)", u.u.Username, u.u.Role, home), sid: strconv.FormatInt(u.u.ID, 10), user: u})
	}
	return append(out, target{name: "missing user", sid: missingID})
}

// clientTargets are the client of every fixture partner and a missing one.
func (f *fixture) clientTargets() []target {
	var out []target
	for _, n := range f.nodes {
		out = append(out, target{name: "client of " + n.name, sid: strconv.FormatInt(n.client.ID, 10), client: n})
	}
	return append(out, target{name: "missing client", sid: missingID})
}

// bluefinRequest builds rt's request naming id. The body of an update
// does not depend on the target, so the request against a missing id
// differs only in the id; a create gets a new username each time (the
// answer to a refused one names none).
func (f *fixture) bluefinRequest(t reporter, rt httpapi.Route, id string) (request, bool) {
	t.Helper()
	rq := request{method: rt.Method, path: paramRE.ReplaceAllLiteralString(rt.Pattern, id)}
	name := "mx" + strconv.Itoa(f.requests)
	contact := `{"userName":"` + name + `","firstName":"M","lastName":"X","email":"` + name + `@example.com","phone":"+14155550166"}`
	switch routeID(rt) {
	case "GET /api/v1/partners/{partner_id}", "GET /api/v1/users/{user_id}", "GET /api/v1/clients/{client_id}",
		"DELETE /api/v1/clients/{client_id}":
	case "PATCH /api/v1/partners/{partner_id}":
		rq.contentType, rq.body = jsonType, `{"verificationPhrase":"matrix"}`
	case "PATCH /api/v1/users/{user_id}":
		rq.contentType, rq.body = jsonType, `{"lastName":"Matrixed"}`
	case "PATCH /api/v1/clients/{client_id}":
		rq.contentType, rq.body = jsonType, `{"mid":"matrix"}`
	case "POST /api/v1/partners":
		rq.contentType, rq.body = jsonType, `{"name":"m","parent":{"id":`+id+`},"contact":`+contact+`}`
	case "POST /api/v1/users":
		rq.contentType, rq.body = jsonType, `{"userName":"`+name+`","firstName":"M","lastName":"X","email":"m@example.com",`+
			`"phone":"+14155550166","userRole":{"name":"Partner User"},"partner":{"id":`+id+`}}`
	case "POST /api/v1/clients":
		rq.contentType, rq.body = jsonType, `{"name":"m","directPartner":{"id":`+id+`},"contact":`+contact+`}`
	default:
		t.Errorf("route %s: the isolation matrix does not know what body to send", routeID(rt))
		return rq, false
	}
	return rq, true
}

// bluefinStatus is the exact status of an /api/v1 route sent by c against
// tg (vis: tg is visible to c; c holds the route's scope, else the matrix
// wants 403 already).
func bluefinStatus(c *caller, rt httpapi.Route, tg target, vis bool) int {
	switch routeID(rt) {
	case "GET /api/v1/partners/{partner_id}", "PATCH /api/v1/partners/{partner_id}",
		"GET /api/v1/users/{user_id}", "GET /api/v1/clients/{client_id}", "PATCH /api/v1/clients/{client_id}":
		return pick(vis, http.StatusOK, http.StatusNotFound)
	case "PATCH /api/v1/users/{user_id}":
		switch {
		case !vis:
			return http.StatusNotFound
		case tg.user.u.Role.Rank() < c.role.Rank():
			// hub.UpdateUser: "nobody may manage a user whose role is
			// above its own" (Forbidden).
			return http.StatusForbidden
		}
		return http.StatusOK
	case "DELETE /api/v1/clients/{client_id}":
		// Every fixture client has a channel: hub.DeleteClient refuses.
		return pick(vis, http.StatusConflict, http.StatusNotFound)
	case "POST /api/v1/partners":
		// A missing or invisible parent is a 409 naming parent; the
		// inline contact is a Partner Supervisor, which every caller
		// holding partners.create may create (users.manage, rank).
		return pick(vis, http.StatusOK, http.StatusConflict)
	case "POST /api/v1/users":
		// A Partner User at the partner: every caller holding
		// users.manage that sees a partner ranks at least as high.
		return pick(vis, http.StatusOK, http.StatusConflict)
	case "POST /api/v1/clients":
		switch {
		case !vis:
			return http.StatusConflict
		case !c.holds(hub.ScopeUsersManage):
			// clients.manage without users.manage (a Partner User)
			// cannot create the client's contact user.
			return http.StatusForbidden
		}
		return http.StatusOK
	}
	return 0
}

// bluefinList checks an /api/v1 list: every caller holding the scope gets
// 200 with {total, data} holding exactly the objects it can see (for
// partners its whole subtree; for users the users of its subtree's
// partners and clients, or of its own client; for clients those of its
// subtree, or its own); total counts them. Callers without the scope get
// the 7403.
func (f *fixture) bluefinList(t reporter, rt httpapi.Route) {
	t.Helper()
	id := routeID(rt)
	f.listAs(t, rt, "?take=1000", func(c *caller, where string, got response) {
		var body struct {
			Total int64
			Data  []struct{ ID int64 }
		}
		if got.status != http.StatusOK || json.Unmarshal(got.body, &body) != nil || body.Data == nil {
			t.Errorf("%s: got %s; want 200 with {total, data}", where, got)
			return
		}
		var listed []int64
		for _, d := range body.Data {
			listed = append(listed, d.ID)
		}
		want := f.visibleIDs(id, c)
		slices.Sort(listed)
		if !slices.Equal(listed, want) || body.Total != int64(len(want)) {
			t.Errorf("%s: lists %v (total %d); it can see %v", where, listed, body.Total, want)
		}
	})
}

// visibleIDs reads, below the hub, every object of a list's kind and keeps
// those the caller can see by the rules of caller.sees and seesUser.
func (f *fixture) visibleIDs(route string, c *caller) []int64 {
	f.t.Helper()
	root := f.nodes[0].p
	all := hub.ListQuery{Limit: hub.MaxLimit}
	var out []int64
	switch route {
	case "GET /api/v1/partners":
		page, err := f.svc.Store().ListPartners(f.ctx, root.Path, all)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, p := range page.Items {
			if c.sees(p.Path) {
				out = append(out, p.ID)
			}
		}
	case "GET /api/v1/users":
		page, err := f.svc.Store().ListUsers(f.ctx, hub.Scope{Path: root.Path}, all)
		if err != nil {
			f.t.Fatal(err)
		}
		for i := range page.Items {
			if c.seesUser(&page.Items[i]) {
				out = append(out, page.Items[i].ID)
			}
		}
	case "GET /api/v1/clients":
		page, err := f.svc.Store().ListClients(f.ctx, hub.Scope{Path: root.Path}, all)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, cl := range page.Items {
			if (c.clientID != 0 && cl.ID == c.clientID) || (c.clientID == 0 && c.sees(cl.PartnerPath)) {
				out = append(out, cl.ID)
			}
		}
	default:
		f.t.Fatalf("list %s unknown to the isolation matrix", route)
	}
	slices.Sort(out)
	return out
}
