package loadtest

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

func TestProcFieldsReadsKilobyteLines(t *testing.T) {
	got := procFields([]byte("Name:\tserve\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\nThreads:\t7\nPss_Anon:   10 kB\n"))
	want := map[string]int64{"VmHWM": 2 << 20, "VmRSS": 1 << 20, "Pss_Anon": 10 << 10}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d", k, got[k], v)
		}
	}
}

func TestReadMemoryOfThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	m, err := readMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS <= 0 || m.PeakRSS < m.RSS || m.PssAnon <= 0 || m.PssFile <= 0 {
		t.Errorf("implausible figures %+v", m)
	}
}

func TestLogBufferKeepsHeadAndTail(t *testing.T) {
	l := &logBuffer{limit: 4}
	for _, s := range []string{"ab", "cdef", "ghij", "klmnop", "qr"} {
		if n, _ := l.Write([]byte(s)); n != len(s) {
			t.Fatalf("Write(%q) = %d", s, n)
		}
	}
	got := l.String()
	if !strings.HasPrefix(got, "abcd\n") || !strings.HasSuffix(got, "\nopqr") || !strings.Contains(got, "10 bytes of log left out") {
		t.Errorf("got %q", got)
	}
	short := &logBuffer{limit: 4}
	_, _ = short.Write([]byte("abcdef"))
	if got := short.String(); got != "abcdef" {
		t.Errorf("got %q, want all of it", got)
	}
}
