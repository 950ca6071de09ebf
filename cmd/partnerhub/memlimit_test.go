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
	limit, derived := applyMemoryLimit(env(""), 32<<20, true)
	if want := int64(baseMemoryLimit + 48<<20); !derived || limit != want || debug.SetMemoryLimit(-1) != want {
		t.Fatalf("cache of 32 MiB: limit %d (derived %v, runtime %d), want %d", limit, derived, debug.SetMemoryLimit(-1), want)
	}
	if limit, _ := applyMemoryLimit(env(""), 32<<20, false); limit != baseMemoryLimit {
		t.Fatalf("cache off: limit %d, want %d", limit, baseMemoryLimit)
	}
	debug.SetMemoryLimit(1 << 30) // as the runtime would from GOMEMLIMIT=1GiB
	if limit, derived := applyMemoryLimit(env("1GiB"), 32<<20, true); derived || limit != 1<<30 || debug.SetMemoryLimit(-1) != 1<<30 {
		t.Fatalf("GOMEMLIMIT set: limit %d (derived %v), want the runtime's 1 GiB untouched", limit, derived)
	}
}
