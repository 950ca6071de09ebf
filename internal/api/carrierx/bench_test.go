package carrierx_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/seed"
	"github.com/partnerhub/partnerhub/internal/server"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// The face's benchmarks run requests through the real handler (middleware,
// mux, authentication, domain, database, encoding) and, on the same mux, a
// baseline route that writes the same bytes from memory. Compare the ns/op
// figures of one run: baseline / face is the ratio to report. "face" is
// the service as `partnerhub serve` runs it, with the read cache (1s TTL)
// in front of the store; "face-uncached" goes to the database for every
// read.

func BenchmarkFaceSQLite(b *testing.B)   { benchFace(b, testdb.SQLite(b)) }
func BenchmarkFacePostgres(b *testing.B) { benchFace(b, testdb.Postgres(b)) }

func benchFace(b *testing.B, db *store.DB) {
	ctx := context.Background()
	svc := hub.NewService(db, hub.DefaultMaxDepth)
	res, err := seed.Run(ctx, db, svc, seed.Config{Partners: testdb.BenchPartners(b), Depth: 30, Fanout: 10}, nil)
	if err != nil {
		b.Fatal(err)
	}
	target, err := db.Partner(ctx, hub.PartnerKey{ID: res.Spine[29]})
	if err != nil {
		b.Fatal(err)
	}
	// A real user and a real Bearer token, through the real authenticator.
	svc.SetPasswordHasher(auth.Argon2id{})
	sys := hub.SystemPrincipal(res.Root, "bench")
	const password = "bench-password-1"
	if _, err := svc.CreateUser(ctx, sys, &hub.User{Username: "bench", FirstName: "Bench", LastName: "User",
		Email: "bench@example.com", Role: hub.RoleSystemAdmin, PartnerID: res.Root.ID, Active: true}, password); err != nil {
		b.Fatal(err)
	}
	issued, err := svc.IssueTokenWithPassword(ctx, "bench", password, hub.TokenRequest{TTL: hub.MaxTokenTTL})
	if err != nil {
		b.Fatal(err)
	}
	bearer := "Bearer " + issued.Access
	newFace := func(st hub.Store) http.Handler {
		svc := hub.NewService(st, hub.DefaultMaxDepth)
		svc.SetPasswordHasher(auth.Argon2id{})
		return carrierx.New(svc, auth.NewAuthenticator(svc, auth.Config{}), slog.New(slog.DiscardHandler))
	}
	cached := newFace(readcache.New(db, readcache.Options{TTL: time.Second}))
	uncached := newFace(db)

	// Record the face's answers once; the baseline serves those bytes.
	getPath := "/core/v2/partners/" + target.SID
	listPath := "/core/v2/partners?limit=100&filter=" + url.QueryEscape("country_code eq USA and attributes.tier eq gold")
	recorded := map[string][]byte{}
	for _, p := range []string{getPath, listPath} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, p, nil)
		req.Header.Set("Authorization", bearer)
		uncached.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", p, rec.Code, rec.Body)
		}
		recorded[p] = rec.Body.Bytes()
	}
	baseline := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := recorded[getPath]
		if r.URL.Query().Get("limit") != "" {
			body = recorded[listPath]
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	h := server.NewHandler(server.Deps{
		Logger: slog.New(slog.DiscardHandler),
		Faces: []server.Face{
			{Prefix: carrierx.Prefix, Handler: cached},
			{Prefix: "/uncached" + carrierx.Prefix, Handler: http.StripPrefix("/uncached", uncached)},
			{Prefix: "/baseline", Handler: baseline},
		},
	})
	run := func(path string, size int) func(*testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec := &discardRecorder{header: http.Header{}}
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Authorization", bearer)
				h.ServeHTTP(rec, req)
				if rec.status != 0 && rec.status != http.StatusOK || rec.n != size {
					b.Fatalf("GET %s: status %d, %d bytes, want %d", path, rec.status, rec.n, size)
				}
			}
		}
	}
	b.Run("GetPartner/baseline", run("/baseline"+getPath, len(recorded[getPath])))
	b.Run("GetPartner/face", run(getPath, len(recorded[getPath])))
	b.Run("GetPartner/face-uncached", run("/uncached"+getPath, len(recorded[getPath])))
	b.Run("FilteredPage100/baseline", run("/baseline"+listPath, len(recorded[listPath])))
	b.Run("FilteredPage100/face", run(listPath, len(recorded[listPath])))
	b.Run("FilteredPage100/face-uncached", run("/uncached"+listPath, len(recorded[listPath])))
}

// discardRecorder is a ResponseWriter that counts the body and keeps
// nothing, so the benchmark measures the server rather than a buffer.
type discardRecorder struct {
	header http.Header
	status int
	n      int
}

func (d *discardRecorder) Header() http.Header { return d.header }
func (d *discardRecorder) WriteHeader(code int) {
	if d.status == 0 {
		d.status = code
	}
}
func (d *discardRecorder) Write(p []byte) (int, error) {
	d.n += len(p)
	return io.Discard.Write(p)
}
