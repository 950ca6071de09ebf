package isolation

import (
	"context"
	"net/http"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/server"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// node is one partner of the fixture tree, by its name in the tree.
type node struct {
	name string
	p    *hub.Partner
}

// user is a fixture user with its password.
type user struct {
	u        *hub.User
	password string
	home     *node
}

// fixture is one engine's database, service and handler with the tree
//
//	root -> P -> S -> C
//	        P -> B
//	root -> U
//
// (S's subtree is {S, C}), one client per partner (so that deleting a
// visible partner is a 409, not the loss of a fixture), a System Admin at
// the root (the system's view through the face), two users (Partner
// Supervisor, Partner User) at every other partner, each with all four
// credential types, and one target token per user.
type fixture struct {
	t       *testing.T
	ctx     context.Context
	svc     *hub.Service
	h       http.Handler
	nodes   []*node // root, P, S, C, B, U
	admin   *caller // the root's System Admin, by Basic
	callers []*caller
	tokens  []*tokenTarget
	putKeys []string // the keys a PUT must carry, as the face names them

	requests int            // requests sent
	missing  map[string]int // cache key -> index into missResp
	missResp []response
}

// newFixture builds the fixture on a fresh database of engine.
func newFixture(t *testing.T, engine testdb.Engine) *fixture {
	t.Helper()
	ctx := context.Background()
	svc := hub.NewService(engine.Open(t), 0)
	svc.SetPasswordHasher(auth.Argon2id{})
	authn := auth.NewAuthenticator(svc, auth.Config{})
	h := server.NewHandler(server.Deps{Faces: []server.Face{{Prefix: carrierx.Prefix, Handler: carrierx.New(svc, authn, nil)}}})
	f := &fixture{t: t, ctx: ctx, svc: svc, h: h, missing: map[string]int{}}

	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatal(err)
	}
	sys := hub.SystemPrincipal(root, "test")
	f.nodes = []*node{{name: "root", p: root}}
	add := func(name string, parent *node) *node {
		p, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "Partner " + name, ParentID: parent.p.ID})
		if err != nil {
			t.Fatalf("create partner %s: %v", name, err)
		}
		n := &node{name: name, p: p}
		f.nodes = append(f.nodes, n)
		return n
	}
	P := add("P", f.nodes[0])
	S := add("S", P)
	add("C", S)
	add("B", P)
	add("U", f.nodes[0])
	for _, n := range f.nodes {
		if _, err := svc.CreateClient(ctx, sys, &hub.Client{Name: "Client of " + n.name, PartnerID: n.p.ID}); err != nil {
			t.Fatalf("create client of %s: %v", n.name, err)
		}
	}

	admin := f.user(sys, f.nodes[0], hub.RoleSystemAdmin, "admin")
	f.admin = &caller{name: "System Admin@root via Basic", home: f.nodes[0], role: hub.RoleSystemAdmin,
		userID: admin.u.ID, set: basic(admin)}
	f.tokens = append(f.tokens, f.targetToken(admin))
	for _, n := range f.nodes[1:] {
		for _, role := range []hub.Role{hub.RolePartnerSupervisor, hub.RolePartnerUser} {
			u := f.user(sys, n, role, roleTag(role))
			f.callers = append(f.callers, f.credentials(u)...)
			f.tokens = append(f.tokens, f.targetToken(u))
		}
	}
	f.putKeys = f.learnPutKeys()
	return f
}

// roleTag is a short username part for a role.
func roleTag(r hub.Role) string {
	if r == hub.RolePartnerSupervisor {
		return "sup"
	}
	return "usr"
}

// user creates a user homed at n as the system principal. Each user is
// hashed once (argon2id is slow) and reused by every case.
func (f *fixture) user(sys hub.Principal, n *node, role hub.Role, tag string) *user {
	f.t.Helper()
	name := tag + "-" + n.name
	password := "matrix-password-" + name
	u, err := f.svc.CreateUser(f.ctx, sys, &hub.User{Username: name, FirstName: "Matrix", LastName: name,
		Email: name + "@example.com", Role: role, PartnerID: n.p.ID, Active: true}, password)
	if err != nil {
		f.t.Fatalf("create user %s: %v", name, err)
	}
	return &user{u: u, password: password, home: n}
}

// principal is the hub principal of u, as its credentials authenticate.
func (f *fixture) principal(u *user) hub.Principal {
	f.t.Helper()
	pr, _, err := f.svc.UserPrincipal(f.ctx, u.u.ID)
	if err != nil {
		f.t.Fatalf("principal of %s: %v", u.u.Username, err)
	}
	return pr
}

// partnerBySID reads a partner as stored, or nil when there is none.
func (f *fixture) partnerBySID(sid string) *hub.Partner {
	p, err := f.svc.Store().Partner(f.ctx, hub.PartnerKey{SID: sid})
	if hub.IsKind(err, hub.NotFound) {
		return nil
	}
	if err != nil {
		f.t.Fatalf("read partner %s: %v", sid, err)
	}
	return p
}
