package hub

import "errors"

// ErrStale is the cause the store attaches to the Conflict it returns when
// a row's version changed between the read and the write of one
// transaction (a concurrent writer won).
var ErrStale = errors.New("stale version")

// staleRetries bounds how often an unconditional update is retried after
// losing a race to a concurrent writer.
const staleRetries = 5

// checkVersion enforces a caller's expected version, if any.
func checkVersion(stored, expected int64) error {
	if expected != 0 && expected != stored {
		return &Error{Kind: Conflict, Message: "version is stale: the object was changed since it was read; reload and retry", Err: ErrStale}
	}
	return nil
}

// retryStale runs fn again when it lost a race to a concurrent writer and
// the caller did not pin a version (ifVersion == 0): the change is
// re-applied to the fresh row, so no update is lost. With a pinned version
// a stale row is the caller's Conflict.
func (s *Service) retryStale(ifVersion int64, fn func() error) error {
	for i := 0; ; i++ {
		err := fn()
		if err == nil || ifVersion != 0 || i == staleRetries || !errors.Is(err, ErrStale) {
			return err
		}
	}
}
