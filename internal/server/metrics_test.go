package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape fetches /metrics from h, checks that the document parses as the
// Prometheus text format, and returns it.
func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := do(h, http.MethodGet, "/metrics", nil, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4; charset=utf-8") {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q", cc)
	}
	body := rec.Body.String()
	p := expfmt.NewTextParser(model.LegacyValidation)
	if _, err := p.TextToMetricFamilies(strings.NewReader(body)); err != nil {
		t.Fatalf("exposition does not parse: %v\n%s", err, body)
	}
	return body
}

func wantAll(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q\n%s", want, body)
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

	wantAll(t, body,
		"# HELP partnerhub_http_requests_total HTTP requests served, by method, route pattern and status code (0: aborted before a status was sent).\n",
		"# TYPE partnerhub_http_requests_total counter\n",
		"# HELP partnerhub_http_request_duration_seconds HTTP request duration in seconds, by method and route pattern.\n",
		"# TYPE partnerhub_http_request_duration_seconds histogram\n",
		`partnerhub_http_requests_total{method="GET",route="GET /healthz",status="200"} 2`+"\n",
		`partnerhub_http_request_duration_seconds_bucket{method="GET",route="GET /healthz",le="0.0025"} `,
		`partnerhub_http_request_duration_seconds_bucket{method="GET",route="GET /healthz",le="10"} `,
		`partnerhub_http_request_duration_seconds_bucket{method="GET",route="GET /healthz",le="+Inf"} 2`+"\n",
		`partnerhub_http_request_duration_seconds_sum{method="GET",route="GET /healthz"} `,
		`partnerhub_http_request_duration_seconds_count{method="GET",route="GET /healthz"} 2`+"\n",
		// Unmatched requests are labelled as such, never by their raw path.
		`partnerhub_http_requests_total{method="GET",route="unmatched",status="404"} 1`+"\n",
		`partnerhub_http_request_duration_seconds_count{method="GET",route="unmatched"} 1`+"\n",
		"# HELP partnerhub_build_info Build information; the value is always 1.\n",
		`partnerhub_build_info{version="unknown"} 1`+"\n",
		// The Go runtime and process collectors.
		"# TYPE go_goroutines gauge\n",
		"# TYPE go_gc_duration_seconds summary\n",
		"# TYPE process_resident_memory_bytes gauge\n",
		"# TYPE process_cpu_seconds_total counter\n",
	)
	if strings.Contains(body, "/no/such/path") {
		t.Error("raw path leaked into a label")
	}
	if strings.Contains(body, "partnerhub_db_") || strings.Contains(body, "partnerhub_read_cache_") {
		t.Error("db or cache metrics present though nothing registered them")
	}
	// 13 finite buckets plus +Inf per series.
	if n := strings.Count(body, `_bucket{method="GET",route="GET /healthz",`); n != 14 {
		t.Errorf("%d buckets for GET /healthz, want 14", n)
	}
}

func TestMetricsHistogramIsCumulative(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m := newMetrics(reg)
	m.observe("GET", "r", 200, 500*time.Microsecond) // le=0.001
	m.observe("GET", "r", 200, 20*time.Millisecond)  // le=0.025
	m.observe("GET", "r", 500, 30*time.Second)       // +Inf only

	rec := do(handleMetrics(reg, slog.New(slog.DiscardHandler)), http.MethodGet, "/metrics", nil, nil)
	wantAll(t, rec.Body.String(),
		`_bucket{method="GET",route="r",le="0.001"} 1`+"\n",
		`_bucket{method="GET",route="r",le="0.01"} 1`+"\n",
		`_bucket{method="GET",route="r",le="0.025"} 2`+"\n",
		`_bucket{method="GET",route="r",le="10"} 2`+"\n",
		`_bucket{method="GET",route="r",le="+Inf"} 3`+"\n",
		`_count{method="GET",route="r"} 3`+"\n",
		`_sum{method="GET",route="r"} 30.0205`+"\n",
		`partnerhub_http_requests_total{method="GET",route="r",status="200"} 2`+"\n",
		`partnerhub_http_requests_total{method="GET",route="r",status="500"} 1`+"\n",
	)
}

