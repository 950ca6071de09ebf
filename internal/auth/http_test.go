package auth_test

// The tests in this file run the Authenticator where it serves: the real
// router (server.NewHandler with the /core/v2 face) over a real database,
// behind httptest servers, with real TCP connections from chosen loopback
// addresses (every 127.0.0.0/8 address is local on Linux), on both engines.

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/server"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// engines opens, per engine, a database URL and handles on it; more than
// one handle on one URL acts as more than one process (replicas).
var engines = []struct {
	name string
	url  func(t testing.TB) string
}{
	{"SQLite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "http.db") }},
	{"Postgres", testdb.PostgresSchemaURL},
}

// memoHasher is the real argon2id, except that Hash returns one stored
// hash per password, so a test can create many users quickly; every
// Verify is a real argon2id verification.
type memoHasher struct {
	*countingHasher
	mu     sync.Mutex
	hashes map[string]string
}

func (m *memoHasher) Hash(pw string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if h, ok := m.hashes[pw]; ok {
		return h, nil
	}
	h, err := m.countingHasher.Hash(pw)
	if err == nil {
		m.hashes[pw] = h
	}
	return h, err
}

// site is one replica: a server over its own database handle, read cache,
// service and Authenticator, as `partnerhub serve` builds them.
type site struct {
	srv      *httptest.Server
	svc      *hub.Service
	authn    *auth.Authenticator
	hasher   *countingHasher
	baseline atomic.Pointer[answerBytes] // what /baseline/ writes
}

// answerBytes is a response to replay.
type answerBytes struct {
	contentType string
	body        []byte
}

// serveBaseline writes the stored answer: the same bytes as a real
// response, with no authentication and no database behind them, so a
// benchmark can tell the cost of the service from that of HTTP itself.
func (s *site) serveBaseline(w http.ResponseWriter, r *http.Request) {
	a := s.baseline.Load()
	if a == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
	_, _ = w.Write(a.body)
}

// world is a partner, a user of it and its three credentials, served by
// one or more replicas on one database.
type world struct {
	t      testing.TB
	url    string
	cache  bool // replicas read through a read cache
	hasher *countingHasher
	sites  []*site
	sys    hub.Principal
	home   *hub.Partner
	user   *hub.User
	token  string // a bearer access token of user
	apiKey string // phk_... of a key at home
}

// newWorld builds a world with one replica per cfg, each with a read
// cache as `partnerhub serve` has by default.
func newWorld(t testing.TB, url string, cfgs ...auth.Config) *world {
	t.Helper()
	return newWorldCache(t, url, true, cfgs...)
}

// newWorldCache is newWorld with the read cache on or off.
func newWorldCache(t testing.TB, url string, cache bool, cfgs ...auth.Config) *world {
	t.Helper()
	w := &world{t: t, url: url, hasher: &countingHasher{}, cache: cache}
	for _, cfg := range cfgs {
		w.sites = append(w.sites, w.newSite(cfg))
	}
	ctx := context.Background()
	svc := w.sites[0].svc
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatal(err)
	}
	w.sys = hub.SystemPrincipal(root, "test")
	if w.home, err = svc.CreatePartner(ctx, w.sys, &hub.Partner{Name: "Home", ParentID: root.ID}); err != nil {
		t.Fatal(err)
	}
	w.user = w.newUser("alice", hub.RolePartnerSupervisor)
	upr, _, err := svc.AuthenticatePassword(ctx, "alice", password)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.IssueToken(ctx, upr, hub.TokenRequest{TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	w.token = tok.Access
	if _, w.apiKey, err = svc.CreateAPIKey(ctx, w.sys, hub.NewAPIKeyRequest{PartnerID: w.home.ID, Name: "k",
		Scopes: []string{hub.ScopePartnersRead}}); err != nil {
		t.Fatal(err)
	}
	w.hasher.verifies.Store(0)
	return w
}

func (w *world) newSite(cfg auth.Config) *site {
	t := w.t
	db, err := store.Open(context.Background(), w.url, store.Options{ReadConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var st hub.Store = db
	if w.cache {
		st = readcache.New(db, readcache.Options{TTL: time.Second})
	}
	svc := hub.NewService(st, 0)
	svc.SetPasswordHasher(&memoHasher{countingHasher: w.hasher, hashes: map[string]string{}})
	if cfg.Failures == nil {
		cfg.Failures = db
	}
	authn := auth.NewAuthenticator(svc, cfg)
	s := &site{svc: svc, authn: authn, hasher: w.hasher}
	h := server.NewHandler(server.Deps{Faces: []server.Face{
		{Prefix: carrierx.Prefix, Handler: carrierx.New(svc, authn, nil)},
		{Prefix: "/baseline", Handler: http.HandlerFunc(s.serveBaseline)},
	}})
	s.srv = httptest.NewServer(h)
	t.Cleanup(s.srv.Close)
	return s
}

// newUser creates an active user at home with the test password.
func (w *world) newUser(name string, role hub.Role) *hub.User {
	w.t.Helper()
	u, err := w.sites[0].svc.CreateUser(context.Background(), w.sys, &hub.User{Username: name, FirstName: "F", LastName: "L",
		Email: name + "@example.com", Role: role, PartnerID: w.home.ID, Active: true}, password)
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

// client returns an HTTP client whose connections come from ip (a
// loopback address), with room for n idle connections.
func client(ip string, n int) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		DialContext: d.DialContext, MaxIdleConns: n, MaxIdleConnsPerHost: n}}
}

// answer is what a test keeps of a response.
type answer struct {
	status     int
	retryAfter string
}

// do sends one request and reads the whole answer.
func do(t testing.TB, c *http.Client, method, url string, header http.Header, body string) answer {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := c.Do(req)
	if err != nil {
		t.Error(err)
		return answer{}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After")}
}

func basicHeader(user, pw string) http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pw))}}
}

