package dialog360_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/dialog360"
	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/jobs"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/server"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/store/storetest"
	"github.com/partnerhub/partnerhub/internal/testdb"
	"github.com/partnerhub/partnerhub/internal/webhook"
)

// env is one test's server over its own database: the service as `serve`
// runs it (behind the read cache, with the real authenticator and the
// webhook guard allowing private addresses for local receivers), the
// /api/v2 face on the server's handler, and, once started, in-process
// workers.
type env struct {
	t    *testing.T
	ctx  context.Context
	db   *store.DB
	svc  *hub.Service
	root *hub.Partner
	sys  hub.Principal
	srv  *httptest.Server
	seq  atomic.Int64

	mu      sync.Mutex
	hits    map[string]int // "METHOD pattern" -> 2xx answers
	answers []answer       // every answer of the face, checked against openapi.json at the end
}

// answer is one answer of the face as its route served it.
type answer struct {
	pattern string // r.Pattern: "METHOD /api/v2/..." for a route, else the mux's fallback
	status  int
	body    []byte
}

// engines runs fn once per database engine, each as a parallel subtest:
// SQLite always, PostgreSQL when PARTNERHUB_TEST_POSTGRES_URL is set.
func engines(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, engine := range testdb.Engines {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, engine))
		})
	}
}

func newEnv(t *testing.T, engine testdb.Engine) *env {
	t.Helper()
	ctx := context.Background()
	db := engine.Open(t)
	svc := hub.NewService(readcache.New(db, readcache.Options{TTL: time.Hour, Verify: true}), 16)
	svc.SetPasswordHasher(storetest.FastHasher{})
	svc.SetWebhookGuard(webhook.Guard{AllowPrivate: true})
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root", Status: hub.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, db: db, svc: svc, root: root, sys: hub.SystemPrincipal(root, "test"), hits: map[string]int{}}
	authn := auth.NewAuthenticator(svc, auth.Config{})
	face := dialog360.New(svc, authn, slog.New(slog.NewTextHandler(io.Discard, nil)))
	// Record which route served each 2xx answer: the mux sets r.Pattern on
	// the request it is handed.
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		face.ServeHTTP(sw, r)
		e.mu.Lock()
		defer e.mu.Unlock()
		if sw.status >= 200 && sw.status < 300 && r.Pattern != "" {
			e.hits[r.Pattern]++
		}
		e.answers = append(e.answers, answer{r.Pattern, sw.status, sw.body.Bytes()})
	})
	// Every answer of every test must be what openapi.json describes.
	t.Cleanup(func() { e.checkOpenAPI(t) })
	e.srv = httptest.NewServer(server.NewHandler(server.Deps{Faces: []server.Face{{Prefix: dialog360.Prefix, Handler: counted}}}))
	t.Cleanup(e.srv.Close)
	return e
}

// statusWriter records the status and a copy of the body it passes on.
type statusWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

