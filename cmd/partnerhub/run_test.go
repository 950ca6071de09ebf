package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestRunServe starts the real program through run, polls /readyz until the
// database is migrated and reachable, checks the operational endpoints and
// shuts it down through its context.
func TestRunServe(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	env := map[string]string{
		"PARTNERHUB_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "e2e.db"),
		"PARTNERHUB_LOG_FORMAT":   "json",
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--listen", addr}, func(k string) string { return env[k] }, &stdout, &stderr)
	}()
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				var v map[string]string
				if err := json.Unmarshal(body, &v); err != nil || v["status"] != "ready" {
					t.Fatalf("readyz body %q", body)
				}
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\nstderr: %s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready in time; stderr: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, path := range []string{"/healthz", "/metrics"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		if path == "/metrics" && !strings.Contains(string(body), `partnerhub_http_requests_total{method="GET",route="GET /readyz",status="200"}`) {
			t.Fatalf("metrics lack the readyz request:\n%s", body)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
	if !strings.Contains(stderr.String(), `"msg":"listening"`) {
		t.Fatalf("no listening line in the log: %s", stderr.String())
	}
}

func TestRunCommands(t *testing.T) {
	t.Parallel()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "cmd.db")
	getenv := func(k string) string {
		if k == "PARTNERHUB_DATABASE_URL" {
			return dbURL
		}
		return ""
	}
	exec := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, getenv, &out, &errOut)
		return out.String() + errOut.String(), err
	}
	if out, err := exec("version"); err != nil || !strings.HasPrefix(out, "partnerhub ") {
		t.Fatalf("version: %q %v", out, err)
	}
	if out, err := exec("migrate", "status"); err != nil || !strings.Contains(out, "pending") {
		t.Fatalf("migrate status before up: %q %v", out, err)
	}
	if out, err := exec("migrate", "up"); err != nil || !strings.Contains(out, "applied 2 migration") {
		t.Fatalf("migrate up: %q %v", out, err)
	}
	if out, err := exec("migrate", "status"); err != nil || strings.Contains(out, "pending") || !strings.Contains(out, "applied") {
		t.Fatalf("migrate status after up: %q %v", out, err)
	}
	out, err := exec("seed", "--partners", "250", "--depth", "6", "--fanout", "4", "--clients-per-partner", "2", "--channels-per-client", "1", "--batch", "100")
	if err != nil || !strings.Contains(out, "seeded 250 partners, 500 clients, 500 channels") || !strings.Contains(out, "seed: 250/250 partners (100%)") {
		t.Fatalf("seed: %q %v", out, err)
	}
	for _, bad := range [][]string{
		{"bogus"},
		{"migrate", "sideways"},
		{"serve", "--log-format", "xml"},
		{"seed", "--depth", "99"},
		{"seed", "--partners", "0"},
		{"seed", "--partners", "10", "--depth", "2", "--fanout", "1"},
	} {
		if _, err := exec(bad...); err == nil {
			t.Fatalf("%v: accepted", bad)
		}
	}
}