// partnerURL is the home partner's URL on site s.
func (w *world) partnerURL(s *site) string { return s.srv.URL + "/core/v2/partners/" + w.home.SID }

// grant sends the OAuth password grant.
func grant(t testing.TB, c *http.Client, s *site, user, pw string) answer {
	form := url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}}
	return do(t, c, "POST", s.srv.URL+"/core/v2/oauth/token",
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, form.Encode())
}

// TestValidCredentialsUnderLoad: 64 concurrent clients from one IP, 200
// requests each, with a bearer token, an API key and Basic (a third of the
// clients each, Basic not cached beforehand) get 0 answers other than 2xx.
// Regression: every key and token check reserved an in-flight attempt per
// client IP, so past 10 concurrent requests valid credentials got 429.
func TestValidCredentialsUnderLoad(t *testing.T) {
	t.Parallel()
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, eng.url(t), auth.Config{})
			s := w.sites[0]
			creds := []http.Header{
				{"Authorization": {"Bearer " + w.token}},
				{"X-Api-Key": {w.apiKey}},
				basicHeader("alice", password),
			}
			const clients, each = 64, 200
			c := client("127.0.0.1", clients)
			var mu sync.Mutex
			bad := map[int]int{}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range clients {
				wg.Go(func() {
					<-start
					for range each {
						if a := do(t, c, "GET", w.partnerURL(s), creds[i%3], ""); a.status/100 != 2 {
							mu.Lock()
							bad[a.status]++
							mu.Unlock()
						}
					}
				})
			}
			close(start)
			wg.Wait()
			if len(bad) != 0 {
				t.Fatalf("non-2xx answers by status: %v (of %d requests)", bad, clients*each)
			}
			if v := w.hasher.verifies.Load(); v != 1 {
				t.Errorf("%d argon2id verifications for one Basic user; want 1", v)
			}
		})
	}
}

// TestParallelWrongPasswordsOverHTTP: 50 parallel wrong passwords for one
// username from one IP, half by Basic and half by the OAuth password
// grant: at most 10 reach argon2id, every answer is 401 or 429 with a
// Retry-After, and the right password from that IP is then 429 while it
// works from another IP.
func TestParallelWrongPasswordsOverHTTP(t *testing.T) {
	t.Parallel()
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, eng.url(t), auth.Config{PasswordCheckWait: time.Minute})
			s := w.sites[0]
			before := w.hasher.verifies.Load()
			c := client("127.0.0.2", 50)
			var mu sync.Mutex
			got := map[int]int{}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 50 {
				wg.Go(func() {
					<-start
					pw := fmt.Sprintf("wrong guess %d", i)
					var a answer
					if i%2 == 0 {
						a = do(t, c, "GET", w.partnerURL(s), basicHeader("alice", pw), "")
					} else {
						a = grant(t, c, s, "alice", pw)
					}
					if a.status == http.StatusTooManyRequests && a.retryAfter == "" {
						t.Errorf("429 without Retry-After")
					}
					mu.Lock()
					got[a.status]++
					mu.Unlock()
				})
			}
			close(start)
			wg.Wait()
			verified := w.hasher.verifies.Load() - before
			if verified > 10 || got[401] > 10 || got[401]+got[429] != 50 {
				t.Fatalf("%d verifications; answers %v; want at most 10 verifications and only 401/429", verified, got)
			}
			if a := do(t, c, "GET", w.partnerURL(s), basicHeader("alice", password), ""); a.status != 429 || a.retryAfter == "" {
				t.Fatalf("right password from the guessing IP: %+v", a)
			}
			if a := do(t, client("127.0.0.3", 1), "GET", w.partnerURL(s), basicHeader("alice", password), ""); a.status != 200 {
				t.Fatalf("right password from another IP: %+v", a)
			}
		})
	}
}

