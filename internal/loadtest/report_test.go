package loadtest

import (
	"strings"
	"testing"
	"time"
)

func TestTableShowsEveryColumnAndMarksRunsWithNon2xx(t *testing.T) {
	rep := &Report{CPUs: 2, Duration: time.Second, Rows: []Row{
		{Engine: "sqlite", Scenario: "get-same", Cache: true, Connections: 8, Ratio: 0.5,
			Serve:    Result{Requests: 100, Rate: 5000, P50: 400 * time.Microsecond, P99: 3 * time.Millisecond},
			Baseline: Result{Requests: 200, Rate: 10000}, Memory: Memory{RSS: 30 << 20, PssAnon: 10 << 20, PssFile: 15 << 20}, Checked: 100},
		{Engine: "postgres", Scenario: "page", Connections: 32, Ratio: 0.0004,
			Serve:    Result{Requests: 10, Rate: 1.5, NonOK: 7, Status: map[int]uint64{200: 3, 429: 5, 0: 2}, P50: 2 * time.Second},
			Baseline: Result{Requests: 200, Rate: 4000}},
	}}
	var b strings.Builder
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"req/s", "baseline", "ratio", "p50", "p99", "non-2xx", "RSS MB", "anon MB", "file MB",
		"5000", "10000", "0.500x", "400µs", "3.00ms", "30.0", "10.0", "15.0",
		"1.50", "0.00040x*", "7 (429:5 0:2)", "2.00s", "* serve answered non-2xx"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	if err := rep.Problems(); err == nil || !strings.Contains(err.Error(), "postgres page conns=32: serve answered 7 non-2xx of 10 requests (429:5 0:2)") {
		t.Errorf("problems: %v", err)
	}
	b.Reset()
	if err := rep.WriteMarkdown(&b); err != nil || !strings.Contains(b.String(), "| sqlite | get-same | on | 8 | 5000 |") {
		t.Errorf("markdown (%v):\n%s", err, b.String())
	}
}
