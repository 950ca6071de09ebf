package auth

import (
	"context"
	"crypto/rand"
	"fmt"
)

// minSubjectKeySize is the shortest stored subject key accepted: anything
// shorter was not written by this package.
const minSubjectKeySize = 16

// subjectKey returns the secret that keys this Authenticator's subjects:
// the FailureStore's, read on first use and kept (it never changes), so
// replicas sharing the store build the same subjects. On the first call
// on a store that has none, a fresh random one is offered; concurrent
// first calls in this process wait for one read. An error is not kept:
// the next call tries again.
func (a *Authenticator) subjectKey(ctx context.Context) ([]byte, error) {
	if k := a.subjectSecret.Load(); k != nil {
		return *k, nil
	}
	a.subjectMu.Lock()
	defer a.subjectMu.Unlock()
	if k := a.subjectSecret.Load(); k != nil {
		return *k, nil
	}
	fresh := make([]byte, subjectKeySize)
	if _, err := rand.Read(fresh); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	k, err := a.failures.LoginSubjectKey(ctx, fresh)
	if err != nil {
		return nil, fmt.Errorf("auth: reading the login subject key: %w", err)
	}
	if len(k) < minSubjectKeySize {
		return nil, fmt.Errorf("auth: the stored login subject key has %d bytes, want at least %d", len(k), minSubjectKeySize)
	}
	a.subjectSecret.Store(&k)
	return k, nil
}

// Prepare reads (or creates) the FailureStore's subject key now, so that a
// store that cannot provide it fails a server's start rather than its
// first password check. Calling it is optional: the key is otherwise read
// on first use.
func (a *Authenticator) Prepare(ctx context.Context) error {
	_, err := a.subjectKey(ctx)
	return err
}