// TestFirstLoginBurst: 100 different users logging in at once for the
// first time (Basic, uncached) are never answered 429; every answer is 200
// or 503 with a Retry-After, and no more argon2id verifications run at
// once than the admission bound, which keeps memory bounded.
func TestFirstLoginBurst(t *testing.T) {
	t.Parallel()
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, eng.url(t), auth.Config{})
			s := w.sites[0]
			const n = 100
			for i := range n {
				w.newUser("user"+strconv.Itoa(i), hub.RolePartnerUser)
			}
			w.hasher.peak.Store(0)
			c := client("127.0.0.4", n)
			var mu sync.Mutex
			got := map[int]int{}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					a := do(t, c, "GET", w.partnerURL(s), basicHeader("user"+strconv.Itoa(i), password), "")
					if a.status == http.StatusServiceUnavailable {
						if ra, err := strconv.Atoi(a.retryAfter); err != nil || ra < 1 {
							t.Errorf("503 with Retry-After %q", a.retryAfter)
						}
					}
					mu.Lock()
					got[a.status]++
					mu.Unlock()
				})
			}
			close(start)
			wg.Wait()
			bound := int64(auth.DefaultHashConcurrency())
			t.Logf("answers %v; at most %d verifications at once (bound %d)", got, w.hasher.peak.Load(), bound)
			if got[200]+got[503] != n || got[200] < int(bound) {
				t.Fatalf("answers %v: want only 200 and 503, and at least %d logins through", got, bound)
			}
			if p := w.hasher.peak.Load(); p > bound {
				t.Fatalf("%d argon2id computations at once, bound %d", p, bound)
			}
		})
	}
}

// TestLockoutIsNotDenialOfService, over HTTP from several client IPs:
// a blocked (username, IP) pair does not block the username's right
// password from another IP; ten bad keys from one IP do not block a valid
// key from it; and a username with a NUL byte is a 401, not a 500, by
// Basic and by the password grant (PostgreSQL refuses NUL in text).
func TestLockoutIsNotDenialOfService(t *testing.T) {
	t.Parallel()
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, eng.url(t), auth.Config{})
			s := w.sites[0]
			guesser, other := client("127.0.0.5", 1), client("127.0.0.6", 1)
			for i := range 10 {
				if a := do(t, guesser, "GET", w.partnerURL(s), basicHeader("alice", fmt.Sprint("guess ", i)), ""); a.status != 401 {
					t.Fatalf("guess %d: %+v", i+1, a)
				}
			}
			if a := do(t, guesser, "GET", w.partnerURL(s), basicHeader("alice", password), ""); a.status != 429 {
				t.Fatalf("right password from the blocked IP: %+v", a)
			}
			if a := do(t, other, "GET", w.partnerURL(s), basicHeader("alice", password), ""); a.status != 200 {
				t.Fatalf("right password from another IP: %+v", a)
			}
			if a := grant(t, other, s, "alice", password); a.status != 200 {
				t.Fatalf("password grant from another IP: %+v", a)
			}

			keys := client("127.0.0.7", 1)
			for i := range 10 {
				bogus := http.Header{"X-Api-Key": {"phk_AAAAAAAA_" + strings.Repeat(strconv.Itoa(i%10), 43)}}
				if a := do(t, keys, "GET", w.partnerURL(s), bogus, ""); a.status != 401 {
					t.Fatalf("bad key %d: %+v", i+1, a)
				}
			}
			for _, h := range []http.Header{{"X-Api-Key": {w.apiKey}}, {"Authorization": {"Bearer " + w.apiKey}}, {"Authorization": {"Bearer " + w.token}}} {
				if a := do(t, keys, "GET", w.partnerURL(s), h, ""); a.status != 200 {
					t.Fatalf("valid credential %v after ten bad keys: %+v", h, a)
				}
			}

			nul := client("127.0.0.8", 1)
			if a := do(t, nul, "GET", w.partnerURL(s), basicHeader("a\x00b", password), ""); a.status != 401 {
				t.Fatalf("Basic username with NUL: %+v", a)
			}
			if a := grant(t, nul, s, "a\x00b", password); a.status != 401 {
				t.Fatalf("password grant username with NUL: %+v", a)
			}
		})
	}
}

// TestReplicasShareFailureCountsOverHTTP: two servers on one database
// (two replicas) count one IP's guesses for a username together: of 20
// password grants alternating between them, the first 10 are 401 and the
// rest 429. Regression: each process counted alone.
func TestReplicasShareFailureCountsOverHTTP(t *testing.T) {
	t.Parallel()
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, eng.url(t), auth.Config{}, auth.Config{})
			c := client("127.0.0.9", 2)
			for i := range 20 {
				want := 401
				if i >= 10 {
					want = 429
				}
				if a := grant(t, c, w.sites[i%2], "alice", fmt.Sprint("guess ", i)); a.status != want {
					t.Fatalf("guess %d on replica %d: %+v, want %d", i+1, i%2+1, a, want)
				}
			}
			if v := w.hasher.verifies.Load(); v != 10 {
				t.Fatalf("%d verifications, want 10", v)
			}
		})
	}
}
