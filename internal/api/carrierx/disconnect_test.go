package carrierx_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/server"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// stallingStore holds every partner list until the request's context
// ends, then runs it on the real database with that context, so the
// error is the driver's own answer to a canceled query.
type stallingStore struct {
	hub.Store
	entered chan struct{}
}

func (s stallingStore) ListPartners(ctx context.Context, path string, q hub.ListQuery) (hub.Page[hub.Partner], error) {
	s.entered <- struct{}{}
	<-ctx.Done()
	return s.Store.ListPartners(ctx, path, q)
}

// TestClientDisconnectIsNotAServerError sends a list request through the
// real server and drops the connection while the database is busy with
// it: the access log records 499 at INFO, nothing is logged at ERROR, and
// /metrics counts no 5xx. Before, the face answered 500 and logged an
// internal error.
func TestClientDisconnectIsNotAServerError(t *testing.T) {
	t.Parallel()
	for _, engine := range testdb.Engines {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			db := engine.Open(t)
			st := stallingStore{Store: db, entered: make(chan struct{}, 1)}
			svc := hub.NewService(st, 0)
			root, err := svc.CreateRoot(context.Background(), &hub.Partner{Name: "Root Co"})
			if err != nil {
				t.Fatal(err)
			}
			log := &syncBuffer{}
			logger := slog.New(slog.NewJSONHandler(log, nil))
			srv := httptest.NewUnstartedServer(nil)
			face := carrierx.New(svc, fakeAuthn{db}, logger, carrierx.WithBaseURL(httpapi.ListenBaseURL(srv.Listener.Addr().String())))
			srv.Config.Handler = server.NewHandler(server.Deps{Logger: logger, Faces: []server.Face{{Prefix: carrierx.Prefix, Handler: face}}})
			srv.Start()
			t.Cleanup(srv.Close)

			ctx, cancel := context.WithCancel(context.Background())
			rq, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/core/v2/partners", nil)
			rq.Header.Set("Authorization", "Bearer "+token(root))
			done := make(chan error, 1)
			go func() {
				resp, err := srv.Client().Do(rq)
				if err == nil {
					resp.Body.Close()
				}
				done <- err
			}()
			select {
			case <-st.entered:
			case <-time.After(10 * time.Second):
				t.Fatal("the list never reached the store")
			}
			cancel() // the client goes away mid-query
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("client: %v", err)
			}

			accessLine := regexp.MustCompile(`"level":"INFO","msg":"http request".*"path":"/core/v2/partners","status":499`)
			deadline := time.Now().Add(10 * time.Second)
			for !accessLine.MatchString(log.String()) {
				if time.Now().After(deadline) {
					t.Fatalf("no 499 in the access log:\n%s", log.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			if strings.Contains(log.String(), `"level":"ERROR"`) {
				t.Errorf("a disconnect was logged as an error:\n%s", log.String())
			}
			resp, err := http.Get(srv.URL + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			metrics := string(body)
			if !strings.Contains(metrics, `route="GET /core/v2/partners",status="499"`) {
				t.Errorf("/metrics lacks the 499:\n%s", metrics)
			}
			if m := regexp.MustCompile(`partnerhub_http_requests_total\{[^}]*status="5\d\d"`).FindString(metrics); m != "" {
				t.Errorf("/metrics counts a server error: %s", m)
			}
		})
	}
}
