package bluefin_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// The role matrix: the six roles, each homed where it lives (the system
// roles at the root; the partner roles at S; the client roles at S's
// client), against every route, with targets in five relations to the
// caller's home S:
//
//	root -> P -> S -> C       own: S, child: C, parent: P, sibling: B,
//	        P -> B            client: something of S's client
//
// For users the targets are a Partner User at S, C, P and B and a Client
// User of S's client; for clients, the client of S, C, P and B (the
// client column is S's client again: the client-level callers' own); for
// partners, S, C, P and B. The expected statuses are written out by hand
// from the spec (not computed), so a change of any rule shows here.
// Every client has a channel, so an allowed DELETE is the 409 "has
// channels" and the fixture survives.

// relation names the five target columns.
var relations = []string{"own", "child", "parent", "sibling", "client"}

// roleOrder is the row order of the tables below.
var roleOrder = []hub.Role{hub.RoleSystemAdmin, hub.RoleSystemUser, hub.RolePartnerSupervisor, hub.RolePartnerUser, hub.RoleClientAdmin, hub.RoleClientUser}

// matrixCase is one route's expectations: want[role] lists the statuses
// for own, child, parent, sibling, client (0: no such target).
type matrixCase struct {
	route string // "METHOD /api/v1/..." with %d for the target id
	want  map[hub.Role][5]int
}

const (
	ok  = http.StatusOK
	nf  = http.StatusNotFound
	den = http.StatusForbidden
	inv = http.StatusConflict
)

