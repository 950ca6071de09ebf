package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/console"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/seed"
	"github.com/partnerhub/partnerhub/internal/server"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// BenchmarkTreeOpen measures opening the console's tree page (GET
// /console/tree?at=ID, signed in as a System Admin, through the whole
// server) on a seeded tree of PARTNERHUB_BENCH_PARTNERS partners
// (default 100,000), at the root (whose subtree is the whole tree) and at
// the deepest spine partner (a subtree of one): the page reads the node,
// its ancestors and one page of its children, never the subtree, so the
// two should cost about the same. Report them as a ratio (root / deep)
// from the same run. Shapes: "deep" (fanout 10, depth 30) and "flat"
// (every partner a child of the root: the worst case, where one page of
// children is sorted out of all of them).
func BenchmarkTreeOpen(b *testing.B) {
	for _, eng := range testdb.Engines {
		for _, shape := range []struct {
			name   string
			fanout int
		}{{"deep", 10}, {"flat", 100_000}} {
			b.Run(eng.Name+"/"+shape.name, func(b *testing.B) { benchTreeOpen(b, eng.Open(b), shape.fanout) })
		}
	}
}

func benchTreeOpen(b *testing.B, db *store.DB, fanout int) {
	ctx := context.Background()
	svc := hub.NewService(db, 0)
	svc.SetPasswordHasher(auth.Argon2id{})
	n := testdb.BenchPartners(b)
	depth := 30
	if fanout >= int(n) {
		depth = 1
	}
	res, err := seed.Run(ctx, db, svc, seed.Config{Partners: n, Depth: depth, Fanout: fanout}, nil)
	if err != nil {
		b.Fatal(err)
	}
	sys := hub.SystemPrincipal(res.Root, "bench")
	if _, err := svc.CreateUser(ctx, sys, &hub.User{Username: "benchadmin", FirstName: "B", LastName: "A", Email: "b@example.com",
		Role: hub.RoleSystemAdmin, PartnerID: res.Root.ID, Active: true}, password); err != nil {
		b.Fatal(err)
	}
	h, err := console.New(console.Config{Service: svc, Authn: auth.NewAuthenticator(svc, auth.Config{Failures: db}), Sessions: db.Sessions()})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(server.NewHandler(server.Deps{Faces: []server.Face{{Prefix: console.Prefix, Handler: h}}}))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(path string) string {
		res, err := c.Get(srv.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		return string(body)
	}
	tok := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(get("/console/sign-in"))[1]
	if res, err := c.PostForm(srv.URL+"/console/sign-in", url.Values{"csrf": {tok}, "username": {"benchadmin"}, "password": {password}}); err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("sign in: %v", err)
	}
	nodes := map[string]int64{"root": res.Root.ID, "deep": res.Spine[len(res.Spine)-1]}
	for _, name := range []string{"root", "deep"} {
		path := "/console/tree?at=" + strconv.FormatInt(nodes[name], 10)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				get(path)
			}
		})
	}
}
