package console_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/console"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/server"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
	"github.com/partnerhub/partnerhub/internal/webhook"
)

// password is every fixture user's password.
const password = "correct horse battery"

// env is one test's console over its own database, with a fixture of two
// sibling branches:
//
//	root (admin)
//	├── Alpha Resellers (alice, Partner Supervisor; partner login "alpha-login")
//	│   └── Alpha One (client "Alpha Client" with one channel; key "alpha key")
//	│       └── Alpha Deep
//	└── Beta Partners (bob, Partner Supervisor)
type env struct {
	t      *testing.T
	db     *store.DB
	svc    *hub.Service
	srv    *httptest.Server
	sys    hub.Principal
	root   *hub.Partner
	alpha  *hub.Partner
	alpha1 *hub.Partner
	deep   *hub.Partner
	beta   *hub.Partner
	client *hub.Client
	alice  *hub.User
	bob    *hub.User
	key    *hub.APIKey // alpha's key, created by alice
	secret string      // its plaintext
}

// options tune newEnv.
type options struct {
	cfg   console.Config // timeouts
	authn auth.Config
}

// engines runs fn once per database engine as parallel subtests.
func engines(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	enginesWith(t, options{}, fn)
}

// enginesWith is engines with options.
func enginesWith(t *testing.T, o options, fn func(t *testing.T, e *env)) {
	t.Helper()
	t.Parallel()
	for _, eng := range testdb.Engines {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, eng.Open(t), o))
		})
	}
}

// newEnv builds the fixture on db and serves the console as serve does:
// behind the read cache, the server's middleware and the real
// authenticator.
func newEnv(t *testing.T, db *store.DB, o options) *env {
	t.Helper()
	ctx := context.Background()
	st := readcache.New(db, readcache.Options{TTL: time.Hour, Verify: true})
	svc := hub.NewService(st, 0)
	svc.SetPasswordHasher(auth.Argon2id{})
	svc.SetWebhookGuard(webhook.Guard{AllowPrivate: true}) // receivers are httptest servers
	e := &env{t: t, db: db, svc: svc}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	e.root, err = svc.CreateRoot(ctx, &hub.Partner{Name: "Root Co"})
	must(err)
	e.sys = hub.SystemPrincipal(e.root, "test")
	e.alpha, err = svc.CreatePartnerWithLogin(ctx, e.sys, &hub.Partner{ParentID: e.root.ID, Name: "Alpha Resellers"},
		&hub.PartnerLogin{Login: "alpha-login", Password: password})
	must(err)
	e.alpha1, err = svc.CreatePartner(ctx, e.sys, &hub.Partner{ParentID: e.alpha.ID, Name: "Alpha One", ContactName: "Ann"})
	must(err)
	e.deep, err = svc.CreatePartner(ctx, e.sys, &hub.Partner{ParentID: e.alpha1.ID, Name: "Alpha Deep"})
	must(err)
	e.beta, err = svc.CreatePartner(ctx, e.sys, &hub.Partner{ParentID: e.root.ID, Name: "Beta Partners"})
	must(err)
	e.alice = e.user("alice", e.alpha, hub.RolePartnerSupervisor)
	e.bob = e.user("bob", e.beta, hub.RolePartnerSupervisor)
	e.client, err = svc.CreateClient(ctx, e.sys, &hub.Client{PartnerID: e.alpha1.ID, Name: "Alpha Client"})
	must(err)
	_, err = svc.CreateChannel(ctx, e.sys, &hub.Channel{ClientID: e.client.ID, PhoneNumber: "+14155550100"})
	must(err)
	pr, _, err := svc.UserPrincipal(ctx, e.alice.ID)
	must(err)
	e.key, e.secret, err = svc.CreateAPIKey(ctx, pr, hub.NewAPIKeyRequest{PartnerID: e.alpha1.ID, Name: "alpha key", Scopes: []string{hub.ScopePartnersRead}})
	must(err)

	if o.authn.Failures == nil {
		o.authn.Failures = db
	}
	cfg := o.cfg
	cfg.Service, cfg.Authn, cfg.Sessions = svc, auth.NewAuthenticator(svc, o.authn), db.Sessions()
	e.srv = httptest.NewServer(e.handler(cfg))
	t.Cleanup(e.srv.Close)
	return e
}

// handler is the whole server (middleware included) with the console
// configured by cfg.
func (e *env) handler(cfg console.Config) http.Handler {
	e.t.Helper()
	var logs strings.Builder
	cfg.Log = slog.New(slog.NewTextHandler(&logs, nil))
	h, err := console.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return server.NewHandler(server.Deps{Faces: []server.Face{{Prefix: console.Prefix, Handler: h}}})
}

// user creates an active user homed at p with the fixture's password.
func (e *env) user(name string, p *hub.Partner, role hub.Role) *hub.User {
	e.t.Helper()
	u, err := e.svc.CreateUser(context.Background(), e.sys, &hub.User{Username: name, FirstName: strings.ToUpper(name[:1]) + name[1:],
		LastName: "Tester", Email: name + "@example.com", Role: role, PartnerID: p.ID, Active: true}, password)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// client is a browser stand-in: a cookie jar, no automatic redirects.
type client struct {
	t    *testing.T
	e    *env
	http *http.Client
	csrf string // the session's CSRF token, read from the last page
}

// newClient returns a client with an empty jar.
func (e *env) newClient() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &client{t: e.t, e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signedIn returns a client signed in as username.
func (e *env) signedIn(username string) *client {
	e.t.Helper()
	c := e.newClient()
	if res := c.signIn(username, password); res.status != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: %d\n%s", username, res.status, res.body)
	}
	c.get("/console/") // reads the CSRF token
	return c
}

// response is what a request answered.
type response struct {
	status int
	header http.Header
	body   string
}

var (
	csrfRE  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	titleRE = regexp.MustCompile(`<h1[^>]*>([\s\S]*?)</h1>`)
)

// do sends a request and reads the answer; it keeps the page's CSRF token.
func (c *client) do(req *http.Request) response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if m := csrfRE.FindSubmatch(b); m != nil {
		c.csrf = html.UnescapeString(string(m[1]))
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// get fetches path.
func (c *client) get(path string, headers ...string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// post sends form to path with the session's CSRF token (unless form
// sets its own "csrf").
func (c *client) post(path string, form url.Values, headers ...string) response {
	c.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// signIn fetches the sign-in form (for its cookie and token) and posts
// the credentials.
func (c *client) signIn(username, pass string) response {
	c.t.Helper()
	if res := c.get("/console/sign-in"); res.status != http.StatusOK {
		c.t.Fatalf("sign-in form: %d", res.status)
	}
	return c.post("/console/sign-in", url.Values{"username": {username}, "password": {pass}})
}

// cookie returns the jar's cookie name for the console, or nil.
func (c *client) cookie(name string) *http.Cookie {
	u, _ := url.Parse(c.e.srv.URL + "/console/")
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// title is the page's first heading, tags stripped.
func title(body string) string {
	m := titleRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))
}

// id formats an id for paths.
func id(n int64) string { return fmt.Sprint(n) }

// keyOf is the partner key of id.
func keyOf(id int64) hub.PartnerKey { return hub.PartnerKey{ID: id} }
