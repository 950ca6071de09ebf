package auth_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestPasswordCheckAdmission: with every admission slot busy, a further
// uncached password check waits PasswordCheckWait and is then refused as
// Unavailable with a Retry-After (503, not 429: nothing failed), without
// reaching the hasher and without counting as a failure; a caller that
// goes away while waiting gets its context's error at once.
func TestPasswordCheckAdmission(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.hasher.hold, e.hasher.entered = make(chan struct{}), make(chan struct{}, 4)
	e.auth = e.newAuth(auth.Config{MaxPasswordChecks: 2, PasswordCheckWait: 50 * time.Millisecond})
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { _, _ = e.basic(fmt.Sprintf("192.0.2.%d", i+1), "alice", "wrong password") })
	}
	<-e.hasher.entered
	<-e.hasher.entered // both slots are taken, their checks held in the hasher

	_, err := e.basic("192.0.2.9", "alice", password)
	wantKind(t, err, hub.Unavailable, "a third check while two run")
	wantRetryAfter(t, err, time.Second, time.Second)

	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error)
	go func() {
		_, err := e.auth.Basic(ctx, "alice", password, "192.0.2.10")
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled wait: %v", err)
	}
	if v := e.hasher.verifies.Load(); v != 2 {
		t.Fatalf("%d verifications, want the 2 admitted", v)
	}
	close(e.hasher.hold)
	wg.Wait()
	// Refused checks were not failures: nine more wrong guesses from the
	// refused IP are still answered Unauthenticated.
	e.fail(t, 9, "192.0.2.9", "alice")
	if _, err := e.basic("192.0.2.9", "alice", password); err != nil {
		t.Fatalf("right password after nine failures: %v", err)
	}
}

// sleepyHasher takes a while per call and records the most calls that ran
// at once.
type sleepyHasher struct {
	running, peak atomic.Int64
}

func (h *sleepyHasher) work() {
	n := h.running.Add(1)
	for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
	}
	time.Sleep(2 * time.Millisecond)
	h.running.Add(-1)
}

func (h *sleepyHasher) Hash(pw string) (string, error)      { h.work(); return "h:" + pw, nil }
func (h *sleepyHasher) Verify(enc, pw string) (bool, error) { h.work(); return enc == "h:"+pw, nil }

// TestLimitHashing: hashes and verifications through LimitHashing run at
// most n at once, and all complete with the inner hasher's answers.
func TestLimitHashing(t *testing.T) {
	t.Parallel()
	inner := &sleepyHasher{}
	h := auth.LimitHashing(inner, 3)
	var wg sync.WaitGroup
	var wrong atomic.Int64
	for i := range 40 {
		wg.Go(func() {
			pw := fmt.Sprint("pw", i)
			enc, err := h.Hash(pw)
			if ok, err2 := h.Verify(enc, pw); err != nil || err2 != nil || !ok {
				wrong.Add(1)
			}
		})
	}
	wg.Wait()
	if p := inner.peak.Load(); p > 3 || p < 2 || wrong.Load() != 0 {
		t.Fatalf("peak %d (want 2..3), %d wrong answers", p, wrong.Load())
	}
}
