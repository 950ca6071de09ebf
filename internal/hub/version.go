package hub

import (
	"errors"
	"math/rand/v2"
	"time"
)

// ErrStale is the cause the store attaches to the Conflict it returns when
// a row's version changed between the read and the write of one
// transaction (a concurrent writer won).
var ErrStale = errors.New("stale version")

// staleRetries bounds how often an unconditional update is retried after
// losing a race to a concurrent writer; with the backoff below the retries
// span a few hundred milliseconds, enough for dozens of writers on one row.
const staleRetries = 12

// maxStaleBackoff caps one wait between retries.
const maxStaleBackoff = 40 * time.Millisecond

// checkVersion enforces a caller's expected version, if any.
func checkVersion(stored, expected int64) error {
	if expected != 0 && expected != stored {
		return &Error{Kind: Conflict, Message: "version is stale: the object was changed since it was read; reload and retry", Err: ErrStale}
	}
	return nil
}

// retryStale runs fn again when it lost a race to a concurrent writer and
// the caller did not pin a version (ifVersion == 0): the change is
// re-applied to the fresh row, so no update is lost. Retries wait a
// jittered, growing delay so racing writers spread out instead of colliding
// again. With a pinned version a stale row is the caller's Conflict.
func (s *Service) retryStale(ifVersion int64, fn func() error) error {
	for i := 0; ; i++ {
		err := fn()
		if err == nil || ifVersion != 0 || i == staleRetries || !errors.Is(err, ErrStale) {
			return err
		}
		wait := min(time.Millisecond<<min(i, 6), maxStaleBackoff)
		time.Sleep(rand.N(wait) + time.Millisecond)
	}
}
