package dialog360_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/dialog360"
	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// The face's benchmarks run its list and get requests through the real
// handler (mux, authentication by X-API-Key, domain, database, encoding)
// over the service as `serve` runs it (read cache in front), and a
// baseline handler that writes the same recorded bytes. Compare within
// one run: baseline ns/op / face ns/op is the ratio. The load harness
// (internal/loadtest, scenarios v2-*) measures the same over real HTTP
// with many connections.

func BenchmarkFaceSQLite(b *testing.B)   { benchFace(b, testdb.SQLite(b)) }
func BenchmarkFacePostgres(b *testing.B) { benchFace(b, testdb.Postgres(b)) }

func benchFace(b *testing.B, db *store.DB) {
	ctx := context.Background()
	svc := hub.NewService(readcache.New(db, readcache.Options{TTL: time.Second}), hub.DefaultMaxDepth)
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root", Status: hub.StatusActive})
	if err != nil {
		b.Fatal(err)
	}
	sys := hub.SystemPrincipal(root, "bench")
	target, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "Target", ParentID: root.ID, Status: hub.StatusActive})
	if err != nil {
		b.Fatal(err)
	}
	// 120 requests into target from the root's clients, 20 clients of its own.
	for i := range 120 {
		c, err := svc.CreateClient(ctx, sys, &hub.Client{Name: fmt.Sprintf("mover %d", i), PartnerID: root.ID})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.CreateChangeRequest(ctx, sys, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: target.Ref}}); err != nil {
			b.Fatal(err)
		}
	}
	var first *hub.Client
	for i := range 20 {
		c, err := svc.CreateClient(ctx, sys, &hub.Client{Name: fmt.Sprintf("client %d", i), Organisation: "Org", PartnerID: target.ID,
			MetaInfo: map[string]any{"n": i}})
		if err != nil {
			b.Fatal(err)
		}
		if first == nil {
			first = c
		}
	}
	_, key, err := svc.CreateAPIKey(ctx, sys, hub.NewAPIKeyRequest{PartnerID: target.ID, Name: "bench", Scopes: hub.RolePartnerSupervisor.Scopes()})
	if err != nil {
		b.Fatal(err)
	}
	face := dialog360.New(svc, auth.NewAuthenticator(svc, auth.Config{}), slog.New(slog.DiscardHandler))
	base := "/api/v2/partners/" + target.Ref
	for _, c := range []struct{ name, path string }{
		{"requests-100", base + "/selective_partner_change_requests?limit=100"},
		{"get-client", base + "/clients/" + first.Ref},
		{"clients-page", base + "/clients?limit=100"},
	} {
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		req.Header.Set("X-API-Key", key)
		rec := httptest.NewRecorder()
		face.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", c.path, rec.Code, rec.Body)
		}
		recorded := rec.Body.Bytes()
		baseline := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(recorded)
		})
		for _, h := range []struct {
			name string
			h    http.Handler
		}{{"face", face}, {"baseline", baseline}} {
			b.Run(c.name+"/"+h.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(recorded)))
				for b.Loop() {
					w := httptest.NewRecorder()
					h.h.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatalf("%d %s", w.Code, w.Body)
					}
				}
			})
		}
	}
}
