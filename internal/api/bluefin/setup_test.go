package bluefin_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/partnerhub/partnerhub/internal/api/bluefin"
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/server"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// env is one test's server, with the real authenticator (argon2id
// passwords), over its own database behind the read cache, as `partnerhub
// serve` runs it (with a TTL long enough that only invalidation keeps
// reads fresh).
type env struct {
	t       *testing.T
	svc     *hub.Service
	root    *hub.Partner
	srv     *httptest.Server
	limiter *httpapi.RateLimiter
}

// engines runs fn once per database engine, each as a parallel subtest:
// SQLite always, PostgreSQL when PARTNERHUB_TEST_POSTGRES_URL is set.
func engines(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, engine := range testdb.Engines {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, engine, bluefin.DefaultRateLimit))
		})
	}
}

// smallPools is engines over databases opened with a pool of conns
// connections.
func smallPools(t *testing.T, conns int, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, engine := range testdb.SmallPools(conns) {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, engine, bluefin.DefaultRateLimit))
		})
	}
}

func newEnv(t *testing.T, engine testdb.Engine, rateLimit int) *env {
	t.Helper()
	return newEnvOver(t, engine, rateLimit, nil)
}

// newEnvOver is newEnv with the service's store (the read cache over the
// database) passed through wrap, when set.
func newEnvOver(t *testing.T, engine testdb.Engine, rateLimit int, wrap func(hub.Store) hub.Store) *env {
	t.Helper()
	ctx := context.Background()
	var db hub.Store = readcache.New(engine.Open(t), readcache.Options{TTL: time.Hour, Verify: true})
	if wrap != nil {
		db = wrap(db)
	}
	svc := hub.NewService(db, 32)
	svc.SetPasswordHasher(auth.Argon2id{})
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatal(err)
	}
	limiter := httpapi.NewRateLimiter(rateLimit, bluefin.RateWindow)
	face := bluefin.New(svc, auth.NewAuthenticator(svc, auth.Config{}), nil, bluefin.WithRateLimiter(limiter))
	srv := httptest.NewServer(server.NewHandler(server.Deps{Faces: []server.Face{{Prefix: bluefin.Prefix, Handler: face}}}))
	t.Cleanup(srv.Close)
	return &env{t: t, svc: svc, root: root, srv: srv, limiter: limiter}
}

// sys is the system principal of the env's tree.
func (e *env) sys() hub.Principal { return hub.SystemPrincipal(e.root, "system:test") }

// partner creates a partner under parent through the service.
func (e *env) partner(parent *hub.Partner, name string) *hub.Partner {
	e.t.Helper()
	p, err := e.svc.CreatePartner(context.Background(), e.sys(), &hub.Partner{Name: name, ParentID: parent.ID, Status: hub.StatusActive})
	if err != nil {
		e.t.Fatalf("create partner %q: %v", name, err)
	}
	return p
}

// client creates a client of p, with one channel when withChannel (so
// that DELETE refuses it).
func (e *env) client(p *hub.Partner, name string, withChannel bool) *hub.Client {
	e.t.Helper()
	ctx := context.Background()
	c, err := e.svc.CreateClient(ctx, e.sys(), &hub.Client{Name: name, PartnerID: p.ID})
	if err != nil {
		e.t.Fatalf("create client %q: %v", name, err)
	}
	if withChannel {
		phone := "+1415555" + strconv.FormatInt(1000+c.ID%9000, 10)
		if _, err := e.svc.CreateChannel(ctx, e.sys(), &hub.Channel{ClientID: c.ID, PhoneNumber: phone}); err != nil {
			e.t.Fatalf("channel of %q: %v", name, err)
		}
	}
	return c
}

// caller is a user and its credential.
type caller struct {
	u    *hub.User
	auth string // the Authorization header
}

