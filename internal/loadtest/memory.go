package loadtest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// Memory is a process's memory as Linux counts it, in bytes; zero where
// /proc does not tell (another OS, an old kernel).
type Memory struct {
	RSS     int64 `json:"rss"`      // VmRSS of /proc/PID/status: resident now
	PeakRSS int64 `json:"peak_rss"` // VmHWM: the most resident so far
	// Proportional set sizes from /proc/PID/smaps_rollup: anonymous memory
	// (heap, stacks) and file-backed pages (the binary, a SQLite file's
	// memory maps), each shared page divided among the processes mapping it.
	PssAnon int64 `json:"pss_anon"`
	PssFile int64 `json:"pss_file"`
}

// readMemory reads a process's memory figures.
func readMemory(pid int) (Memory, error) {
	var m Memory
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m, err
	}
	kb := procFields(status)
	m.RSS, m.PeakRSS = kb["VmRSS"], kb["VmHWM"]
	if rollup, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid)); err == nil {
		kb := procFields(rollup)
		m.PssAnon, m.PssFile = kb["Pss_Anon"], kb["Pss_File"]
	}
	return m, nil
}

// procFields reads "Name:   1234 kB" lines into bytes by name; lines of
// another shape are skipped.
func procFields(b []byte) map[string]int64 {
	out := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, rest, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok {
			continue
		}
		fields := bytes.Fields(rest)
		if len(fields) != 2 || string(fields[1]) != "kB" {
			continue
		}
		if n, err := strconv.ParseInt(string(fields[0]), 10, 64); err == nil {
			out[string(name)] = n << 10
		}
	}
	return out
}