var roleMatrix = []matrixCase{
	{"GET /api/v1/partners/%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok}, hub.RoleSystemUser: {ok, ok, ok, ok},
		hub.RolePartnerSupervisor: {ok, ok, nf, nf}, hub.RolePartnerUser: {ok, ok, nf, nf},
		hub.RoleClientAdmin: {nf, nf, nf, nf}, hub.RoleClientUser: {nf, nf, nf, nf}}},
	{"PATCH /api/v1/partners/%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok}, hub.RoleSystemUser: {den, den, den, den},
		hub.RolePartnerSupervisor: {ok, ok, nf, nf}, hub.RolePartnerUser: {den, den, nf, nf},
		hub.RoleClientAdmin: {nf, nf, nf, nf}, hub.RoleClientUser: {nf, nf, nf, nf}}},
	{"GET /api/v1/partners?partner=%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok}, hub.RoleSystemUser: {ok, ok, ok, ok},
		hub.RolePartnerSupervisor: {ok, ok, den, den}, hub.RolePartnerUser: {ok, ok, den, den},
		hub.RoleClientAdmin: {den, den, den, den}, hub.RoleClientUser: {den, den, den, den}}},
	{"POST /api/v1/partners parent=%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok}, hub.RoleSystemUser: {den, den, den, den},
		hub.RolePartnerSupervisor: {ok, ok, inv, inv}, hub.RolePartnerUser: {den, den, inv, inv},
		hub.RoleClientAdmin: {inv, inv, inv, inv}, hub.RoleClientUser: {inv, inv, inv, inv}}},

	{"GET /api/v1/users/%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok, ok}, hub.RoleSystemUser: {ok, ok, ok, ok, ok},
		hub.RolePartnerSupervisor: {ok, ok, nf, nf, ok}, hub.RolePartnerUser: {ok, ok, nf, nf, ok},
		hub.RoleClientAdmin: {nf, nf, nf, nf, ok}, hub.RoleClientUser: {nf, nf, nf, nf, den}}},
	{"PATCH /api/v1/users/%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok, ok}, hub.RoleSystemUser: {den, den, den, den, den},
		hub.RolePartnerSupervisor: {ok, ok, nf, nf, ok}, hub.RolePartnerUser: {den, den, nf, nf, den},
		hub.RoleClientAdmin: {nf, nf, nf, nf, ok}, hub.RoleClientUser: {nf, nf, nf, nf, den}}},
	{"GET /api/v1/users?partner=%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok}, hub.RoleSystemUser: {ok, ok, ok, ok},
		hub.RolePartnerSupervisor: {ok, ok, den, den}, hub.RolePartnerUser: {ok, ok, den, den},
		hub.RoleClientAdmin: {den, den, den, den}, hub.RoleClientUser: {den, den, den, den}}},
	{"POST /api/v1/users partner=%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok}, hub.RoleSystemUser: {den, den, den, den},
		hub.RolePartnerSupervisor: {ok, ok, inv, inv}, hub.RolePartnerUser: {den, den, inv, inv},
		hub.RoleClientAdmin: {inv, inv, inv, inv}, hub.RoleClientUser: {inv, inv, inv, inv}}},
	{"POST /api/v1/users client=%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok, ok}, hub.RoleSystemUser: {den, den, den, den, den},
		hub.RolePartnerSupervisor: {ok, ok, inv, inv, ok}, hub.RolePartnerUser: {den, den, inv, inv, den},
		hub.RoleClientAdmin: {ok, inv, inv, inv, ok}, hub.RoleClientUser: {den, inv, inv, inv, den}}},

	{"GET /api/v1/clients/%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok, ok}, hub.RoleSystemUser: {ok, ok, ok, ok, ok},
		hub.RolePartnerSupervisor: {ok, ok, nf, nf, ok}, hub.RolePartnerUser: {ok, ok, nf, nf, ok},
		hub.RoleClientAdmin: {ok, nf, nf, nf, ok}, hub.RoleClientUser: {ok, nf, nf, nf, ok}}},
	{"PATCH /api/v1/clients/%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok, ok}, hub.RoleSystemUser: {den, den, den, den, den},
		hub.RolePartnerSupervisor: {ok, ok, nf, nf, ok}, hub.RolePartnerUser: {ok, ok, nf, nf, ok},
		hub.RoleClientAdmin: {den, nf, nf, nf, den}, hub.RoleClientUser: {den, nf, nf, nf, den}}},
	{"DELETE /api/v1/clients/%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {inv, inv, inv, inv, inv}, hub.RoleSystemUser: {den, den, den, den, den},
		hub.RolePartnerSupervisor: {inv, inv, nf, nf, inv}, hub.RolePartnerUser: {inv, inv, nf, nf, inv},
		hub.RoleClientAdmin: {den, nf, nf, nf, den}, hub.RoleClientUser: {den, nf, nf, nf, den}}},
	{"GET /api/v1/clients?partner=%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok}, hub.RoleSystemUser: {ok, ok, ok, ok},
		hub.RolePartnerSupervisor: {ok, ok, den, den}, hub.RolePartnerUser: {ok, ok, den, den},
		hub.RoleClientAdmin: {den, den, den, den}, hub.RoleClientUser: {den, den, den, den}}},
	{"POST /api/v1/clients directPartner=%d", map[hub.Role][5]int{
		hub.RoleSystemAdmin: {ok, ok, ok, ok}, hub.RoleSystemUser: {den, den, den, den},
		hub.RolePartnerSupervisor: {ok, ok, inv, inv}, hub.RolePartnerUser: {den, den, inv, inv},
		hub.RoleClientAdmin: {inv, inv, inv, inv}, hub.RoleClientUser: {inv, inv, inv, inv}}},
}

// The lists without a target: who may list at all.
var listMatrix = map[string]map[hub.Role]int{
	"/api/v1/partners": {hub.RoleSystemAdmin: ok, hub.RoleSystemUser: ok, hub.RolePartnerSupervisor: ok, hub.RolePartnerUser: ok, hub.RoleClientAdmin: den, hub.RoleClientUser: den},
	"/api/v1/users":    {hub.RoleSystemAdmin: ok, hub.RoleSystemUser: ok, hub.RolePartnerSupervisor: ok, hub.RolePartnerUser: ok, hub.RoleClientAdmin: ok, hub.RoleClientUser: den},
	"/api/v1/clients":  {hub.RoleSystemAdmin: ok, hub.RoleSystemUser: ok, hub.RolePartnerSupervisor: ok, hub.RolePartnerUser: ok, hub.RoleClientAdmin: ok, hub.RoleClientUser: ok},
}

// roleFixture is the tree, the targets and the callers of the matrix.
type roleFixture struct {
	partners map[string]*hub.Partner // by relation
	clients  map[string]*hub.Client
	users    map[string]*hub.User
	callers  map[hub.Role]caller
}

