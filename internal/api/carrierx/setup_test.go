package carrierx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/server"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// fakeAuthn maps "Authorization: Bearer test-<partnerID>" to a Partner
// Supervisor homed at that partner, "Bearer read-<partnerID>" to a
// principal holding only partners.read, and "Bearer slow-down" to a rate
// limit. Anything else is unauthenticated.
type fakeAuthn struct{ store hub.Store }

// rateLimited is a limiter's error: a RateLimited hub error that knows
// when to retry.
type rateLimited struct{ err *hub.Error }

func (r rateLimited) Error() string             { return r.err.Error() }
func (r rateLimited) Unwrap() error             { return r.err }
func (r rateLimited) RetryAfter() time.Duration { return 7 * time.Second }

func (f fakeAuthn) Principal(r *http.Request) (hub.Principal, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch tok {
	case "slow-down":
		return hub.Principal{}, rateLimited{err: hub.Errorf(hub.RateLimited, "too many attempts")}
	case "db-down":
		return hub.Principal{}, hub.Errorf(hub.Unavailable, "the credential store is unavailable")
	case "boom":
		return hub.Principal{}, errors.New("connection to 10.0.0.7 refused: secret detail")
	}
	kind, idText, _ := strings.Cut(tok, "-")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || (kind != "test" && kind != "read") {
		return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "missing or invalid credentials")
	}
	p, err := f.store.Partner(r.Context(), hub.PartnerKey{ID: id})
	if err != nil {
		return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "missing or invalid credentials")
	}
	pr := hub.Principal{PartnerID: p.ID, PartnerPath: p.Path, Actor: "test:" + idText,
		Role: hub.RolePartnerSupervisor, Scopes: hub.RolePartnerSupervisor.Scopes()}
	if kind == "read" {
		pr.Role, pr.Scopes = hub.RolePartnerUser, []string{hub.ScopePartnersRead}
	}
	return pr, nil
}

// Basic refuses every password: the tests that log in by password use the
// real authenticator (newAuthEnv).
func (f fakeAuthn) Basic(context.Context, string, string, string) (hub.Principal, error) {
	return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "invalid username or password")
}

// env is one test's server over its own database.
type env struct {
	t    *testing.T
	svc  *hub.Service
	root *hub.Partner
	srv  *httptest.Server
	log  *syncBuffer // the face's log
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// engines runs fn once per database engine, each as a parallel subtest:
// SQLite always, PostgreSQL when PARTNERHUB_TEST_POSTGRES_URL is set. The
// env authenticates with fakeAuthn.
func engines(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	enginesWith(t, newEnv, fn)
}

// authEngines is engines over newAuthEnv: the real authenticator.
func authEngines(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	enginesWith(t, newAuthEnv, fn)
}

// enginesWith is engines with the env constructor mk.
func enginesWith(t *testing.T, mk func(*testing.T, string) *env, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, mk(t, engine))
		})
	}
}

// newEnv is an env whose face authenticates with fakeAuthn.
func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	return newEnvWith(t, engine, func(_ *hub.Service, db hub.Store) carrierx.Authenticator { return fakeAuthn{db} })
}

// newAuthEnv is an env whose face authenticates with the real
// authenticator over the service, with argon2id passwords: credentials
// are users made with user and tokens issued through the face.
func newAuthEnv(t *testing.T, engine string) *env {
	t.Helper()
	return newEnvWith(t, engine, func(svc *hub.Service, _ hub.Store) carrierx.Authenticator {
		svc.SetPasswordHasher(auth.Argon2id{})
		return auth.NewAuthenticator(svc, auth.Config{})
	})
}

// newEnvWith builds an env over a fresh database of engine, with the
// authenticator that authn returns.
func newEnvWith(t *testing.T, engine string, authn func(*hub.Service, hub.Store) carrierx.Authenticator) *env {
	t.Helper()
	return newEnvOver(t, engine, nil, authn)
}

