package isolation

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/bluefin"
	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/api/dialog360"
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/server"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// node is one partner of the fixture tree, by its name in the tree, with
// its one client.
type node struct {
	name   string
	p      *hub.Partner
	client *hub.Client
}

// user is a fixture user with its password. client is set for the
// client-level roles (Client Admin, Client User): the user belongs to
// home's client, and home is its owning partner.
type user struct {
	u        *hub.User
	password string
	home     *node
	client   *hub.Client
}

// fixture is one engine's database, service and handler with the tree
//
//	root -> P -> S -> C
//	        P -> B
//	root -> U
//
// (S's subtree is {S, C}), one client per partner (so that deleting a
// visible partner is a 409, not the loss of a fixture), and users of
// every role, each with every credential type it can hold:
//
//   - System Admin and System User at the root (they see the whole tree);
//   - Partner Supervisor and Partner User at P, S, C, B and U;
//   - Client Admin and Client User at the client of every partner, the
//     root included (they see no partner at all).
//
// Every client has a channel, so that deleting a visible client is a 409,
// not the loss of a fixture (and of its users).
//
// Each user is created once (argon2id is slow) and has one target token.
// The owner e-mail of C and U is set and verified, so that both answers
// of a visible verify_email request (422 without an address, 200 with
// one) occur.
type fixture struct {
	t       *testing.T
	ctx     context.Context
	svc     *hub.Service
	authn   carrierx.Authenticator
	h       http.Handler
	nodes   []*node // root, P, S, C, B, U
	admin   *caller // the root's System Admin, by Basic: the system's view through the face
	callers []*caller
	tokens  []*tokenTarget
	putKeys []string // the keys a PUT must carry, as the face names them

	requests int            // requests sent
	missing  map[string]int // cache key -> index into missResp
	missResp []response
}

// ownerEmailAt lists the partners created with an owner e-mail.
var ownerEmailAt = map[string]bool{"C": true, "U": true}

