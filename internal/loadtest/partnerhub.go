package loadtest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// mainPackage is the partnerhub command the harness builds and drives.
const mainPackage = "github.com/partnerhub/partnerhub/cmd/partnerhub"

// BuildPartnerhub compiles cmd/partnerhub into dir (go build, so the
// go command must be on PATH and the working directory inside the module)
// and returns the binary's path.
func BuildPartnerhub(ctx context.Context, dir string) (string, error) {
	out := filepath.Join(dir, "partnerhub")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, mainPackage)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", mainPackage, err, msg)
	}
	return out, nil
}

// partnerhub runs the binary's subcommands.
type partnerhub struct{ path string }

// command runs one subcommand to completion and returns its stdout; its
// stderr goes into the error.
func (p partnerhub) command(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, p.path, args...)
	cmd.Env = childEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("partnerhub %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// admin is what `partnerhub bootstrap --json` prints (the fields used).
type admin struct {
	PartnerSID string `json:"partner_sid"`
	Username   string `json:"username"`
	Password   string `json:"password"`
}

// basic is the admin's HTTP Basic Authorization header value.
func (a admin) basic() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(a.Username+":"+a.Password))
}

// bootstrap creates the root partner and its admin on an empty database.
func (p partnerhub) bootstrap(ctx context.Context, dbURL string) (admin, error) {
	out, err := p.command(ctx, "bootstrap", "--json", "--database-url", dbURL)
	if err != nil {
		return admin{}, err
	}
	var a admin
	if err := json.Unmarshal(out, &a); err != nil || a.Username == "" || a.Password == "" {
		return admin{}, fmt.Errorf("bootstrap --json printed no username and password (%v): %.200q", err, out)
	}
	return a, nil
}

// seed adds a synthetic tree under the root.
func (p partnerhub) seed(ctx context.Context, dbURL string, partners int64, depth, fanout int) error {
	_, err := p.command(ctx, "seed", "--database-url", dbURL, "--partners", strconv.FormatInt(partners, 10),
		"--depth", strconv.Itoa(depth), "--fanout", strconv.Itoa(fanout))
	return err
}

// server is a running `partnerhub serve`.
type server struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:PORT
	log  *logBuffer
	done chan error
}

// serve starts `partnerhub serve` on a free local port, with the read
// cache on (--cache-ttl 1s, the default) or off (--cache-ttl 0), and waits
// until /readyz answers 200. Of its log only the first and last 32 KiB are
// kept: at full load the access log is large, and writing it is part of
// what is measured, not what is read.
func (p partnerhub) serve(ctx context.Context, dbURL string, cache bool) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	ttl := "1s"
	if !cache {
		ttl = "0"
	}
	s := &server{base: "http://" + addr, log: &logBuffer{limit: 32 << 10}, done: make(chan error, 1)}
	// The load is one user's: /api/v1's per-user budget is raised far
	// beyond what a run sends, so no answer is a 429.
	s.cmd = exec.Command(p.path, "serve", "--database-url", dbURL, "--listen", addr, "--cache-ttl", ttl, "--rate-limit", "2000000000")
	s.cmd.Env = childEnv()
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.done <- s.cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case err := <-s.done:
			s.done <- err
			return nil, fmt.Errorf("partnerhub serve exited (%v):\n%s", err, s.log)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if resp, err := client.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("partnerhub serve not ready within a minute:\n%s", s.log)
		}
	}
}

// pid is the serve process's id (for its memory figures).
func (s *server) pid() int { return s.cmd.Process.Pid }

// stop asks serve to shut down gracefully (SIGTERM) and kills it after
// 30 seconds. It reports an exit other than a clean one.
func (s *server) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.done <- err
		if err != nil {
			return fmt.Errorf("partnerhub serve: %w\n%s", err, s.log)
		}
		return nil
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		return errors.New("partnerhub serve did not stop within 30s after SIGTERM: killed")
	}
}

// freeAddr returns a local address whose port was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// childEnv is the harness's environment without the variables that would
// override what the harness sets by flag or change what it measures (the
// flags win anyway; this keeps, say, a chosen admin password or log format
// from a developer's shell out of the run).
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PARTNERHUB_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// logBuffer keeps the first and the last limit bytes written to it (the
// start, where a failure to start shows, and the end, where a late error
// shows) and counts what lies between.
type logBuffer struct {
	mu      sync.Mutex
	limit   int
	head    []byte
	tail    []byte // at most 2*limit, trimmed to the last limit when read
	dropped int64
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(p)
	if room := l.limit - len(l.head); room > 0 {
		k := min(room, len(p))
		l.head = append(l.head, p[:k]...)
		p = p[k:]
	}
	l.tail = append(l.tail, p...)
	if len(l.tail) > 2*l.limit {
		l.dropped += int64(len(l.tail) - l.limit)
		l.tail = append(l.tail[:0], l.tail[len(l.tail)-l.limit:]...)
	}
	return n, nil
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	tail := l.tail
	dropped := l.dropped
	if len(tail) > l.limit {
		dropped += int64(len(tail) - l.limit)
		tail = tail[len(tail)-l.limit:]
	}
	if dropped > 0 {
		return fmt.Sprintf("%s\n[... %d bytes of log left out ...]\n%s", l.head, dropped, tail)
	}
	return string(l.head) + string(tail)
}
