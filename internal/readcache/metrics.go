package readcache

import "github.com/prometheus/client_golang/prometheus"

// RegisterMetrics registers the cache's hit and miss counters on reg (the
// server's registry); they are read from Stats on every scrape.
func (c *Store) RegisterMetrics(reg prometheus.Registerer) error {
	hits := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "partnerhub_read_cache_hits_total",
		Help: "Reads answered by the read cache.",
	}, func() float64 { h, _ := c.Stats(); return float64(h) })
	misses := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "partnerhub_read_cache_misses_total",
		Help: "Cacheable reads that went to the database.",
	}, func() float64 { _, m := c.Stats(); return float64(m) })
	if err := reg.Register(hits); err != nil {
		return err
	}
	return reg.Register(misses)
}
