package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is a whole run: the machine, the configuration and one row per
// engine, scenario and connection count.
type Report struct {
	Started     time.Time     `json:"started"`
	CPUs        int           `json:"cpus"`
	GOMAXPROCS  int           `json:"gomaxprocs"`
	LoadBefore  string        `json:"load_before"` // /proc/loadavg: other work on the machine
	LoadAfter   string        `json:"load_after"`
	Partners    int64         `json:"partners"`
	BigPartners int64         `json:"big_partners"`
	Depth       int           `json:"depth"`
	Fanout      int           `json:"fanout"`
	Duration    time.Duration `json:"duration"`
	Warmup      time.Duration `json:"warmup"`
	Seed        uint64        `json:"seed"`
	Rows        []Row         `json:"rows"`
	Skipped     []string      `json:"skipped,omitempty"`
}

// Row is one scenario at one connection count on one engine.
type Row struct {
	Engine      string `json:"engine"`
	Scenario    string `json:"scenario"`
	Tree        Tree   `json:"tree"`
	Cache       bool   `json:"cache"`
	Connections int    `json:"connections"`
	Serve       Result `json:"serve"`
	Baseline    Result `json:"baseline"`
	// Ratio is serve's rate over the baseline's: 1 would be as fast as
	// writing the recorded bytes.
	Ratio float64 `json:"ratio"`
	// Memory is serve's right after its attack.
	Memory Memory `json:"memory"`
	// Checked counts the answers compared with the recording (read-only
	// scenarios), Mismatches those that differed; Mismatch shows the first.
	Checked    uint64 `json:"checked"`
	Mismatches uint64 `json:"mismatches"`
	Mismatch   string `json:"mismatch,omitempty"`
}

// WriteTable writes the report as an aligned text table.
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "partnerhub load: %d CPUs (GOMAXPROCS %d), load average %s before, %s after; main tree %d partners (depth %d, fanout %d), big tree %d; %s per attack after %s warm-up; seed %d\n",
		r.CPUs, r.GOMAXPROCS, orDash(r.LoadBefore), orDash(r.LoadAfter), r.Partners, r.Depth, r.Fanout, r.BigPartners, r.Duration, r.Warmup, r.Seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(tableHeader, "\t")+"\t")
	for _, row := range r.Rows {
		fmt.Fprintln(tw, strings.Join(row.cells(), "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	r.writeNotes(w)
	return nil
}

// WriteMarkdown writes the report as a Markdown table (for the README).
func (r *Report) WriteMarkdown(w io.Writer) error {
	fmt.Fprintf(w, "%d CPUs, load average %s before and %s after; main tree %d partners, big tree %d; %s per attack after %s warm-up\n\n",
		r.CPUs, orDash(r.LoadBefore), orDash(r.LoadAfter), r.Partners, r.BigPartners, r.Duration, r.Warmup)
	fmt.Fprintln(w, "| "+strings.Join(tableHeader, " | ")+" |")
	fmt.Fprintln(w, "|"+strings.Repeat("---|", len(tableHeader)))
	for _, row := range r.Rows {
		fmt.Fprintln(w, "| "+strings.Join(row.cells(), " | ")+" |")
	}
	fmt.Fprintln(w)
	r.writeNotes(w)
	return nil
}

var tableHeader = []string{"engine", "scenario", "cache", "conns", "req/s", "baseline", "ratio", "p50", "p99", "non-2xx", "RSS MB", "anon MB", "file MB", "checked"}

// cells are a row's table cells, in tableHeader's order.
func (row *Row) cells() []string {
	cache := "off"
	if row.Cache {
		cache = "on"
	}
	non2xx := "0"
	if row.Serve.NonOK > 0 {
		non2xx = fmt.Sprintf("%d (%s)", row.Serve.NonOK, row.Serve.statusSummary())
	}
	ratio := fmt.Sprintf("%.3fx", row.Ratio)
	if row.Ratio > 0 && row.Ratio < 0.01 {
		ratio = fmt.Sprintf("%.5fx", row.Ratio)
	}
	if row.Serve.NonOK > 0 {
		ratio += "*" // see writeNotes
	}
	checked := "-"
	if row.Checked > 0 || row.Mismatches > 0 {
		checked = fmt.Sprint(row.Checked)
		if row.Mismatches > 0 {
			checked = fmt.Sprintf("%d, %d DIFFER", row.Checked, row.Mismatches)
		}
	}
	return []string{row.Engine, row.Scenario, cache, fmt.Sprint(row.Connections),
		rate(row.Serve.Rate), rate(row.Baseline.Rate), ratio,
		latency(row.Serve.P50), latency(row.Serve.P99), non2xx,
		megabytes(row.Memory.RSS), megabytes(row.Memory.PssAnon), megabytes(row.Memory.PssFile), checked}
}

// writeNotes lists skipped scenarios and failing baselines under a table.
func (r *Report) writeNotes(w io.Writer) {
	for _, row := range r.Rows {
		if row.Serve.NonOK > 0 {
			fmt.Fprintln(w, "* serve answered non-2xx: its rate counts those answers (often quick refusals), so the ratio measures nothing")
			break
		}
	}
	for _, s := range r.Skipped {
		fmt.Fprintln(w, "skipped:", s)
	}
	for _, row := range r.Rows {
		if row.Baseline.NonOK > 0 {
			fmt.Fprintf(w, "the baseline of %s %s conns=%d answered %d non-2xx (%s)\n", row.Engine, row.Scenario, row.Connections, row.Baseline.NonOK, row.Baseline.statusSummary())
		}
	}
}

// WriteJSON writes the report as indented JSON (durations in nanoseconds,
// memory in bytes).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// rate shows three significant figures below 100 req/s, whole numbers above.
func rate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 10:
		return fmt.Sprintf("%.1f", r)
	}
	return fmt.Sprintf("%.2f", r)
}

func latency(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

func megabytes(b int64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(b)/(1<<20))
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// line is a row as one progress line.
func (row *Row) line() string {
	c := row.cells()
	s := fmt.Sprintf("%s %s conns=%d: %s req/s (baseline %s, %s), p50 %s p99 %s, non-2xx %d, RSS %s MB",
		row.Engine, row.Scenario, row.Connections, c[4], c[5], c[6],
		latency(row.Serve.P50), latency(row.Serve.P99), row.Serve.NonOK, megabytes(row.Memory.RSS))
	if row.Serve.NonOK > 0 {
		s += " (" + row.Serve.statusSummary() + ")"
	}
	return s
}
