package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/store"
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
// database is migrated and reachable, checks the operational endpoints, that
// the empty database was bootstrapped and that the /core/v2 face accepts the
// admin's password (Basic) and key (Bearer), and shuts it down through its
// context. The password and key appear once on stderr and never in the
// structured log.
//
// A password chosen through PARTNERHUB_ADMIN_PASSWORD is never printed
// (stderr also carries the log); a generated one is, once. The first run
// sets PARTNERHUB_PUBLIC_URL (and the removed PARTNERHUB_TRUST_PROXY_HEADERS,
// which is then accepted and ignored); the second builds its links on the
// listen address. Neither follows the Host or X-Forwarded-Proto headers.
func TestRunServe(t *testing.T) {
	t.Parallel()
	t.Run("chosen password", func(t *testing.T) {
		t.Parallel()
		testRunServe(t, "serve-test password 1")
	})
	t.Run("generated password", func(t *testing.T) {
		t.Parallel()
		testRunServe(t, "")
	})
}

var generatedPasswordRE = regexp.MustCompile(`(?m)^  password: ([0-9A-Za-z]{24})$`)

func testRunServe(t *testing.T, chosenPassword string) {
	addr := freeAddr(t)
	env := map[string]string{
		"PARTNERHUB_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "e2e.db"),
		"PARTNERHUB_LOG_FORMAT":   "json",
		"PARTNERHUB_RATE_LIMIT":   "3",
		adminPasswordEnv:          chosenPassword,
	}
	linkBase := "http://" + addr
	if chosenPassword != "" {
		linkBase = "https://api.example.com/ph"
		env["PARTNERHUB_PUBLIC_URL"] = linkBase + "/"
		env["PARTNERHUB_TRUST_PROXY_HEADERS"] = "true"
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
		if path != "/metrics" {
			continue
		}
		// Every subsystem's collectors on the one registry.
		for _, want := range []string{
			`partnerhub_http_requests_total{method="GET",route="GET /readyz",status="200"}`,
			"\npartnerhub_db_open_connections ",
			"\npartnerhub_read_cache_hits_total ",
			"\npartnerhub_build_info{",
			"\ngo_goroutines ",
			"\nprocess_resident_memory_bytes ",
		} {
			if !strings.Contains(string(body), want) {
				t.Fatalf("metrics lack %q:\n%s", want, body)
			}
		}
	}
	key := keyRE.FindString(stderr.String())
	if n := strings.Count(stderr.String(), key); n != 1 || key == "" {
		t.Fatalf("stderr shows the key %q %d times:\n%s", key, n, stderr.String())
	}
	adminPassword := chosenPassword
	if chosenPassword != "" {
		if n := strings.Count(stderr.String(), chosenPassword); n != 0 {
			t.Fatalf("stderr shows the chosen password %d times:\n%s", n, stderr.String())
		}
		if !strings.Contains(stderr.String(), "  password: (the one set in PARTNERHUB_ADMIN_PASSWORD)\n") {
			t.Fatalf("stderr lacks the chosen-password line:\n%s", stderr.String())
		}
	} else {
		m := generatedPasswordRE.FindStringSubmatch(stderr.String())
		if m == nil {
			t.Fatalf("stderr lacks the generated password:\n%s", stderr.String())
		}
		adminPassword = m[1]
		if n := strings.Count(stderr.String(), adminPassword); n != 1 {
			t.Fatalf("stderr shows the generated password %d times:\n%s", n, stderr.String())
		}
	}
	checkCoreV2(t, base, adminPassword, key)
	checkAPIv1(t, base, adminPassword)
	checkLinkBase(t, base, key, linkBase)
	checkFailuresStored(t, env["PARTNERHUB_DATABASE_URL"])
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
	checkLogSecrets(t, stderr.String(), adminPassword, key)
	checkRequestIDs(t, stderr.String())
}

// checkFailuresStored checks that the wrong Basic password of checkCoreV2
// was counted in the database, where replicas share it (one row per
// subject: the username from the IP, the username, the IP).
// The key of those subjects was created in the database at start.
func checkFailuresStored(t *testing.T, url string) {
	t.Helper()
	db, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, failures, keys int
	if err := db.WriteSQL(context.Background(), func(tx *sql.Tx) error {
		if err := tx.QueryRow(`SELECT count(*) FROM login_subject_key`).Scan(&keys); err != nil {
			return err
		}
		return tx.QueryRow(`SELECT count(*), coalesce(sum(failures), 0) FROM login_failures`).Scan(&rows, &failures)
	}); err != nil {
		t.Fatal(err)
	}
	if rows != 3 || failures != 3 || keys != 1 {
		t.Fatalf("login_failures holds %d rows, %d failures; login_subject_key %d rows; want 3, 3 and 1", rows, failures, keys)
	}
}

