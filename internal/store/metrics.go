package store

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus"
)

// RegisterMetrics registers the connection pool's metrics on reg (the
// server's registry): gauges of open, in-use and idle connections and
// counters of waits for a connection, sampled from Stats on every scrape.
func (db *DB) RegisterMetrics(reg prometheus.Registerer) error {
	return reg.Register(poolCollector{stats: db.Stats})
}

var (
	poolOpen     = prometheus.NewDesc("partnerhub_db_open_connections", "Established database connections, in use and idle.", nil, nil)
	poolInUse    = prometheus.NewDesc("partnerhub_db_in_use_connections", "Database connections currently in use.", nil, nil)
	poolIdle     = prometheus.NewDesc("partnerhub_db_idle_connections", "Idle database connections.", nil, nil)
	poolWaits    = prometheus.NewDesc("partnerhub_db_wait_count_total", "Times a caller waited for a database connection.", nil, nil)
	poolWaitTime = prometheus.NewDesc("partnerhub_db_wait_duration_seconds_total", "Total time spent waiting for a database connection, in seconds.", nil, nil)
)

// poolCollector exports one sql.DBStats sample per scrape, so the five
// values are consistent with each other.
type poolCollector struct{ stats func() sql.DBStats }

// Describe implements prometheus.Collector.
func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolOpen, poolInUse, poolIdle, poolWaits, poolWaitTime} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.stats()
	ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(st.OpenConnections))
	ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(st.InUse))
	ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(st.Idle))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(st.WaitCount))
	ch <- prometheus.MustNewConstMetric(poolWaitTime, prometheus.CounterValue, st.WaitDuration.Seconds())
}
