package main

import (
	"math"
	"runtime/debug"
)

// Memory-limit derivation of serve: the Go heap's soft limit is the read
// cache's byte budget and half again (its estimate leaves out allocator
// slack and the collector's headroom), plus baseMemoryLimit for
// everything else a request holds (connections' buffers, pages being
// encoded) and the /core/v2 face's memo of encoded partners (at most
// 4 MiB). The collector then works harder as the heap nears the limit
// rather than let it grow to twice the live data (GOGC=100), which with a
// full cache is most of serve's anonymous memory. With the cache off the
// limit is the same: the budget the operator gave the cache is then room
// for the requests' garbage (at 32 MiB rather than 80, the collector ran
// so often that an uncached page was 6-13 % slower under wrk). It is a
// soft limit: a heap whose live data exceeds it grows past it.
const baseMemoryLimit = 32 << 20

// serveMemoryLimit returns the soft memory limit serve derives from the
// read cache's byte budget (cacheBytes), whether the cache is on or off.
func serveMemoryLimit(cacheBytes int64) int64 {
	return baseMemoryLimit + cacheBytes + cacheBytes/2
}

// applyMemoryLimit sets the runtime's soft memory limit to
// serveMemoryLimit unless the GOMEMLIMIT environment variable (which the
// runtime reads itself) sets one; it returns the limit in force and
// whether it was derived here.
func applyMemoryLimit(getenv func(string) string, cacheBytes int64) (int64, bool) {
	if getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1), false
	}
	limit := serveMemoryLimit(cacheBytes)
	if limit <= 0 || limit > math.MaxInt64/2 {
		return debug.SetMemoryLimit(-1), false
	}
	debug.SetMemoryLimit(limit)
	return limit, true
}

// serveGCPercent is the GOGC serve runs with unless the GOGC environment
// variable sets one. Below the soft memory limit, GOGC decides how far the
// heap grows past its live data before the next collection; a request's
// garbage (rows scanned, pages encoded) dwarfs the few MiB a server
// without a full cache keeps live, so at the runtime's 100 the collector
// ran some 50 times a second under load and took a tenth of the CPU. At
// 400 it runs a quarter as often; the soft limit still bounds the heap
// (as it nears the limit, the collector runs as often as needed), so the
// memory a process may use is unchanged.
const serveGCPercent = 400

// applyGCPercent sets the collector's target percentage to serveGCPercent
// unless the GOGC environment variable (which the runtime reads itself)
// sets one; it returns the percentage in force and whether it was set here.
func applyGCPercent(getenv func(string) string) (int, bool) {
	if getenv("GOGC") != "" {
		current := debug.SetGCPercent(100)
		debug.SetGCPercent(current)
		return current, false
	}
	debug.SetGCPercent(serveGCPercent)
	return serveGCPercent, true
}