// checkRequestIDs checks that every access log line carries a request id.
func checkRequestIDs(t *testing.T, stderr string) {
	t.Helper()
	n := 0
	for line := range strings.Lines(stderr) {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil || rec["msg"] != "http request" {
			continue
		}
		n++
		if id, _ := rec["request_id"].(string); id == "" {
			t.Fatalf("access log line without request_id: %s", line)
		}
	}
	if n == 0 {
		t.Fatal("no access log lines")
	}
}

// checkLinkBase checks that a pagination link starts with want (the
// public URL, or the listen address) when the request claims another host
// and scheme through Host and X-Forwarded-Proto.
func checkLinkBase(t *testing.T, base, key, want string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/core/v2/partners?limit=1&offset=1", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Host = "evil.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		Pagination map[string]string `json:"pagination"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if prev := v.Pagination["previous"]; prev != want+"/core/v2/partners?limit=1&offset=0" {
		t.Fatalf("previous link %q, want it on %s", prev, want)
	}
}

var keyRE = regexp.MustCompile(`phk_[A-Za-z0-9]+_[A-Za-z0-9]+`)

// checkCoreV2 lists partners through /core/v2 with each credential the
// face accepts, and checks that bad or missing ones are refused.
func checkCoreV2(t *testing.T, base, password, key string) {
	t.Helper()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:"+password))
	wrong := "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:not the password"))
	for _, tc := range []struct {
		authz string
		want  int
	}{
		{basic, http.StatusOK},
		{"Bearer " + key, http.StatusOK},
		{"", http.StatusUnauthorized},
		{wrong, http.StatusUnauthorized},
		{"Bearer phk_AAAAAAAA_notakey", http.StatusUnauthorized},
	} {
		req, _ := http.NewRequest("GET", base+"/core/v2/partners", nil)
		if tc.authz != "" {
			req.Header.Set("Authorization", tc.authz)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Fatalf("%.12s: %d %s", tc.authz, resp.StatusCode, body)
		}
		if tc.want != http.StatusOK {
			continue
		}
		var list struct {
			Total int64
			Items []struct {
				CompanyName string `json:"company_name"`
				ParentSID   any    `json:"parent_sid"`
			}
		}
		if err := json.Unmarshal(body, &list); err != nil || list.Total != 1 || len(list.Items) != 1 || list.Items[0].CompanyName != "Root" {
			t.Fatalf("%.12s: list %s (%v)", tc.authz, body, err)
		}
	}
}

// checkAPIv1 lists partners through /api/v1 with the admin's password:
// the face is mounted with the budget of PARTNERHUB_RATE_LIMIT (3 an
// hour), so the fourth request is a 429.
func checkAPIv1(t *testing.T, base, password string) {
	t.Helper()
	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusOK, http.StatusTooManyRequests} {
		req, _ := http.NewRequest("GET", base+"/api/v1/partners", nil)
		req.SetBasicAuth("admin", password)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || resp.Header.Get("X-RateLimit-Limit") != "3" || resp.Header.Get("X-RateLimit-Remaining") != strconv.Itoa(max(2-i, 0)) {
			t.Fatalf("/api/v1 request %d: %d %v %s", i, resp.StatusCode, resp.Header, body)
		}
		if want == http.StatusOK && !strings.Contains(string(body), `"name":"Root"`) {
			t.Fatalf("/api/v1 list: %s", body)
		}
	}
}

// checkLogSecrets fails if any structured log line carries a secret, or if
// no structured line was written at all.
func checkLogSecrets(t *testing.T, stderr string, secrets ...string) {
	t.Helper()
	lines := 0
	for line := range strings.Lines(stderr) {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		lines++
		if !json.Valid([]byte(line)) {
			t.Fatalf("malformed log line %q", line)
		}
		for _, s := range secrets {
			if strings.Contains(line, s) {
				t.Fatalf("log line carries a secret: %s", line)
			}
		}
	}
	if lines == 0 {
		t.Fatal("no structured log lines")
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
	if out, err := exec("migrate", "up"); err != nil || !regexp.MustCompile(`applied [1-9][0-9]* migration`).MatchString(out) {
		t.Fatalf("migrate up: %q %v", out, err)
	}
	// The state column, not a name (River's migration 4 is "pending and more").
	if out, err := exec("migrate", "status"); err != nil || regexp.MustCompile(`(?m)^\d+\s+pending\s`).MatchString(out) || !strings.Contains(out, "applied") {
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
		{"serve", "--trust-proxy-headers=maybe"},
		{"serve", "--trust-proxy-headers"}, // removed: without --public-url it says what to set instead
		{"serve", "--public-url", "api.example.com"},
		{"serve", "--public-url", "ftp://api.example.com"},
		{"serve", "--public-url", "https://api.example.com/?q=1"},
		{"serve", "--cache-ttl", "-1s"},
		{"serve", "--cache-ttl", "2m"},
		{"serve", "--cache-ttl", "soon"},
		{"seed", "--depth", "99"},
		{"seed", "--partners", "0"},
		{"seed", "--partners", "10", "--depth", "2", "--fanout", "1"},
	} {
		if _, err := exec(bad...); err == nil {
			t.Fatalf("%v: accepted", bad)
		}
	}
}
