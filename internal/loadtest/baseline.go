package loadtest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// baselineEnv, when set in a process's environment, makes
// ServeBaselineIfAsked serve the recorded routes of the file it names.
const baselineEnv = "PARTNERHUB_LOAD_BASELINE"

// recorded is one recorded answer, served by the baseline for its pattern.
type recorded struct {
	Pattern string      `json:"pattern"`
	Status  int         `json:"status"`
	Header  http.Header `json:"header"`
	Body    []byte      `json:"body"`
}

// ServeBaselineIfAsked turns the process into a baseline server when the
// harness started it as one (it re-executes its own executable, so a
// harness program must call this first thing in main, and its tests in
// TestMain); otherwise it returns at once. A baseline server listens on a
// free local port, prints "listening ADDR" on stdout, serves the recorded
// answers until its stdin closes, then exits.
func ServeBaselineIfAsked() {
	path := os.Getenv(baselineEnv)
	if path == "" {
		return
	}
	if err := serveBaseline(path, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func serveBaseline(path string, stdin io.Reader, stdout io.Writer) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var routes []recorded
	if err := json.Unmarshal(b, &routes); err != nil {
		return err
	}
	mux := http.NewServeMux()
	for _, r := range routes {
		mux.Handle(r.Pattern, baselineHandler(r))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	fmt.Fprintln(stdout, "listening", ln.Addr())
	_, _ = io.Copy(io.Discard, stdin) // until the harness closes it
	return srv.Close()
}

// baselineHandler writes the recorded answer: the least a handler on this
// mux can do to give a client the same bytes. It reads the request body,
// as any handler of a request with one must.
func baselineHandler(r recorded) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		h := w.Header()
		for k, v := range r.Header {
			h[k] = v
		}
		w.WriteHeader(r.Status)
		_, _ = w.Write(r.Body)
	})
}

// baseline is a running baseline child process.
type baseline struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	base  string
}

// startBaseline writes the routes to a file in dir and starts the
// harness's own executable as a baseline server for them.
func startBaseline(dir string, routes []recorded) (*baseline, error) {
	f, err := os.CreateTemp(dir, "baseline-*.json")
	if err != nil {
		return nil, err
	}
	err = json.NewEncoder(f).Encode(routes)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	// The test flag makes a test binary that forgot ServeBaselineIfAsked
	// run no test instead of this one again; it is never parsed otherwise.
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), baselineEnv+"="+f.Name())
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b := &baseline{cmd: cmd, stdin: stdin}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case s := <-line:
		addr, ok := strings.CutPrefix(strings.TrimSpace(s), "listening ")
		if !ok {
			b.stop()
			return nil, errors.New("the baseline server did not start: does the program call loadtest.ServeBaselineIfAsked first in main (or TestMain)?")
		}
		b.base = "http://" + addr
		return b, nil
	case <-time.After(30 * time.Second):
		b.stop()
		return nil, errors.New("the baseline server did not start within 30s")
	}
}

// stop closes the child's stdin, which ends it, and waits (killing it
// after 10 seconds).
func (b *baseline) stop() {
	_ = b.stdin.Close()
	done := make(chan struct{})
	go func() { _ = b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = b.cmd.Process.Kill()
		<-done
	}
}