// user creates a user of role homed at p (or, for client-level roles, at
// client c) with a bearer token as its credential; with password != "" it
// can log in with Basic as well (basicAuth).
func (e *env) user(name string, role hub.Role, p *hub.Partner, c *hub.Client, password string) caller {
	e.t.Helper()
	ctx := context.Background()
	in := &hub.User{Username: name, FirstName: "F " + name, LastName: "L", Email: name + "@example.com", Phone: "+14155550199",
		Role: role, Active: true}
	if c != nil {
		in.ClientID = c.ID
	} else {
		in.PartnerID = p.ID
	}
	u, err := e.svc.CreateUser(ctx, e.sys(), in, password)
	if err != nil {
		e.t.Fatalf("create user %q: %v", name, err)
	}
	pr, _, err := e.svc.UserPrincipal(ctx, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	it, err := e.svc.IssueToken(ctx, pr, hub.TokenRequest{Name: "test"})
	if err != nil {
		e.t.Fatal(err)
	}
	return caller{u: u, auth: "Bearer " + it.Access}
}

// admin is a System Admin at the root.
func (e *env) admin() caller {
	return e.user("admin-"+hub.NewRef(""), hub.RoleSystemAdmin, e.root, nil, "")
}

// basicAuth is the Basic credential of a user and password.
func basicAuth(user, password string) string {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, password)
	return r.Header.Get("Authorization")
}

// req is one request to send.
type req struct {
	method, path, auth, body string
	header                   map[string]string
}

// response is one answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends rq and checks the answer against the vendor's description (and
// ours, for what the vendor leaves undescribed): see conform.
func (e *env) do(t *testing.T, rq req) response {
	t.Helper()
	r, err := e.send(rq)
	if err != nil {
		t.Fatal(err)
	}
	conform(t, rq, r)
	return r
}

// send is do without the checks, safe from other goroutines.
func (e *env) send(rq req) (response, error) {
	var body io.Reader
	if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	r, err := http.NewRequest(rq.method, e.srv.URL+rq.path, body)
	if err != nil {
		return response{}, err
	}
	if rq.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if rq.auth != "" {
		r.Header.Set("Authorization", rq.auth)
	}
	for k, v := range rq.header {
		r.Header.Set(k, v)
	}
	resp, err := e.srv.Client().Do(r)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}, err
}

// get, post, patch and del are do with one method.
func (e *env) get(t *testing.T, auth, path string) response {
	t.Helper()
	return e.do(t, req{method: "GET", path: path, auth: auth})
}

func (e *env) post(t *testing.T, auth, path string, body any) response {
	t.Helper()
	return e.do(t, req{method: "POST", path: path, auth: auth, body: jsonText(t, body)})
}

func (e *env) patch(t *testing.T, auth, path string, body any) response {
	t.Helper()
	return e.do(t, req{method: "PATCH", path: path, auth: auth, body: jsonText(t, body)})
}

func (e *env) del(t *testing.T, auth, path string) response {
	t.Helper()
	return e.do(t, req{method: "DELETE", path: path, auth: auth})
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// want fails unless the response has the given status.
func (r response) want(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %s", r.status, status, r.body)
	}
	return r
}

// obj decodes the body as an object.
func (r response) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

// id is the id of a {"id": n} answer.
func (r response) id(t *testing.T) int64 {
	t.Helper()
	var v struct{ ID int64 }
	if err := json.Unmarshal(r.want(t, http.StatusOK).body, &v); err != nil || v.ID == 0 {
		t.Fatalf("answer is not {\"id\": n}: %s", r.body)
	}
	return v.ID
}

// wantInvalid checks a 409 validation answer naming attr.
func (r response) wantInvalid(t *testing.T, attr string) {
	t.Helper()
	r.want(t, http.StatusConflict)
	var v struct {
		Success   *bool
		ErrorCode int
		Errors    map[string]struct {
			Attribute string
			ErrorCode int
		}
	}
	if err := json.Unmarshal(r.body, &v); err != nil || v.Success == nil || *v.Success || v.ErrorCode != 7409 {
		t.Fatalf("not a validation body: %s", r.body)
	}
	if e, ok := v.Errors[attr]; !ok || e.Attribute != attr || e.ErrorCode != 7409 {
		t.Fatalf("errors do not name %q: %s", attr, r.body)
	}
}

// wantDenied checks the 7403 permission body.
func (r response) wantDenied(t *testing.T) string {
	t.Helper()
	r.want(t, http.StatusForbidden)
	var v struct {
		UUID      string
		ErrorCode int
		Message   string
	}
	if err := json.Unmarshal(r.body, &v); err != nil || v.ErrorCode != 7403 || v.Message != "Permission denied." || !hub.IsSID(v.UUID) {
		t.Fatalf("not the permission body: %s", r.body)
	}
	return v.UUID
}

func path(format string, id int64) string {
	return strings.Replace(format, "%d", strconv.FormatInt(id, 10), 1)
}
