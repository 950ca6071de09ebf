package loadtest

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// A scenario against a server that refuses some requests: every request is
// counted once, and every refusal is a non-2xx with its status.
func TestAttackCountsEveryNon2xx(t *testing.T) {
	var served, inFlight, maxInFlight atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		cur := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if cur <= m || maxInFlight.CompareAndSwap(m, cur) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		switch {
		case n%7 == 0:
			w.WriteHeader(http.StatusTooManyRequests)
		case n%11 == 0:
			w.WriteHeader(http.StatusInternalServerError)
		default:
			_, _ = io.WriteString(w, r.URL.Path)
		}
	}))
	defer srv.Close()
	sc := Scenario{Name: "s", Tree: Branch, Requests: []Request{{Method: "GET", Pattern: "GET /p/{id}", Path: "/p/{sid}"}}}
	var bodies int
	res := attack(context.Background(), newTarget(&sc, []string{"a", "b"}, "Bearer x", 1).targeter(srv.URL), 4, 300*time.Millisecond,
		func(r *vegeta.Result) {
			if r.Code == 200 && (string(r.Body) == "/p/a" || string(r.Body) == "/p/b") {
				bodies++
			}
		})
	if res.Requests == 0 || int64(res.Requests) != served.Load() {
		t.Fatalf("%d requests counted, %d served", res.Requests, served.Load())
	}
	if res.NonOK == 0 || res.NonOK != res.Status[429]+res.Status[500] || res.Status[200]+res.NonOK != res.Requests {
		t.Errorf("non-2xx %d, statuses %v", res.NonOK, res.Status)
	}
	if uint64(bodies) != res.Status[200] {
		t.Errorf("%d 200 bodies seen by check, %d 200s", bodies, res.Status[200])
	}
	if s := res.statusSummary(); !strings.Contains(s, "429:") || !strings.Contains(s, "500:") {
		t.Errorf("summary %q", s)
	}
	if m := maxInFlight.Load(); m > 4 || m < 2 {
		t.Errorf("%d requests in flight at most, want up to the 4 connections", m)
	}
	if res.Rate <= 0 || res.P50 <= 0 || res.P99 < res.P50 {
		t.Errorf("rate %f p50 %s p99 %s", res.Rate, res.P50, res.P99)
	}
}

func TestCheckerCountsBodiesUnlikeTheRecording(t *testing.T) {
	var row Row
	check := row.checker("http://h", map[string][]byte{"/p/a": []byte("A")})
	check(&vegeta.Result{Code: 200, URL: "http://h/p/a", Body: []byte("A")})
	check(&vegeta.Result{Code: 200, URL: "http://h/p/a", Body: []byte("B")})
	check(&vegeta.Result{Code: 200, URL: "http://h/p/b", Body: []byte("B")}) // not recorded
	check(&vegeta.Result{Code: 429, URL: "http://h/p/a"})                    // counted as non-2xx elsewhere
	if row.Checked != 2 || row.Mismatches != 1 || !strings.Contains(row.Mismatch, "/p/a") {
		t.Errorf("checked %d, mismatches %d (%s)", row.Checked, row.Mismatches, row.Mismatch)
	}
}

func TestBaselineServesTheRecordedAnswers(t *testing.T) {
	routes := []recorded{
		{Pattern: "GET /core/v2/partners/{partner_sid}", Status: 200, Header: http.Header{"Etag": {`"3"`}, "Content-Type": {"application/json"}}, Body: []byte(`{"a":1}`)},
		{Pattern: "PATCH /core/v2/partners/{partner_sid}", Status: 200, Body: []byte(`{"b":2}`)},
	}
	path := filepath.Join(t.TempDir(), "routes.json")
	b, _ := json.Marshal(routes)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- serveBaseline(path, stdinR, stdoutW) }()
	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + strings.TrimSpace(strings.TrimPrefix(line, "listening "))
	get := func(method, path string) (*http.Response, string) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(`{"city":"x"}`))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	if resp, body := get("GET", "/core/v2/partners/any-sid"); resp.StatusCode != 200 || body != `{"a":1}` || resp.Header.Get("ETag") != `"3"` {
		t.Errorf("GET: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp, body := get("PATCH", "/core/v2/partners/other"); resp.StatusCode != 200 || body != `{"b":2}` {
		t.Errorf("PATCH: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get("GET", "/core/v2/nothing"); resp.StatusCode != 404 {
		t.Errorf("an unrecorded path answers %d", resp.StatusCode)
	}
	stdinW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
