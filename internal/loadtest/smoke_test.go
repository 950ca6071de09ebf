package loadtest_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/loadtest"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// The smoke run is the harness end to end on a small tree: the real binary
// built and served, every scenario recorded, attacked and compared with a
// baseline, at 8 and at 32 connections. It asserts correctness only — every
// answer 2xx, every answer to a recorded URL byte-equal to the recording —
// never a rate or a latency.

func TestMain(m *testing.M) {
	loadtest.ServeBaselineIfAsked() // the harness re-executes this binary as its baseline
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func TestSmokeSQLite(t *testing.T) { smoke(t, loadtest.SQLite, "") }

func TestSmokePostgres(t *testing.T) {
	url := os.Getenv(testdb.PostgresURLEnv)
	if url == "" {
		t.Skipf("%s is not set: the PostgreSQL smoke run is skipped", testdb.PostgresURLEnv)
	}
	smoke(t, loadtest.Postgres, url)
}

func smoke(t *testing.T, engine, pgURL string) {
	bin := binary(t)
	for _, conns := range []int{8, 32} {
		t.Run(fmt.Sprintf("conns=%d", conns), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			cfg := loadtest.DefaultConfig()
			cfg.Engines, cfg.PostgresURL, cfg.Binary = []string{engine}, pgURL, bin
			cfg.Partners, cfg.Depth, cfg.Fanout, cfg.BigPartners = 400, 4, 5, 300 // a 156-partner branch
			cfg.Connections = []int{conns}
			cfg.Duration, cfg.Warmup = 250*time.Millisecond, 0
			cfg.RecordIDs = 1000 // every id of these trees: every answer is compared
			cfg.Log = logWriter{t}
			rep, err := loadtest.Run(ctx, cfg)
			if rep != nil {
				var table strings.Builder
				_ = rep.WriteTable(&table)
				t.Log("\n" + table.String())
			}
			if err != nil {
				t.Fatal(err)
			}
			checkSmoke(t, rep, engine)
		})
	}
}

func checkSmoke(t *testing.T, rep *loadtest.Report, engine string) {
	t.Helper()
	scenarios := loadtest.Scenarios()
	if len(rep.Rows) != len(scenarios) || len(rep.Skipped) != 0 {
		t.Fatalf("%d rows and %d skipped, want one row per scenario (%d)", len(rep.Rows), len(rep.Skipped), len(scenarios))
	}
	if err := rep.Problems(); err != nil {
		t.Error(err)
	}
	for i, row := range rep.Rows {
		sc := scenarios[i]
		if row.Scenario != sc.Name || row.Engine != engine {
			t.Fatalf("row %d is %s %s, want %s %s", i, row.Engine, row.Scenario, engine, sc.Name)
		}
		if row.Serve.Requests == 0 || row.Baseline.Requests == 0 {
			t.Errorf("%s: %d requests to serve, %d to the baseline", row.Scenario, row.Serve.Requests, row.Baseline.Requests)
		}
		// Without a warm-up, every request is a 200 or a counted non-2xx.
		if got := row.Serve.Status[http.StatusOK] + row.Serve.NonOK; got != row.Serve.Requests {
			t.Errorf("%s: %d answers counted of %d requests", row.Scenario, got, row.Serve.Requests)
		}
		if readOnly(sc) && row.Checked == 0 {
			t.Errorf("%s: no answer was compared with the recording", row.Scenario)
		}
		if runtime.GOOS == "linux" && (row.Memory.RSS == 0 || row.Memory.PssAnon == 0) {
			t.Errorf("%s: serve's memory not read: %+v", row.Scenario, row.Memory)
		}
	}
}

func readOnly(sc loadtest.Scenario) bool {
	for _, r := range sc.Requests {
		if r.Method != http.MethodGet {
			return false
		}
	}
	return true
}

// binary builds cmd/partnerhub once for every smoke run of this process.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "partnerhub-load-test-"); binErr != nil {
			return
		}
		binPath, binErr = loadtest.BuildPartnerhub(context.Background(), binDir)
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
