package auth_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/seed"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// The benchmarks below measure one authenticated read end to end (the
// credential check plus an authorized partner lookup) per credential type,
// and the cost of authorization itself at depth 1 and depth 30, on one
// seeded tree per engine. Argon2id's own cost is BenchmarkArgon2idVerify
// (password_test.go). Nothing here asserts timings.
//
//	go test -run '^$' -bench BenchmarkAuth -benchtime 2s ./internal/auth/
//
// PostgreSQL runs when PARTNERHUB_TEST_POSTGRES_URL is set; the tree size
// is PARTNERHUB_BENCH_PARTNERS (default 100,000).

// benchPartnersEnv names the variable sizing the benchmark tree.
const benchPartnersEnv = "PARTNERHUB_BENCH_PARTNERS"

const (
	benchDepth    = 30
	benchFanout   = 10
	benchUsername = "bench-admin"
	benchIP       = "192.0.2.10"
)

func BenchmarkAuthSQLite(b *testing.B)   { benchAuth(b, testdb.SQLite) }
func BenchmarkAuthPostgres(b *testing.B) { benchAuth(b, testdb.Postgres) }

// benchFixture is one seeded tree with a root-homed user and its three
// credentials.
type benchFixture struct {
	ctx    context.Context
	db     *store.DB
	svc    *hub.Service
	hasher *countingHasher
	authn  *auth.Authenticator
	spine  []int64       // spine[i] is the partner id at depth i+1
	user   hub.Principal // the user's own principal, homed at the root
	access string        // a bearer access token of the user
	apiKey string        // phk_... of a key at the root
}

