package auth_test

import (
	"io"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
)

// benchConns is the number of concurrent connections of BenchmarkBearerHTTP,
// as in the load test that found valid tokens answered 429.
const benchConns = 32

// BenchmarkBearerHTTP measures authenticated reads through real HTTP: 32
// concurrent connections from one IP, each sending GET /core/v2/partners/
// {sid} with one valid bearer token, through the real router (server +
// /core/v2 face, database) on each engine. Cached runs as `serve` does by
// default (read cache, --cache-ttl 1s), Uncached without it (--cache-ttl
// 0), where every check reads the database and more are in flight at
// once. Baseline is a handler on the same mux writing the same bytes with
// no authentication or database, so Bearer's x_baseline (its req/s over
// Baseline's, measured just before in the same run) is the cost of the
// service itself. non2xx counts the answers that were not 2xx; with a
// correct throttle it is 0.
//
//	go test -run '^$' -bench BenchmarkBearerHTTP -benchtime 3s ./internal/auth/
func BenchmarkBearerHTTP(b *testing.B) {
	for _, eng := range engines {
		for _, cached := range []bool{true, false} {
			name := eng.name + "/Cached"
			if !cached {
				name = eng.name + "/Uncached"
			}
			b.Run(name, func(b *testing.B) { benchBearerHTTP(b, newWorldCache(b, eng.url(b), cached, auth.Config{})) })
		}
	}
}

func benchBearerHTTP(b *testing.B, w *world) {
	s := w.sites[0]
	header := http.Header{"Authorization": {"Bearer " + w.token}}
	c := client("127.0.0.1", benchConns)
	c.Transport.(*http.Transport).MaxConnsPerHost = benchConns

	// Record the real answer for the baseline to replay.
	req, _ := http.NewRequest("GET", w.partnerURL(s), nil)
	req.Header = header
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("warm-up: %d %s", resp.StatusCode, body)
	}
	s.baseline.Store(&answerBytes{contentType: resp.Header.Get("Content-Type"), body: body})

	var baseline float64
	for _, tc := range []struct{ name, url string }{
		{"Baseline", s.srv.URL + "/baseline/x"},
		{"Bearer", w.partnerURL(s)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var non2xx atomic.Int64
			b.SetParallelism((benchConns + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest("GET", tc.url, nil)
					req.Header = header
					resp, err := c.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode/100 != 2 {
						non2xx.Add(1)
					}
				}
			})
			rate := float64(b.N) / time.Since(start).Seconds()
			b.ReportMetric(rate, "req/s")
			b.ReportMetric(float64(non2xx.Load()), "non2xx")
			b.ReportMetric(float64(non2xx.Load())/float64(b.N), "non2xx/op")
			if tc.name == "Baseline" {
				baseline = rate
			} else if baseline > 0 {
				b.ReportMetric(rate/baseline, "x_baseline")
			}
		})
	}
}
