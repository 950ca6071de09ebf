package jobs_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// The real binary, built once per test run.
var binary struct {
	once sync.Once
	path string
	err  error
	dir  string
}

// partnerhubBinary builds cmd/partnerhub (go build, so the go command must
// be on PATH) and returns its path.
func partnerhubBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "partnerhub-jobs-test-")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "partnerhub")
		out, err := exec.Command("go", "build", "-o", binary.path, "github.com/partnerhub/partnerhub/cmd/partnerhub").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// TestMain removes the built binary after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// workerProc is a running `partnerhub worker` process.
type workerProc struct {
	t   *testing.T
	cmd *exec.Cmd
	log string
	n   int
}

// startWorker starts `partnerhub worker` on dbURL with fast job settings;
// its log goes to a file named after n in the test's temp dir.
func startWorker(t *testing.T, dbURL string, n int, extra ...string) *workerProc {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), fmt.Sprintf("worker-%d.log", n))
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"worker", "--database-url", dbURL, "--log-format", "json",
		"--job-poll-interval", "50ms", "--job-timeout", "1s", "--job-rescue-after", "2s",
		"--migration-backoff", "20ms", "--webhook-backoff", "20ms"}, extra...)
	cmd := exec.Command(partnerhubBinary(t), args...)
	cmd.Env = append(os.Environ(), "PARTNERHUB_DATABASE_URL=")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &workerProc{t: t, cmd: cmd, log: logPath, n: n}
	t.Cleanup(func() {
		if w.cmd.ProcessState == nil {
			_ = w.cmd.Process.Kill()
			_ = w.cmd.Wait()
		}
		logFile.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("worker %d log:\n%s", n, tail(string(b), 4000))
		}
	})
	return w
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// kill ends the process with SIGKILL: no shutdown code runs.
func (w *workerProc) kill() {
	w.t.Helper()
	if err := w.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		w.t.Fatal(err)
	}
	_ = w.cmd.Wait()
}

// stop ends the process with SIGTERM (a graceful stop) and waits for it.
func (w *workerProc) stop() {
	w.t.Helper()
	w.waitReady(30 * time.Second) // its signal handler is installed by then
	if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		w.t.Fatal(err)
	}
	if err := w.cmd.Wait(); err != nil {
		w.t.Fatalf("worker %d exited: %v", w.n, err)
	}
}

// waitReady waits until the worker logs that it runs.
func (w *workerProc) waitReady(timeout time.Duration) {
	w.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(w.log)
		if strings.Contains(string(b), `"worker ready"`) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.t.Fatalf("worker %d not ready after %s", w.n, timeout)
}

// completed counts the completed change requests.
func (e *env) completed() int64 {
	return e.count(`SELECT count(*) FROM change_requests WHERE status = $1`, hub.ChangeRequestCompleted)
}

// waitCompleted waits until at least n requests are completed.
func (e *env) waitCompleted(n int64, timeout time.Duration) {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		have := e.completed()
		if have >= n {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%d change requests completed after %s, want %d", have, timeout, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// migrationCase is one request of a process test and what it must end as.
type migrationCase struct {
	src, dst *hub.Partner
	client   *hub.Client
	channels []*hub.Channel
	partial  bool
	cr       *hub.ChangeRequest
}

// prepare creates n clients with two channels each spread over the
// sources, and a request for each to one of the targets (every other one
// partial, moving the second channel).
func (e *env) prepare(n int, sources, targets []*hub.Partner) []*migrationCase {
	e.t.Helper()
	cases := make([]*migrationCase, n)
	for i := range cases {
		mc := &migrationCase{src: sources[i%len(sources)], dst: targets[i%len(targets)], partial: i%2 == 1}
		mc.client, mc.channels = e.client(mc.src, 2)
		var chans []string
		if mc.partial {
			chans = []string{mc.channels[1].Ref}
		}
		mc.cr = e.request(mc.src, mc.client, mc.dst, chans)
		cases[i] = mc
	}
	return cases
}

// checkExactlyOnce verifies the end state of every case: the request
// completed once (one completion audit row, one job, completed), the
// client and channels where they belong, exactly one copy per partial
// migration, and per-partner client and channel counts that match.
func (e *env) checkExactlyOnce(cases []*migrationCase) {
	e.t.Helper()
	wantClients, wantChannels := map[int64]int64{}, map[int64]int64{}
	for _, mc := range cases {
		cr, err := e.db.ChangeRequest(e.ctx, mc.cr.ID, "")
		if err != nil {
			e.t.Fatal(err)
		}
		if cr.Status != hub.ChangeRequestCompleted || cr.Attempts < 1 {
			e.t.Fatalf("request %s: %s after %d attempts (%s %s)", cr.Ref, cr.Status, cr.Attempts, cr.FailureReason, cr.LastError)
		}
		if n := e.audits("complete", "change_request", cr.ID); n != 1 {
			e.t.Fatalf("request %s completed %d times", cr.Ref, n)
		}
		if mc.partial {
			e.checkClient(mc.client.ID, mc.src, []string{mc.channels[0].Ref})
			e.checkClient(cr.TargetClientID, mc.dst, []string{mc.channels[1].Ref})
			if n := e.count(`SELECT count(*) FROM clients WHERE name = $1`, mc.client.Name); n != 2 {
				e.t.Fatalf("client %s has %d rows, want the original and one copy", mc.client.Name, n)
			}
			wantClients[mc.src.ID]++
			wantChannels[mc.src.ID]++
			wantClients[mc.dst.ID]++
			wantChannels[mc.dst.ID]++
		} else {
			e.checkClient(mc.client.ID, mc.dst, []string{mc.channels[0].Ref, mc.channels[1].Ref})
			if n := e.count(`SELECT count(*) FROM clients WHERE name = $1`, mc.client.Name); n != 1 {
				e.t.Fatalf("client %s has %d rows", mc.client.Name, n)
			}
			wantClients[mc.dst.ID]++
			wantChannels[mc.dst.ID] += 2
		}
	}
	for id, want := range wantClients {
		if n := e.count(`SELECT count(*) FROM clients WHERE partner_id = $1`, id); n != want {
			e.t.Fatalf("partner %d has %d clients, want %d", id, n, want)
		}
		if n := e.count(`SELECT count(*) FROM channels ch JOIN clients c ON c.id = ch.client_id WHERE c.partner_id = $1`, id); n != wantChannels[id] {
			e.t.Fatalf("partner %d has %d channels, want %d", id, n, wantChannels[id])
		}
	}
	if n := e.count(`SELECT count(*) FROM clients c WHERE NOT EXISTS (SELECT 1 FROM channels ch WHERE ch.client_id = c.id)`); n != 0 {
		e.t.Fatalf("%d clients without channels (a copy left empty?)", n)
	}
	if n := e.count(`SELECT count(*) FROM river_job WHERE kind = $1`, hub.KindChangeRequestMigration); n != int64(len(cases)) {
		e.t.Fatalf("%d migration jobs for %d requests", n, len(cases))
	}
	if n := e.count(`SELECT count(*) FROM river_job WHERE kind = $1 AND state <> 'completed'`, hub.KindChangeRequestMigration); n != 0 {
		e.t.Fatalf("%d migration jobs not completed", n)
	}
}