// TestMetricsClientGoneIsNotAServerError: a 499 (the client went away) is
// recorded as such, in no 5xx series.
func TestMetricsClientGoneIsNotAServerError(t *testing.T) {
	t.Parallel()
	h := NewHandler(Deps{Faces: []Face{face("/t", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(499) })}})
	do(h, http.MethodGet, "/t/x", nil, nil)
	body := scrape(t, h)
	wantAll(t, body, `partnerhub_http_requests_total{method="GET",route="/t/",status="499"} 1`+"\n")
	if strings.Contains(body, `status="5`) {
		t.Errorf("a 5xx series exists:\n%s", body)
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
	wantAll(t, body,
		`partnerhub_http_requests_total{method="GET",route="GET /core/v2/partners/{id}",status="200"} 2`,
		`partnerhub_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`partnerhub_http_requests_total{method="other",route="unmatched",status="405"} 1`,
	)
	if strings.Contains(body, "4711") || strings.Contains(body, "BREW") {
		t.Errorf("client-controlled value in labels:\n%s", body)
	}
}

// TestMetricsSharedRegistryAndVersion: subsystems register their
// collectors on the registry given in Deps and /metrics exposes them with
// the server's own; the version label is escaped.
func TestMetricsSharedRegistryAndVersion(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	sub := prometheus.NewCounter(prometheus.CounterOpts{Name: "partnerhub_subsystem_things_total", Help: "Things."})
	sub.Add(41)
	reg.MustRegister(sub)
	h := NewHandler(Deps{Version: `v1.2.3 "rc"\x`, Metrics: reg})

	body := scrape(t, h)
	wantAll(t, body,
		"# TYPE partnerhub_subsystem_things_total counter\npartnerhub_subsystem_things_total 41\n",
		"# TYPE partnerhub_build_info gauge\n"+`partnerhub_build_info{version="v1.2.3 \"rc\"\\x"} 1`+"\n",
	)
	// The server's collectors went to the same registry.
	if mfs, err := reg.Gather(); err != nil || len(mfs) < 5 {
		t.Fatalf("registry holds %d families: %v", len(mfs), err)
	}
}

// TestMetricsRegistryPerHandler: handlers built without a registry each
// get their own; nothing is registered globally.
func TestMetricsRegistryPerHandler(t *testing.T) {
	t.Parallel()
	a, b := NewHandler(Deps{}), NewHandler(Deps{})
	do(a, http.MethodGet, "/healthz", nil, nil)
	if body := scrape(t, b); strings.Contains(body, `route="GET /healthz"`) {
		t.Errorf("a request to one handler counted by another:\n%s", body)
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
	m := newMetrics(prometheus.NewRegistry())
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

// brokenCollector fails every collection.
type brokenCollector struct{ desc *prometheus.Desc }

func (c brokenCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }
func (c brokenCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.NewInvalidMetric(c.desc, errors.New("source unavailable"))
}

// TestMetricsFailingCollector: a collector that fails is logged and left
// out; the rest of the exposition is still served.
func TestMetricsFailingCollector(t *testing.T) {
	t.Parallel()
	log, buf := newTestLogger()
	reg := prometheus.NewRegistry()
	reg.MustRegister(brokenCollector{prometheus.NewDesc("partnerhub_broken", "Broken.", nil, nil)})
	h := NewHandler(Deps{Logger: log, Metrics: reg})
	body := scrape(t, h)
	wantAll(t, body, "partnerhub_build_info{")
	for _, rec := range logRecords(t, buf) {
		if msg, _ := rec["msg"].(string); rec["level"] == "WARN" && strings.Contains(msg, "source unavailable") {
			return
		}
	}
	t.Fatalf("the failure was not logged:\n%s", buf.String())
}