// startWorkers runs the migration and webhook workers in this process
// until the test ends, with quick polls and backoffs.
func (e *env) startWorkers() {
	e.t.Helper()
	r, err := jobs.New(e.db.JobDriver(), e.svc, jobs.Config{
		PollInterval:     50 * time.Millisecond,
		MigrationBackoff: jobs.Backoff{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond},
		WebhookBackoff:   jobs.Backoff{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond},
		Sender:           webhook.NewSender(true, 5*time.Second, "partnerhub-test"),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := r.Start(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = r.Stop(ctx)
	})
}

// partner creates an active partner under parent as the system.
func (e *env) partner(parent *hub.Partner, name string) *hub.Partner {
	e.t.Helper()
	p, err := e.svc.CreatePartner(e.ctx, e.sys, &hub.Partner{Name: name, ParentID: parent.ID, Status: hub.StatusActive})
	if err != nil {
		e.t.Fatalf("create partner %s: %v", name, err)
	}
	return p
}

// key is an X-API-Key credential acting at p with role's scopes (a
// Partner Supervisor unless said otherwise).
func (e *env) key(p *hub.Partner, scopes ...string) cred {
	e.t.Helper()
	if len(scopes) == 0 {
		scopes = hub.RolePartnerSupervisor.Scopes()
	}
	_, plain, err := e.svc.CreateAPIKey(e.ctx, e.sys, hub.NewAPIKeyRequest{PartnerID: p.ID, Name: fmt.Sprintf("test key %d", e.seq.Add(1)), Scopes: scopes})
	if err != nil {
		e.t.Fatalf("key for %s: %v", p.Name, err)
	}
	return cred{"X-API-Key", plain}
}

// user creates a user of role at p (or, for a client-level role, of
// client c) and returns its username and password.
func (e *env) user(p *hub.Partner, c *hub.Client, role hub.Role) (string, string) {
	e.t.Helper()
	name := fmt.Sprintf("user-%d", e.seq.Add(1))
	in := &hub.User{Username: name, FirstName: "Test", LastName: name, Email: name + "@example.com", Role: role, Active: true}
	if c != nil {
		in.ClientID = c.ID
	} else {
		in.PartnerID = p.ID
	}
	if _, err := e.svc.CreateUser(e.ctx, e.sys, in, "password-"+name); err != nil {
		e.t.Fatalf("create user: %v", err)
	}
	return name, "password-" + name
}

// client creates a client of p with n channels through the hub.
func (e *env) client(p *hub.Partner, n int) (*hub.Client, []*hub.Channel) {
	e.t.Helper()
	c, err := e.svc.CreateClient(e.ctx, e.sys, &hub.Client{Name: fmt.Sprintf("client %d", e.seq.Add(1)), PartnerID: p.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	var chs []*hub.Channel
	for range n {
		ch, err := e.svc.CreateChannel(e.ctx, e.sys, &hub.Channel{ClientID: c.ID, Status: hub.ChannelReady, PhoneNumber: e.phone()})
		if err != nil {
			e.t.Fatal(err)
		}
		chs = append(chs, ch)
	}
	return c, chs
}

// phone is a fresh E.164 number.
func (e *env) phone() string { return fmt.Sprintf("+1650%07d", e.seq.Add(1)) }

// cred is one credential header.
type cred struct{ header, value string }

// bearer is an Authorization: Bearer credential.
func bearer(token string) cred { return cred{"Authorization", "Bearer " + token} }

// response is one HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request: a non-empty body goes as application/json.
func (e *env) do(c cred, method, path, body string) response {
	e.t.Helper()
	r, err := e.send(c, method, path, body, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// send is do for any goroutine, with extra headers.
func (e *env) send(c cred, method, path, body string, header map[string]string) (response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		return response{}, err
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if c.header != "" {
		r.Header.Set(c.header, c.value)
	}
	for k, v := range header {
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

// want fails unless the answer has status; it returns the answer.
func (r response) want(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %s", r.status, status, r.body)
	}
	return r
}

// obj decodes a JSON object answer.
func (r response) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil || m == nil {
		t.Fatalf("answer is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

// into decodes the answer into v.
func (r response) into(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, r.body)
	}
}

// meta is the vendor's error envelope.
type meta struct {
	Meta struct {
		Success          *bool    `json:"success"`
		HTTPCode         int      `json:"http_code"`
		DeveloperMessage string   `json:"developer_message"`
		TraceID          string   `json:"360dialog_trace_id"`
		Details          []string `json:"details"`
		ErrorData        *struct {
			Code        string `json:"code"`
			Message     string `json:"message"`
			RealMessage string `json:"real_message"`
			Status      int    `json:"status"`
		} `json:"error_data"`
	} `json:"meta"`
}

// wantMeta checks an error answer: status, the envelope's success and
// http_code, a trace id equal to X-Request-Id; for a 400 the details and
// error_data, the first detail starting with field (when given).
func (r response) wantMeta(t *testing.T, status int, field string) meta {
	t.Helper()
	r.want(t, status)
	var m meta
	r.into(t, &m)
	switch {
	case m.Meta.Success == nil || *m.Meta.Success:
		t.Fatalf("meta.success missing or true: %s", r.body)
	case m.Meta.HTTPCode != status:
		t.Fatalf("meta.http_code %d, want %d: %s", m.Meta.HTTPCode, status, r.body)
	case m.Meta.DeveloperMessage == "":
		t.Fatalf("meta.developer_message empty: %s", r.body)
	case m.Meta.TraceID == "" || m.Meta.TraceID != r.header.Get("X-Request-Id"):
		t.Fatalf("meta.360dialog_trace_id %q, X-Request-Id %q", m.Meta.TraceID, r.header.Get("X-Request-Id"))
	}
	if status == http.StatusBadRequest {
		if len(m.Meta.Details) == 0 || m.Meta.ErrorData == nil || m.Meta.ErrorData.Status != 400 || m.Meta.ErrorData.Message == "" || m.Meta.ErrorData.RealMessage == "" {
			t.Fatalf("a 400 without details and error_data: %s", r.body)
		}
		if field != "" && !strings.HasPrefix(m.Meta.Details[0], field+":") {
			t.Fatalf("first detail %q does not name %s", m.Meta.Details[0], field)
		}
	} else if m.Meta.Details != nil || m.Meta.ErrorData != nil {
		t.Fatalf("details or error_data outside a 400: %s", r.body)
	}
	return m
}

// waitRequest polls a change request through the face until its status
// is one of want, or fails after 20s.
func (e *env) waitRequest(c cred, partnerRef, ref string, want ...string) map[string]any {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		m := e.do(c, "GET", "/api/v2/partners/"+partnerRef+"/selective_partner_change_requests/"+ref, "").want(e.t, 200).obj(e.t)
		for _, s := range want {
			if m["status"] == s {
				return m
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("request %s is %v after 20s; want %v", ref, m["status"], want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
