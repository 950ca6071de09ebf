package hub

import (
	"context"
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

// updateVersioned is the cycle every versioned update shares, in one write
// transaction retried on lost races (see retryStale): hold the shared tree
// lock (authorization is by tree path, so no move may slip in), load the
// current object through load (which authorizes it), enforce ifVersion,
// apply change to a copy, and let finish validate, write and audit the
// copy. It returns the written copy. Partners do not use it: a partner
// update may move the partner and then needs the exclusive lock.
func updateVersioned[T any](ctx context.Context, s *Service, ifVersion int64, load func(Tx) (*T, error), version func(*T) int64,
	change func(*T) error, finish func(tx Tx, cur, next *T) error) (*T, error) {
	var out *T
	err := s.retryStale(ifVersion, func() error {
		return s.store.Write(ctx, func(tx Tx) error {
			if err := tx.LockTree(ctx, false); err != nil {
				return err
			}
			cur, err := load(tx)
			if err != nil {
				return err
			}
			if err := checkVersion(version(cur), ifVersion); err != nil {
				return err
			}
			next := *cur
			if err := change(&next); err != nil {
				return err
			}
			if err := finish(tx, cur, &next); err != nil {
				return err
			}
			out = &next
			return nil
		})
	})
	return out, err
}