// newEnvOver is newEnvWith whose service sees the store through wrap,
// when not nil.
func newEnvOver(t *testing.T, engine string, wrap func(hub.Store) hub.Store, authn func(*hub.Service, hub.Store) carrierx.Authenticator) *env {
	t.Helper()
	ctx := context.Background()
	open := testdb.SQLite
	if engine == "postgres" {
		open = testdb.Postgres
	}
	// The store as `partnerhub serve` runs it: behind the read cache, here
	// with a TTL long enough that only invalidation keeps reads fresh, and
	// checking that no handler modifies a shared list page.
	var db hub.Store = readcache.New(open(t), readcache.Options{TTL: time.Hour, Verify: true})
	if wrap != nil {
		db = wrap(db)
	}
	svc := hub.NewService(db, 32)
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root Co"})
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	// The links of the face point at the server, as serve's do at its
	// listen address.
	srv := httptest.NewUnstartedServer(nil)
	base := httpapi.ListenBaseURL(srv.Listener.Addr().String())
	face := carrierx.New(svc, authn(svc, db), slog.New(slog.NewTextHandler(log, nil)), carrierx.WithBaseURL(base))
	srv.Config.Handler = server.NewHandler(server.Deps{Faces: []server.Face{{Prefix: carrierx.Prefix, Handler: face}}})
	srv.Start()
	t.Cleanup(srv.Close)
	return &env{t: t, svc: svc, root: root, srv: srv, log: log}
}

// sys is the system principal of the env's tree.
func (e *env) sys() hub.Principal { return hub.SystemPrincipal(e.root, "system:test") }

// partner creates a partner under parent through the service.
func (e *env) partner(parent *hub.Partner, name string, edit ...func(*hub.Partner)) *hub.Partner {
	e.t.Helper()
	in := &hub.Partner{Name: name, ParentID: parent.ID}
	for _, f := range edit {
		f(in)
	}
	p, err := e.svc.CreatePartner(context.Background(), e.sys(), in)
	if err != nil {
		e.t.Fatalf("create partner %q: %v", name, err)
	}
	return p
}

// token is the bearer credential of a supervisor homed at p.
func token(p *hub.Partner) string { return "test-" + strconv.FormatInt(p.ID, 10) }

// response is one HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic value.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// req is one request to send.
type req struct {
	method, path, token, body string
	header                    map[string]string
}

// do sends rq to the env's server and fails the test on a transport
// error. A body is sent as application/json unless header sets
// Content-Type.
func (e *env) do(t *testing.T, rq req) response {
	t.Helper()
	r, err := e.send(rq)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// send is do for goroutines other than the test's: it returns the error.
func (e *env) send(rq req) (response, error) {
	var body io.Reader
	if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	target := rq.path
	if !strings.HasPrefix(target, "http") {
		target = e.srv.URL + rq.path
	}
	r, err := http.NewRequest(rq.method, target, body)
	if err != nil {
		return response{}, err
	}
	if rq.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if rq.token != "" {
		r.Header.Set("Authorization", "Bearer "+rq.token)
	}
	for k, v := range rq.header {
		if v == "" {
			r.Header.Del(k)
		} else {
			r.Header.Set(k, v)
		}
	}
	resp, err := e.srv.Client().Do(r)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}, err
}

// want fails unless the response has the given status.
func (r response) want(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %s", r.status, status, r.body)
	}
	return r
}

// wantError checks an error answer: the status and the field named first.
func (r response) wantError(t *testing.T, status int, field string) map[string]any {
	t.Helper()
	r.want(t, status)
	m := r.json(t)
	errs, _ := m["errors"].([]any)
	if _, ok := m["message"].(string); !ok || len(errs) == 0 {
		t.Fatalf("error body lacks message or errors: %s", r.body)
	}
	first := errs[0].(map[string]any)
	if got, _ := first["field"].(string); field != "" && got != field {
		t.Fatalf("first error names field %q, want %q: %s", got, field, r.body)
	}
	if v, ok := first["reference_sid"]; !ok || v != nil {
		t.Fatalf("reference_sid missing or not null: %s", r.body)
	}
	return m
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