func newRoleFixture(e *env) *roleFixture {
	f := &roleFixture{partners: map[string]*hub.Partner{}, clients: map[string]*hub.Client{}, users: map[string]*hub.User{}, callers: map[hub.Role]caller{}}
	P := e.partner(e.root, "P")
	S := e.partner(P, "S")
	C := e.partner(S, "C")
	B := e.partner(P, "B")
	for rel, p := range map[string]*hub.Partner{"own": S, "child": C, "parent": P, "sibling": B} {
		f.partners[rel] = p
		f.clients[rel] = e.client(p, "client of "+rel, true)
		f.users[rel] = e.user("target-"+rel, hub.RolePartnerUser, p, nil, "").u
	}
	f.clients["client"] = f.clients["own"]
	f.users["client"] = e.user("target-client", hub.RoleClientUser, nil, f.clients["own"], "").u
	for _, role := range roleOrder {
		name := "caller-" + strings.ReplaceAll(strings.ToLower(string(role)), " ", "-")
		switch {
		case role == hub.RoleSystemAdmin || role == hub.RoleSystemUser:
			f.callers[role] = e.user(name, role, e.root, nil, "")
		case role.IsClientLevel():
			f.callers[role] = e.user(name, role, nil, f.clients["own"], "")
		default:
			f.callers[role] = e.user(name, role, S, nil, "")
		}
	}
	return f
}

// send sends one matrix case's request as role against the target of
// relation rel (n numbers unique names).
func (f *roleFixture) send(t *testing.T, e *env, mc matrixCase, role hub.Role, rel string, n int) response {
	t.Helper()
	method, rest, _ := strings.Cut(mc.route, " ")
	target, bodyKey, _ := strings.Cut(rest, " ")
	auth := f.callers[role].auth
	var id int64
	switch {
	case strings.Contains(target, "?partner=") || bodyKey == "partner=%d" || bodyKey == "parent=%d" || bodyKey == "directPartner=%d":
		id = f.partners[rel].ID
	case strings.Contains(target, "/clients/") || bodyKey == "client=%d":
		id = f.clients[rel].ID
	case strings.Contains(target, "/users/"):
		id = f.users[rel].ID
	default:
		id = f.partners[rel].ID
	}
	name := fmt.Sprintf("m%d", n)
	contact := map[string]any{"userName": name, "firstName": "M", "lastName": "X", "email": name + "@example.com", "phone": "+14155550177"}
	switch {
	case method == "GET" || method == "DELETE":
		return e.do(t, req{method: method, path: path(target, id), auth: auth})
	case method == "PATCH" && strings.Contains(target, "/users/"):
		return e.patch(t, auth, path(target, id), map[string]any{"firstName": "Patched " + name})
	case method == "PATCH":
		return e.patch(t, auth, path(target, id), map[string]any{"name": "Patched " + name})
	case bodyKey == "parent=%d":
		return e.post(t, auth, target, map[string]any{"name": name, "parent": map[string]any{"id": id}, "contact": contact})
	case bodyKey == "directPartner=%d":
		return e.post(t, auth, target, map[string]any{"name": name, "directPartner": map[string]any{"id": id}, "contact": contact})
	case bodyKey == "partner=%d":
		contact["userRole"] = map[string]any{"name": "Partner User"}
		contact["partner"] = map[string]any{"id": id}
		return e.post(t, auth, target, contact)
	case bodyKey == "client=%d":
		contact["userRole"] = map[string]any{"name": "Client User"}
		contact["client"] = map[string]any{"id": id}
		return e.post(t, auth, target, contact)
	}
	t.Fatalf("matrix route %q unknown", mc.route)
	return response{}
}

