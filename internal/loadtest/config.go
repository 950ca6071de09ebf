package loadtest

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Engines the harness can seed and serve.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Config is one run of the harness.
type Config struct {
	// Engines to run, in order: SQLite and/or Postgres.
	Engines []string
	// PostgresURL names a PostgreSQL server (any database on it) on which
	// the harness creates, and afterwards drops, its own databases
	// (partnerhub_load_<pid>_<tree>). Needed for Postgres only.
	PostgresURL string

	// The main tree (Branch scenarios): `partnerhub seed --partners
	// Partners --depth Depth --fanout Fanout`. 100,000 / 30 / 10 gives a
	// largest depth-1 branch of 11,111 partners.
	Partners      int64
	Depth, Fanout int
	// BigPartners sizes the big tree of the Whole scenarios (same depth and
	// fanout); 0 skips those scenarios.
	BigPartners int64

	Scenarios   []Scenario    // nil: Scenarios()
	Connections []int         // concurrent keep-alive connections, one attack per value
	Duration    time.Duration // of each measured attack
	Warmup      time.Duration // of an unmeasured attack before each measured one (its non-2xx still count)
	Seed        uint64        // of the random id choices
	// RecordIDs bounds how many random-id URLs of a read-only scenario are
	// recorded before its attacks; the answers to those URLs during the
	// attacks are compared with the recording byte for byte.
	RecordIDs int

	Binary  string    // a built partnerhub binary; "" builds cmd/partnerhub into the work directory
	WorkDir string    // where databases, the binary and logs go; "" is a new temporary directory, removed after
	Keep    bool      // keep the PostgreSQL databases and the work directory
	Log     io.Writer // progress lines; nil discards them
}

// DefaultConfig returns the figures of issue 11's measurement.
func DefaultConfig() Config {
	return Config{
		Engines:     []string{SQLite},
		Partners:    100_000,
		Depth:       30,
		Fanout:      10,
		BigPartners: 1_000_000,
		Connections: []int{8, 32},
		Duration:    10 * time.Second,
		Warmup:      time.Second,
		Seed:        1,
		RecordIDs:   100,
	}
}

func (c *Config) validate() error {
	if len(c.Engines) == 0 {
		return errors.New("no engine to run")
	}
	for _, e := range c.Engines {
		switch e {
		case SQLite:
		case Postgres:
			if c.PostgresURL == "" {
				return errors.New("the postgres engine needs a PostgreSQL URL (-postgres-url)")
			}
		default:
			return fmt.Errorf("unknown engine %q (sqlite, postgres)", e)
		}
	}
	switch {
	case c.Partners < 1 || c.BigPartners < 0:
		return errors.New("the main tree needs at least one partner and the big tree cannot be negative")
	case c.Depth < 1 || c.Fanout < 1:
		return errors.New("depth and fanout must be positive")
	case len(c.Connections) == 0:
		return errors.New("no connection count")
	case c.Duration <= 0 || c.Warmup < 0:
		return errors.New("the duration must be positive and the warm-up not negative")
	case c.RecordIDs < 1:
		return errors.New("record at least one id")
	}
	for _, n := range c.Connections {
		if n < 1 || n > 10_000 {
			return fmt.Errorf("connections %d: want 1 to 10000", n)
		}
	}
	if c.Scenarios == nil {
		c.Scenarios = Scenarios()
	}
	names := map[string]bool{}
	for i := range c.Scenarios {
		if err := c.Scenarios[i].check(); err != nil {
			return err
		}
		if names[c.Scenarios[i].Name] {
			return fmt.Errorf("two scenarios named %s", c.Scenarios[i].Name)
		}
		names[c.Scenarios[i].Name] = true
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	return nil
}