// newFixture builds the fixture on a fresh database of engine.
func newFixture(t *testing.T, engine testdb.Engine) *fixture {
	t.Helper()
	ctx := context.Background()
	// Behind the read cache, as `partnerhub serve` runs: a cached answer
	// must never cross from one caller to another.
	svc := hub.NewService(readcache.New(engine.Open(t), readcache.Options{TTL: time.Hour, Verify: true}), 0)
	svc.SetPasswordHasher(auth.Argon2id{})
	authn := auth.NewAuthenticator(svc, auth.Config{})
	f := &fixture{t: t, ctx: ctx, svc: svc, authn: authn, missing: map[string]int{}}
	f.h = f.handler(authn)

	// Every partner lets its clients add phone numbers, so that a client
	// admin adding a channel measures who may reach which client, not the
	// setting (dialog360's TestAllowClientToAddPhoneNo covers that).
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root", AllowClientAddPhone: true})
	if err != nil {
		t.Fatal(err)
	}
	sys := hub.SystemPrincipal(root, "test")
	f.nodes = []*node{{name: "root", p: root}}
	add := func(name string, parent *node) *node {
		in := &hub.Partner{Name: "Partner " + name, ParentID: parent.p.ID, AllowClientAddPhone: true}
		if ownerEmailAt[name] {
			in.OwnerEmail = "owner-" + name + "@example.com"
		}
		p, err := svc.CreatePartner(ctx, sys, in)
		if err != nil {
			t.Fatalf("create partner %s: %v", name, err)
		}
		if in.OwnerEmail != "" {
			p = f.verifyOwnerEmail(sys, p)
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
		if n.client, err = svc.CreateClient(ctx, sys, &hub.Client{Name: "Client of " + n.name, PartnerID: n.p.ID}); err != nil {
			t.Fatalf("create client of %s: %v", n.name, err)
		}
		// A channel keeps the client: deleting it is then a 409.
		if _, err := svc.CreateChannel(ctx, sys, &hub.Channel{ClientID: n.client.ID, PhoneNumber: "+1415555" + strconv.FormatInt(1000+n.client.ID, 10)}); err != nil {
			t.Fatalf("channel of %s's client: %v", n.name, err)
		}
	}

	addUser := func(n *node, role hub.Role) {
		u := f.user(sys, n, role)
		f.callers = append(f.callers, f.credentials(u)...)
		f.tokens = append(f.tokens, f.targetToken(u))
	}
	for _, role := range []hub.Role{hub.RoleSystemAdmin, hub.RoleSystemUser} {
		addUser(f.nodes[0], role)
	}
	f.admin = f.callers[0]
	if f.admin.role != hub.RoleSystemAdmin || f.admin.userID == 0 {
		t.Fatalf("the first caller is %s; want the System Admin by Basic", f.admin.name)
	}
	for _, n := range f.nodes[1:] {
		for _, role := range []hub.Role{hub.RolePartnerSupervisor, hub.RolePartnerUser} {
			addUser(n, role)
		}
	}
	for _, n := range f.nodes {
		for _, role := range []hub.Role{hub.RoleClientAdmin, hub.RoleClientUser} {
			addUser(n, role)
		}
	}
	f.putKeys = f.learnPutKeys()
	return f
}

// verifyOwnerEmail verifies p's owner e-mail through the hub and returns
// p as now stored. The face shows an unverified address as null, so the
// PUT of the matrix (the partner's values as GET shows them) would clear
// an unverified one, and verify_email would then never see an address.
func (f *fixture) verifyOwnerEmail(sys hub.Principal, p *hub.Partner) *hub.Partner {
	f.t.Helper()
	tok, err := f.svc.RequestEmailVerification(f.ctx, sys, hub.PartnerKey{ID: p.ID}, hub.EmailFieldOwner)
	if err != nil {
		f.t.Fatalf("request the verification of %s's owner e-mail: %v", p.Name, err)
	}
	out, _, err := f.svc.VerifyEmail(f.ctx, tok)
	if err != nil {
		f.t.Fatalf("verify %s's owner e-mail: %v", p.Name, err)
	}
	return out
}

// handler is the server with the /core/v2 and /api/v2 faces over f's
// service, authenticating with authn.
func (f *fixture) handler(authn carrierx.Authenticator) http.Handler {
	return server.NewHandler(server.Deps{Faces: []server.Face{
		{Prefix: carrierx.Prefix, Handler: carrierx.New(f.svc, authn, nil)},
		// A budget the matrix cannot spend: it checks isolation, not rates.
		{Prefix: bluefin.Prefix, Handler: bluefin.New(f.svc, authn, nil, bluefin.WithRateLimiter(httpapi.NewRateLimiter(1<<30, time.Hour)))},
		{Prefix: dialog360.Prefix, Handler: dialog360.New(f.svc, authn, nil)},
	}})
}

// roleTags are short username parts for the roles.
var roleTags = map[hub.Role]string{
	hub.RoleSystemAdmin: "admin", hub.RoleSystemUser: "sysusr",
	hub.RolePartnerSupervisor: "sup", hub.RolePartnerUser: "usr",
	hub.RoleClientAdmin: "cladm", hub.RoleClientUser: "clusr",
}

// user creates a user of role as the system principal: homed at n, or
// for a client-level role belonging to n's client. Each user is hashed
// once (argon2id is slow) and reused by every case.
func (f *fixture) user(sys hub.Principal, n *node, role hub.Role) *user {
	f.t.Helper()
	tag, ok := roleTags[role]
	if !ok {
		f.t.Fatalf("no username tag for role %q", role)
	}
	name := tag + "-" + n.name
	password := "matrix-password-" + name
	in := &hub.User{Username: name, FirstName: "Matrix", LastName: name,
		Email: name + "@example.com", Role: role, PartnerID: n.p.ID, Active: true}
	var client *hub.Client
	if role.IsClientLevel() {
		client = n.client
		in.PartnerID, in.ClientID = 0, client.ID
	}
	u, err := f.svc.CreateUser(f.ctx, sys, in, password)
	if err != nil {
		f.t.Fatalf("create user %s: %v", name, err)
	}
	return &user{u: u, password: password, home: n, client: client}
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