// TestRoleMatrix runs the table on both engines; it also checks that the
// table names every route of the face with a target.
func TestRoleMatrix(t *testing.T) {
	covered := map[string]bool{}
	for _, mc := range roleMatrix {
		method, rest, _ := strings.Cut(mc.route, " ")
		target, _, _ := strings.Cut(rest, " ")
		target, _, _ = strings.Cut(target, "?")
		covered[method+" "+strings.Replace(target, "%d", "{}", 1)] = true
	}
	for p := range listMatrix {
		covered["GET "+p] = true
	}
	for _, rt := range routesWithoutParamNames() {
		if !covered[rt] {
			t.Errorf("route %s is not in the role matrix", rt)
		}
	}
	engines(t, func(t *testing.T, e *env) {
		f := newRoleFixture(e)
		n := 0
		for _, mc := range roleMatrix {
			for _, role := range roleOrder {
				want := mc.want[role]
				for i, rel := range relations {
					if want[i] == 0 {
						continue
					}
					n++
					got := f.send(t, e, mc, role, rel, n)
					if got.status != want[i] {
						t.Errorf("%s as %s against %s: %d, want %d: %s", mc.route, role, rel, got.status, want[i], got.body)
					}
					if got.status == den {
						got.wantDenied(t)
					}
				}
			}
		}
		for p, want := range listMatrix {
			for _, role := range roleOrder {
				if got := e.get(t, f.callers[role].auth, p); got.status != want[role] {
					t.Errorf("GET %s as %s: %d, want %d: %s", p, role, got.status, want[role], got.body)
				}
			}
		}
	})
}

// TestRoleRules: nobody creates a user above their own role, whatever else
// is wrong with the body (403 before 409); a Partner User cannot manage
// its supervisor; nobody changes their own role; a supervisor manages
// another supervisor of its partner but not the System Admin; client-level
// users cannot read partners.
func TestRoleRules(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "P")
		sup := e.user("sup", hub.RolePartnerSupervisor, p, nil, "")
		sup2 := e.user("sup2", hub.RolePartnerSupervisor, p, nil, "")
		usr := e.user("usr", hub.RolePartnerUser, p, nil, "")
		shop := e.client(p, "Shop", false)
		cadm := e.user("cadm", hub.RoleClientAdmin, nil, shop, "")
		admin := e.admin()

		// Above the caller's role: 403, even with nothing else valid.
		e.post(t, sup.auth, "/api/v1/users", map[string]any{"userRole": map[string]any{"name": "System Admin"}, "partner": map[string]any{"id": p.ID}}).wantDenied(t)
		e.post(t, sup.auth, "/api/v1/users", map[string]any{"userRole": "System User", "partner": map[string]any{"id": p.ID}, "phone": 5}).wantDenied(t)
		e.post(t, cadm.auth, "/api/v1/users", map[string]any{"userRole": "Partner User", "client": map[string]any{"id": shop.ID}}).wantDenied(t)
		e.patch(t, sup.auth, path("/api/v1/users/%d", usr.u.ID), map[string]any{"userRole": "System Admin", "email": "bad"}).wantDenied(t)
		// Equal or below: the body's own problems.
		e.post(t, sup.auth, "/api/v1/users", map[string]any{"userRole": "Partner Supervisor", "partner": map[string]any{"id": p.ID}}).wantInvalid(t, "userName")
		e.post(t, cadm.auth, "/api/v1/users", map[string]any{"userRole": "Client User", "client": map[string]any{"id": shop.ID}, "userName": "x", "firstName": "X",
			"lastName": "Y", "email": "not-an-address", "phone": "+14155550100"}).wantInvalid(t, "email")

		e.patch(t, usr.auth, path("/api/v1/users/%d", sup.u.ID), map[string]any{"firstName": "Boss"}).wantDenied(t)
		e.patch(t, sup.auth, path("/api/v1/users/%d", sup.u.ID), map[string]any{"userRole": "Partner User"}).wantDenied(t)
		e.patch(t, sup.auth, path("/api/v1/users/%d", sup2.u.ID), map[string]any{"lastName": "Peer"}).want(t, ok)
		e.patch(t, sup.auth, path("/api/v1/users/%d", admin.u.ID), map[string]any{"lastName": "Up"}).want(t, nf)
		e.patch(t, admin.auth, path("/api/v1/users/%d", usr.u.ID), map[string]any{"userRole": "Partner Supervisor"}).want(t, ok)

		e.get(t, cadm.auth, "/api/v1/partners").wantDenied(t)
		e.get(t, cadm.auth, path("/api/v1/partners/%d", p.ID)).want(t, nf)
		e.get(t, cadm.auth, "/api/v1/users?partner=P").wantDenied(t)
	})
}
