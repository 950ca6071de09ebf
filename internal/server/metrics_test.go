package server

import (
	"bufio"
	"bytes"
	"database/sql"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// scrape fetches /metrics from h and checks the document is well formed.
func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := do(h, http.MethodGet, "/metrics", nil, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	body := rec.Body.String()
	checkExposition(t, body)
	return body
}

var (
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (\S+)$`)
	typeLine   = regexp.MustCompile(`^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$`)
)

// checkExposition is a small validator for the text format: every line is
// a comment or a well-formed sample, every sample belongs to the family
// declared by the latest TYPE line, and no family is declared twice.
func checkExposition(t *testing.T, doc string) {
	t.Helper()
	if !strings.HasSuffix(doc, "\n") {
		t.Error("document does not end with a newline")
	}
	declared := map[string]bool{}
	var family, typ string
	sc := bufio.NewScanner(strings.NewReader(doc))
	for sc.Scan() {
		line := sc.Text()
		if m := typeLine.FindStringSubmatch(line); m != nil {
			if declared[m[1]] {
				t.Errorf("family %s declared twice", m[1])
			}
			declared[m[1]], family, typ = true, m[1], m[2]
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("malformed line: %q", line)
			continue
		}
		name := m[1]
		if typ == "histogram" {
			name = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
		}
		if name != family {
			t.Errorf("sample %q outside its family (current family %s)", line, family)
		}
	}
}

func TestMetricsRecordRequests(t *testing.T) {
	t.Parallel()
	h := NewHandler(Deps{})
	do(h, http.MethodGet, "/healthz", nil, nil)
	do(h, http.MethodGet, "/healthz", nil, nil)
	do(h, http.MethodGet, "/no/such/path", nil, nil)

	body := scrape(t, h)

	for _, want := range []string{
		"# TYPE partnerhub_http_requests_total counter\n",
		"# TYPE partnerhub_http_request_duration_seconds histogram\n",
		`partnerhub_http_requests_total{method="GET",route="GET /healthz",status="200"} 2` + "\n",
		`partnerhub_http_request_duration_seconds_bucket{method="GET",route="GET /healthz",le="0.0025"} `,
		`partnerhub_http_request_duration_seconds_bucket{method="GET",route="GET /healthz",le="10"} `,
		`partnerhub_http_request_duration_seconds_bucket{method="GET",route="GET /healthz",le="+Inf"} 2` + "\n",
		`partnerhub_http_request_duration_seconds_sum{method="GET",route="GET /healthz"} `,
		`partnerhub_http_request_duration_seconds_count{method="GET",route="GET /healthz"} 2` + "\n",
		// Unmatched requests are labelled as such, never by their raw path.
		`partnerhub_http_requests_total{method="GET",route="unmatched",status="404"} 1` + "\n",
		`partnerhub_http_request_duration_seconds_count{method="GET",route="unmatched"} 1` + "\n",
		`partnerhub_build_info{version="unknown"} 1` + "\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q\n%s", want, body)
		}
	}
	if strings.Contains(body, "/no/such/path") {
		t.Error("raw path leaked into a label")
	}
	if strings.Contains(body, "partnerhub_db_") {
		t.Error("db metrics present without DBStats")
	}
	// 13 finite buckets plus +Inf per series.
	if n := strings.Count(body, `_bucket{method="GET",route="GET /healthz",`); n != 14 {
		t.Errorf("%d buckets for GET /healthz, want 14", n)
	}
}

func TestMetricsHistogramIsCumulative(t *testing.T) {
	t.Parallel()
	m := newMetrics()
	m.observe("GET", "r", 200, 500*time.Microsecond) // le=0.001
	m.observe("GET", "r", 200, 20*time.Millisecond)  // le=0.025
	m.observe("GET", "r", 500, 30*time.Second)       // +Inf only

	var e exposition
	e.writeHTTP(m.snapshot())
	body := e.buf.String()

	for _, want := range []string{
		`_bucket{method="GET",route="r",le="0.001"} 1` + "\n",
		`_bucket{method="GET",route="r",le="0.01"} 1` + "\n",
		`_bucket{method="GET",route="r",le="0.025"} 2` + "\n",
		`_bucket{method="GET",route="r",le="10"} 2` + "\n",
		`_bucket{method="GET",route="r",le="+Inf"} 3` + "\n",
		`_count{method="GET",route="r"} 3` + "\n",
		`_sum{method="GET",route="r"} 30.0205` + "\n",
		`partnerhub_http_requests_total{method="GET",route="r",status="200"} 2` + "\n",
		`partnerhub_http_requests_total{method="GET",route="r",status="500"} 1` + "\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q in\n%s", want, body)
		}
	}
}

func TestMetricsUseFacePatterns(t *testing.T) {
	t.Parallel()
	// A face routing with its own ServeMux refines the route label.
	faceMux := http.NewServeMux()
	faceMux.HandleFunc("GET /core/v2/partners/{id}", func(w http.ResponseWriter, r *http.Request) {})
	h := NewHandler(Deps{Faces: []Face{{Prefix: "/core/v2", Handler: faceMux}}})

	do(h, http.MethodGet, "/core/v2/partners/4711", nil, nil)
	do(h, http.MethodGet, "/core/v2/partners/4712", nil, nil)
	do(h, http.MethodGet, "/core/v2/nothing", nil, nil)
	do(h, "BREW", "/core/v2/partners/1", nil, nil)

	body := scrape(t, h)
	for _, want := range []string{
		`partnerhub_http_requests_total{method="GET",route="GET /core/v2/partners/{id}",status="200"} 2`,
		`partnerhub_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`partnerhub_http_requests_total{method="other",route="unmatched",status="405"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q\n%s", want, body)
		}
	}
	if strings.Contains(body, "4711") || strings.Contains(body, "BREW") {
		t.Errorf("client-controlled value in labels:\n%s", body)
	}
}

func TestMetricsDBStatsAndVersion(t *testing.T) {
	t.Parallel()
	h := NewHandler(Deps{
		Version: `v1.2.3 "rc"\x`,
		DBStats: func() sql.DBStats {
			return sql.DBStats{OpenConnections: 7, InUse: 3, Idle: 4, WaitCount: 12, WaitDuration: 1500 * time.Millisecond}
		},
		CacheStats: func() (uint64, uint64) { return 41, 9 },
	})

	body := scrape(t, h)

	for _, want := range []string{
		"# TYPE partnerhub_db_open_connections gauge\npartnerhub_db_open_connections 7\n",
		"# TYPE partnerhub_db_in_use_connections gauge\npartnerhub_db_in_use_connections 3\n",
		"# TYPE partnerhub_db_idle_connections gauge\npartnerhub_db_idle_connections 4\n",
		"# TYPE partnerhub_db_wait_count_total counter\npartnerhub_db_wait_count_total 12\n",
		"# TYPE partnerhub_db_wait_duration_seconds_total counter\npartnerhub_db_wait_duration_seconds_total 1.5\n",
		"# TYPE partnerhub_read_cache_hits_total counter\npartnerhub_read_cache_hits_total 41\n",
		"# TYPE partnerhub_read_cache_misses_total counter\npartnerhub_read_cache_misses_total 9\n",
		"# TYPE partnerhub_build_info gauge\n" + `partnerhub_build_info{version="v1.2.3 \"rc\"\\x"} 1` + "\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q\n%s", want, body)
		}
	}
}

func TestLabelValueEscaping(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		`plain`:         `plain`,
		`back\slash`:    `back\\slash`,
		`say "hi"`:      `say \"hi\"`,
		"two\nlines":    `two\nlines`,
		"\\\"\n":        `\\\"\n`,
		"GET /a/{id}/x": "GET /a/{id}/x",
	}
	for in, want := range tests {
		var b bytes.Buffer
		writeLabelValue(&b, in)
		if b.String() != want {
			t.Errorf("escape(%q) = %q, want %q", in, b.String(), want)
		}
	}
}

func TestMethodLabel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"GET": "GET", "POST": "POST", "DELETE": "DELETE", "PATCH": "PATCH",
		"get": "other", "BREW": "other", "": "other",
	} {
		if got := methodLabel(in); got != want {
			t.Errorf("methodLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRouteLabelIgnoresConnect(t *testing.T) {
	t.Parallel()
	r, _ := http.NewRequest(http.MethodConnect, "/x", nil)
	r.Pattern = "/a/b/c/"
	if got := routeLabel(r); got != unmatchedRoute {
		t.Errorf("routeLabel(CONNECT) = %q, want %q", got, unmatchedRoute)
	}
}

func TestMetricsConcurrentUse(t *testing.T) {
	t.Parallel()
	h := NewHandler(Deps{})
	const workers, each = 8, 50
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				do(h, http.MethodGet, "/healthz", nil, nil)
			}
		})
	}
	wg.Add(1)
	go func() { // scrapes race with the writers
		defer wg.Done()
		for range 5 {
			if rec := do(h, http.MethodGet, "/metrics", nil, nil); rec.Code != http.StatusOK {
				t.Errorf("scrape: status %d", rec.Code)
			}
		}
	}()
	wg.Wait()

	body := scrape(t, h)
	if want := `partnerhub_http_requests_total{method="GET",route="GET /healthz",status="200"} 400`; !strings.Contains(body, want) {
		t.Errorf("metrics lack %q\n%s", want, body)
	}
}

func TestMetricsObserveDoesNotAllocate(t *testing.T) {
	m := newMetrics()
	m.observe("GET", "GET /healthz", 200, time.Millisecond) // first use creates the series
	if n := testing.AllocsPerRun(100, func() {
		m.observe("GET", "GET /healthz", 200, time.Millisecond)
	}); n != 0 {
		t.Errorf("observe allocates %v times per call, want 0", n)
	}
}

func BenchmarkHandlerHealthz(b *testing.B) {
	h := NewHandler(Deps{})
	req, _ := http.NewRequest(http.MethodGet, "/healthz", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(discardWriter{}, req)
	}
}

// discardWriter is a minimal ResponseWriter for benchmarks.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (discardWriter) WriteHeader(int)             {}