func benchPartners(b *testing.B) int64 {
	b.Helper()
	v := os.Getenv(benchPartnersEnv)
	if v == "" {
		return 100_000
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < benchDepth {
		b.Fatalf("%s=%q: want an integer >= %d", benchPartnersEnv, v, benchDepth)
	}
	return n
}

func newBenchFixture(b *testing.B, open func(testing.TB) *store.DB) *benchFixture {
	b.Helper()
	ctx := context.Background()
	f := &benchFixture{ctx: ctx, db: open(b), hasher: &countingHasher{}}
	f.svc = hub.NewService(f.db, 0)
	// The production hasher, wrapped only to count verifications so a
	// cache miss on every request would show in the argon2/op metric.
	f.svc.SetPasswordHasher(f.hasher)

	res, err := seed.Run(ctx, f.db, f.svc, seed.Config{Partners: benchPartners(b), Depth: benchDepth, Fanout: benchFanout}, nil)
	if err != nil {
		b.Fatalf("seed: %v", err)
	}
	if len(res.Spine) != benchDepth {
		b.Fatalf("seed spine has %d partners, want %d", len(res.Spine), benchDepth)
	}
	f.spine = res.Spine
	b.Logf("seeded %d partners (depth %d, fanout %d) in %v", res.Partners, benchDepth, benchFanout, res.Elapsed.Round(time.Millisecond))

	sys := hub.SystemPrincipal(res.Root, "bench")
	if _, err := f.svc.CreateUser(ctx, sys, &hub.User{Username: benchUsername, FirstName: "Bench", LastName: "Admin",
		Email: "bench@example.com", Role: hub.RoleSystemAdmin, PartnerID: res.Root.ID, Active: true}, password); err != nil {
		b.Fatalf("create user: %v", err)
	}
	if f.user, _, err = f.svc.AuthenticatePassword(ctx, benchUsername, password); err != nil {
		b.Fatalf("authenticate user: %v", err)
	}
	tok, err := f.svc.IssueTokenWithPassword(ctx, benchUsername, password, hub.TokenRequest{Name: "bench", TTL: hub.MaxTokenTTL})
	if err != nil {
		b.Fatalf("issue token: %v", err)
	}
	f.access = tok.Access
	if _, f.apiKey, err = f.svc.CreateAPIKey(ctx, f.user, hub.NewAPIKeyRequest{PartnerID: res.Root.ID, Name: "bench",
		Scopes: []string{hub.ScopePartnersRead}}); err != nil {
		b.Fatalf("create API key: %v", err)
	}
	// A TTL longer than any run, so a long -count run does not expire the
	// Basic verification midway; version checks still run on every hit.
	f.authn = auth.NewAuthenticator(f.svc, auth.Config{CacheTTL: time.Hour})
	return f
}

// request builds the GET one API call would carry.
func (f *benchFixture) request(b *testing.B, header, value string) *http.Request {
	r, err := http.NewRequestWithContext(f.ctx, http.MethodGet, "http://partnerhub.test/partners/x", nil)
	if err != nil {
		b.Fatal(err)
	}
	r.RemoteAddr = benchIP + ":4711"
	r.Header.Set(header, value)
	return r
}

func benchAuth(b *testing.B, open func(testing.TB) *store.DB) {
	f := newBenchFixture(b, open)
	deepest := hub.PartnerKey{ID: f.spine[benchDepth-1]}

	// 1. One authenticated GET of the partner at depth 30, per credential.
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(benchUsername+":"+password))
	for _, c := range []struct{ name, header, value string }{
		{"Basic", "Authorization", basic},
		{"Bearer", "Authorization", "Bearer " + f.access},
		{"XAPIKey", "X-API-Key", f.apiKey},
	} {
		b.Run("Get/"+c.name, func(b *testing.B) {
			// Warm up outside the timer: the first Basic call verifies
			// argon2id and fills the cache; keys and tokens record their
			// first use.
			if _, err := f.authn.Principal(f.request(b, c.header, c.value)); err != nil {
				b.Fatalf("warm-up: %v", err)
			}
			verifies := f.hasher.verifies.Load()
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				pr, err := f.authn.Principal(f.request(b, c.header, c.value))
				if err != nil {
					b.Fatal(err)
				}
				p, err := f.svc.Partner(f.ctx, pr, deepest)
				if err != nil || p.ID != deepest.ID {
					b.Fatalf("partner: %v %v", p, err)
				}
				n++
			}
			b.ReportMetric(float64(f.hasher.verifies.Load()-verifies)/float64(n), "argon2/op")
		})
	}

	// 3. Authorization overhead: the service's authorized read against the
	// bare store read of the same row, for a root-homed user.
	for _, d := range []int{1, benchDepth} {
		key := hub.PartnerKey{ID: f.spine[d-1]}
		prefix := "Authz/depth=" + strconv.Itoa(d)
		b.Run(prefix+"/service", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.svc.Partner(f.ctx, f.user, key); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(prefix+"/store", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.db.Partner(f.ctx, key); err != nil {
					b.Fatal(err)
				}
			}
		})
		// The in-memory part service adds over store (visibility by path
		// prefix, then the partners.read scope), without the database.
		p, err := f.db.Partner(f.ctx, key)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(prefix+"/check", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !f.user.SeesPath(p.Path) || f.user.RequireScope(hub.ScopePartnersRead) != nil {
					b.Fatal("not authorized")
				}
			}
		})
	}

	// Visibility of the depth-30 partner to a principal homed at depth 1
	// and at depth 30: the service check (scope + one indexed lookup)
	// against the store's InSubtree query it wraps.
	for _, d := range []int{1, benchDepth} {
		home, err := f.db.Partner(f.ctx, hub.PartnerKey{ID: f.spine[d-1]})
		if err != nil {
			b.Fatal(err)
		}
		pr := hub.SystemPrincipal(home, "bench")
		prefix := "Visible/home=depth" + strconv.Itoa(d)
		b.Run(prefix+"/IsVisible", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if ok, err := f.svc.IsVisible(f.ctx, pr, deepest.ID); err != nil || !ok {
					b.Fatalf("IsVisible: %v %v", ok, err)
				}
			}
		})
		b.Run(prefix+"/InSubtree", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if ok, err := f.db.InSubtree(f.ctx, deepest.ID, home.Path); err != nil || !ok {
					b.Fatalf("InSubtree: %v %v", ok, err)
				}
			}
		})
	}
}
