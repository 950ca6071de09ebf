package server

import (
	"bytes"
	"cmp"
	"database/sql"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// durationBuckets are the upper bounds (seconds) of the request duration
// histogram; +Inf is implicit. Read-only.
var durationBuckets = [...]float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// seriesKey identifies one method+route pair. Both strings are bounded
// sets (see methodLabel and routeLabel), so the map cannot grow without
// limit.
type seriesKey struct{ method, route string }

// series holds everything recorded for one method+route pair.
type series struct {
	statuses map[int]uint64               // request count per status code
	buckets  [len(durationBuckets)]uint64 // per-bucket (non-cumulative) counts
	count    uint64                       // all observations, i.e. the +Inf bucket
	sum      float64                      // seconds
}

// metrics is the in-process registry of HTTP metrics. One mutex guards it:
// the critical section is a map lookup and a few increments, far cheaper
// than anything else a request does, and the steady state allocates nothing.
type metrics struct {
	mu     sync.Mutex
	series map[seriesKey]*series
}

func newMetrics() *metrics {
	return &metrics{series: make(map[seriesKey]*series)}
}

// observe records one finished request.
func (m *metrics) observe(method, route string, status int, d time.Duration) {
	secs := d.Seconds()
	b := len(durationBuckets) // index of the +Inf bucket
	for i, ub := range durationBuckets {
		if secs <= ub {
			b = i
			break
		}
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	k := seriesKey{method, route}
	s := m.series[k]
	if s == nil {
		s = &series{statuses: make(map[int]uint64, 2)}
		m.series[k] = s
	}
	s.statuses[status]++
	if b < len(durationBuckets) {
		s.buckets[b]++
	}
	s.count++
	s.sum += secs
}

// seriesSnapshot is a copy of one series taken under the lock, so the
// exposition can be formatted without holding it.
type seriesSnapshot struct {
	seriesKey
	statuses []statusCount
	buckets  [len(durationBuckets)]uint64
	count    uint64
	sum      float64
}

type statusCount struct {
	status int
	n      uint64
}

// snapshot returns all series sorted by method, then route, with statuses
// ascending, so scrapes are deterministic and diffable.
func (m *metrics) snapshot() []seriesSnapshot {
	m.mu.Lock()
	out := make([]seriesSnapshot, 0, len(m.series))
	for k, s := range m.series {
		ss := seriesSnapshot{seriesKey: k, buckets: s.buckets, count: s.count, sum: s.sum,
			statuses: make([]statusCount, 0, len(s.statuses))}
		for st, n := range s.statuses {
			ss.statuses = append(ss.statuses, statusCount{st, n})
		}
		out = append(out, ss)
	}
	m.mu.Unlock()

	slices.SortFunc(out, func(a, b seriesSnapshot) int {
		return cmp.Or(strings.Compare(a.method, b.method), strings.Compare(a.route, b.route))
	})
	for i := range out {
		slices.SortFunc(out[i].statuses, func(a, b statusCount) int { return cmp.Compare(a.status, b.status) })
	}
	return out
}

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

// expositionContentType is the Prometheus text format, version 0.0.4.
const expositionContentType = "text/plain; version=0.0.4; charset=utf-8"

// handleMetrics serves the Prometheus text exposition of m, the database
// pool statistics and the read cache counters (when their functions are
// non-nil) and the build info.
func handleMetrics(m *metrics, dbStats func() sql.DBStats, cacheStats func() (hits, misses uint64), version string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var e exposition
		e.writeHTTP(m.snapshot())
		if dbStats != nil {
			e.writeDB(dbStats())
		}
		if cacheStats != nil {
			hits, misses := cacheStats()
			e.family("partnerhub_read_cache_hits_total", "counter", "Reads answered by the read cache.")
			e.sample("partnerhub_read_cache_hits_total", "", float64(hits))
			e.family("partnerhub_read_cache_misses_total", "counter", "Cacheable reads that went to the database.")
			e.sample("partnerhub_read_cache_misses_total", "", float64(misses))
		}
		e.family("partnerhub_build_info", "gauge", "Build information; the value is always 1.")
		e.sample("partnerhub_build_info", "", 1, "version", version)

		h := w.Header()
		h.Set("Content-Type", expositionContentType)
		h.Set("Content-Length", strconv.Itoa(e.buf.Len()))
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(e.buf.Bytes())
	})
}

