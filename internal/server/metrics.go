package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// durationBuckets are the upper bounds (seconds) of the request duration
// histogram; +Inf is implicit. Read-only.
var durationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// seriesKey identifies one method+route+status series. All three are
// bounded sets (see methodLabel, routeLabel and statusLabel), so the map
// of series cannot grow without limit.
type seriesKey struct {
	method, route string
	status        int
}

// series are the two metrics one request updates.
type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// metrics are the HTTP metrics of one server, registered on its registry:
// a request counter by method, route pattern and status, and a duration
// histogram by method and route. Status codes are recorded as sent:
// nothing here groups them into classes, so a 499 (the client went away)
// is never counted as a server error.
//
// Looking up a labelled child through the vectors costs a hash and an
// allocation per request; the series a server has seen are therefore kept
// in a map of their own, so the steady state allocates nothing.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	mu     sync.RWMutex
	series map[seriesKey]series
}

// newMetrics creates the HTTP metrics and registers them on reg.
func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnerhub_http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status code (0: aborted before a status was sent).",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "partnerhub_http_request_duration_seconds",
			Help:    "HTTP request duration in seconds, by method and route pattern.",
			Buckets: durationBuckets,
		}, []string{"method", "route"}),
		series: map[seriesKey]series{},
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// observe records one finished request.
func (m *metrics) observe(method, route string, status int, d time.Duration) {
	k := seriesKey{method, route, status}
	m.mu.RLock()
	s, ok := m.series[k]
	m.mu.RUnlock()
	if !ok {
		s = series{
			requests: m.requests.WithLabelValues(method, route, statusLabel(status)),
			duration: m.duration.WithLabelValues(method, route),
		}
		m.mu.Lock()
		m.series[k] = s
		m.mu.Unlock()
	}
	s.requests.Inc()
	s.duration.Observe(d.Seconds())
}

// statusLabel is the status label: the code in decimal.
func statusLabel(status int) string { return strconv.Itoa(status) }

// methodLabel maps a request method to a metric label. Methods are client
// controlled, so anything but the standard ones collapses to "other" to
// keep cardinality bounded. Returning the constants also keeps map keys
// from pinning request memory.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet:
		return http.MethodGet
	case http.MethodHead:
		return http.MethodHead
	case http.MethodPost:
		return http.MethodPost
	case http.MethodPut:
		return http.MethodPut
	case http.MethodPatch:
		return http.MethodPatch
	case http.MethodDelete:
		return http.MethodDelete
	case http.MethodOptions:
		return http.MethodOptions
	case http.MethodConnect:
		return http.MethodConnect
	case http.MethodTrace:
		return http.MethodTrace
	}
	return "other"
}

// registerProcessMetrics registers what the server reports about the
// program itself: the build info, and the Go runtime and process
// collectors.
func registerProcessMetrics(reg prometheus.Registerer, version string) {
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "partnerhub_build_info",
		Help:        "Build information; the value is always 1.",
		ConstLabels: prometheus.Labels{"version": version},
	})
	build.Set(1)
	reg.MustRegister(build, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}

// handleMetrics serves the Prometheus exposition of reg, in the format the
// scraper asks for (the text format by default). A collector that fails
// is logged and left out; the others are still served.
func handleMetrics(reg prometheus.Gatherer, log *slog.Logger) http.Handler {
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, ErrorLog: promLogger{log}})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// promLogger gives promhttp the server's logger.
type promLogger struct{ log *slog.Logger }

// Println implements promhttp.Logger.
func (l promLogger) Println(v ...any) { l.log.Warn("metrics: " + fmt.Sprint(v...)) }
