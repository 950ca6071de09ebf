package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestServeMemoryLimitFollowsTheCacheUnlessGOMEMLIMIT(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	debug.SetMemoryLimit(math.MaxInt64)

	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "GOMEMLIMIT" {
				return v
			}
			return ""
		}
	}
	limit, derived := applyMemoryLimit(env(""), 32<<20)
	if want := int64(baseMemoryLimit + 48<<20); !derived || limit != want || debug.SetMemoryLimit(-1) != want {
		t.Fatalf("cache of 32 MiB: limit %d (derived %v, runtime %d), want %d", limit, derived, debug.SetMemoryLimit(-1), want)
	}
	if limit, _ := applyMemoryLimit(env(""), 8<<20); limit != baseMemoryLimit+12<<20 {
		t.Fatalf("cache of 8 MiB: limit %d, want %d", limit, baseMemoryLimit+12<<20)
	}
	debug.SetMemoryLimit(1 << 30) // as the runtime would from GOMEMLIMIT=1GiB
	if limit, derived := applyMemoryLimit(env("1GiB"), 32<<20); derived || limit != 1<<30 || debug.SetMemoryLimit(-1) != 1<<30 {
		t.Fatalf("GOMEMLIMIT set: limit %d (derived %v), want the runtime's 1 GiB untouched", limit, derived)
	}
}

func TestServeGCPercentUnlessGOGC(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)

	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "GOGC" {
				return v
			}
			return ""
		}
	}
	if pct, set := applyGCPercent(env("")); !set || pct != serveGCPercent || debug.SetGCPercent(serveGCPercent) != serveGCPercent {
		t.Fatalf("GOGC unset: %d (set %v), want %d in force", pct, set, serveGCPercent)
	}
	debug.SetGCPercent(150) // as the runtime would from GOGC=150
	if pct, set := applyGCPercent(env("150")); set || pct != 150 || debug.SetGCPercent(150) != 150 {
		t.Fatalf("GOGC=150: %d (set %v), want the runtime's 150 untouched", pct, set)
	}
}
