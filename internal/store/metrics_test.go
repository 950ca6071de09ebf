package store

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestPoolMetrics: the pool collector exports one DBStats sample under
// the metric names, help texts and types partnerhub has always used.
func TestPoolMetrics(t *testing.T) {
	t.Parallel()
	c := poolCollector{stats: func() sql.DBStats {
		return sql.DBStats{OpenConnections: 7, InUse: 3, Idle: 4, WaitCount: 12, WaitDuration: 1500 * time.Millisecond}
	}}
	want := `# HELP partnerhub_db_idle_connections Idle database connections.
# TYPE partnerhub_db_idle_connections gauge
partnerhub_db_idle_connections 4
# HELP partnerhub_db_in_use_connections Database connections currently in use.
# TYPE partnerhub_db_in_use_connections gauge
partnerhub_db_in_use_connections 3
# HELP partnerhub_db_open_connections Established database connections, in use and idle.
# TYPE partnerhub_db_open_connections gauge
partnerhub_db_open_connections 7
# HELP partnerhub_db_wait_count_total Times a caller waited for a database connection.
# TYPE partnerhub_db_wait_count_total counter
partnerhub_db_wait_count_total 12
# HELP partnerhub_db_wait_duration_seconds_total Total time spent waiting for a database connection, in seconds.
# TYPE partnerhub_db_wait_duration_seconds_total counter
partnerhub_db_wait_duration_seconds_total 1.5
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) != 0 {
		t.Fatalf("lint: %v %v", problems, err)
	}
}

// TestRegisterMetrics: a real database registers its pool on a registry,
// once.
func TestRegisterMetrics(t *testing.T) {
	t.Parallel()
	db, err := Open(t.Context(), "sqlite:"+t.TempDir()+"/m.db", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	reg := prometheus.NewRegistry()
	if err := db.RegisterMetrics(reg); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndCount(reg, "partnerhub_db_open_connections", "partnerhub_db_wait_count_total"); err != nil || n != 2 {
		t.Fatalf("gathered %d: %v", n, err)
	}
	if err := db.RegisterMetrics(reg); err == nil {
		t.Fatal("registered twice")
	}
}