// exposition builds a Prometheus text-format (0.0.4) document. Each
// family's samples must follow its HELP and TYPE lines without being
// interleaved with other families.
type exposition struct {
	buf     bytes.Buffer
	scratch []byte
}

func (e *exposition) writeHTTP(snap []seriesSnapshot) {
	const reqs = "partnerhub_http_requests_total"
	e.family(reqs, "counter", "HTTP requests served, by method, route pattern and status code (0: aborted before a status was sent).")
	for _, s := range snap {
		for _, sc := range s.statuses {
			e.sample(reqs, "", float64(sc.n),
				"method", s.method, "route", s.route, "status", strconv.Itoa(sc.status))
		}
	}

	const dur = "partnerhub_http_request_duration_seconds"
	e.family(dur, "histogram", "HTTP request duration in seconds, by method and route pattern.")
	for _, s := range snap {
		var cum uint64
		for i, ub := range durationBuckets {
			cum += s.buckets[i]
			e.sample(dur, "_bucket", float64(cum),
				"method", s.method, "route", s.route, "le", formatFloat(ub))
		}
		e.sample(dur, "_bucket", float64(s.count), "method", s.method, "route", s.route, "le", "+Inf")
		e.sample(dur, "_sum", s.sum, "method", s.method, "route", s.route)
		e.sample(dur, "_count", float64(s.count), "method", s.method, "route", s.route)
	}
}

func (e *exposition) writeDB(st sql.DBStats) {
	for _, g := range []struct {
		name, typ, help string
		v               float64
	}{
		{"partnerhub_db_open_connections", "gauge", "Established database connections, in use and idle.", float64(st.OpenConnections)},
		{"partnerhub_db_in_use_connections", "gauge", "Database connections currently in use.", float64(st.InUse)},
		{"partnerhub_db_idle_connections", "gauge", "Idle database connections.", float64(st.Idle)},
		{"partnerhub_db_wait_count_total", "counter", "Times a caller waited for a database connection.", float64(st.WaitCount)},
		{"partnerhub_db_wait_duration_seconds_total", "counter", "Total time spent waiting for a database connection, in seconds.", st.WaitDuration.Seconds()},
	} {
		e.family(g.name, g.typ, g.help)
		e.sample(g.name, "", g.v)
	}
}

// family writes the HELP and TYPE lines. help must not contain a
// backslash or newline (all callers pass constants).
func (e *exposition) family(name, typ, help string) {
	e.buf.WriteString("# HELP ")
	e.buf.WriteString(name)
	e.buf.WriteByte(' ')
	e.buf.WriteString(help)
	e.buf.WriteString("\n# TYPE ")
	e.buf.WriteString(name)
	e.buf.WriteByte(' ')
	e.buf.WriteString(typ)
	e.buf.WriteByte('\n')
}

// sample writes one sample line: name+suffix, the label pairs
// (name, value, name, value, ...) and the value.
func (e *exposition) sample(name, suffix string, v float64, labels ...string) {
	e.buf.WriteString(name)
	e.buf.WriteString(suffix)
	if len(labels) > 0 {
		e.buf.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				e.buf.WriteByte(',')
			}
			e.buf.WriteString(labels[i])
			e.buf.WriteString(`="`)
			writeLabelValue(&e.buf, labels[i+1])
			e.buf.WriteByte('"')
		}
		e.buf.WriteByte('}')
	}
	e.buf.WriteByte(' ')
	e.scratch = appendFloat(e.scratch[:0], v)
	e.buf.Write(e.scratch)
	e.buf.WriteByte('\n')
}

// writeLabelValue writes v escaped as the text format requires: backslash,
// double quote and line feed become \\, \" and \n.
func writeLabelValue(b *bytes.Buffer, v string) {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
}

func appendFloat(dst []byte, v float64) []byte {
	switch {
	case math.IsInf(v, +1):
		return append(dst, "+Inf"...)
	case math.IsInf(v, -1):
		return append(dst, "-Inf"...)
	case math.IsNaN(v):
		return append(dst, "NaN"...)
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		// Counts read better as integers than in 'g' notation (1e+06).
		return strconv.AppendInt(dst, int64(v), 10)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}

func formatFloat(v float64) string { return string(appendFloat(nil, v)) }
