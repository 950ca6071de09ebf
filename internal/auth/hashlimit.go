package auth

import (
	"context"
	"runtime"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// Each argon2id computation holds about 20 MB for about 28 ms of one core
// (Argon2id's parameters), so an unbounded burst of them exhausts memory
// long before the CPU is the limit. Two bounds keep them in check:
//
//   - the Authenticator admits at most MaxPasswordChecks uncached password
//     checks at once; the rest wait up to PasswordCheckWait (or until the
//     request is cancelled) and are then refused as Unavailable with a
//     Retry-After, which the faces answer 503. A login burst is therefore
//     answered quickly, never 429 (nothing failed), and never piles up.
//   - LimitHashing bounds every hash and verification of a hasher, also
//     those outside logins (creating users, setting passwords), by making
//     them wait their turn.
//
// The two are separate semaphores on purpose: a login holds an admission
// slot while the hasher takes a hashing slot (once for a verification, and
// once more for the dummy hash computed for the first unknown username),
// so one shared semaphore could deadlock.

// DefaultHashConcurrency is the default bound of both: two per CPU the Go
// scheduler uses, enough to keep every core busy while one check waits
// for the database.
func DefaultHashConcurrency() int { return 2 * runtime.GOMAXPROCS(0) }

// busyRetryAfter is the Retry-After of a password check refused because
// every slot stayed busy: slots free within tens of milliseconds.
const busyRetryAfter = time.Second

// slots is a counting semaphore.
type slots chan struct{}

// acquire takes a slot, waiting up to wait or until ctx ends. A full wait
// is an Unavailable error carrying a Retry-After; a cancelled ctx returns
// its error. Every nil return must be paired with release.
func (s slots) acquire(ctx context.Context, wait time.Duration) error {
	select {
	case s <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case s <- struct{}{}:
		return nil
	case <-t.C:
		return &hub.Error{Kind: hub.Unavailable, Message: "too many password checks at once; retry shortly",
			Err: &RetryAfterError{After: busyRetryAfter}}
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s slots) release() { <-s }

// LimitHashing returns a hub.PasswordHasher that runs at most n of h's
// Hash and Verify calls at once (n < 1: DefaultHashConcurrency); further
// calls wait for a free slot. The interface carries no context and no
// way to say "busy", so the wait is not bounded here: interactive logins
// are bounded and refused first by the Authenticator's own admission (see
// Config.MaxPasswordChecks), and the other callers are authenticated
// writes, which may queue.
func LimitHashing(h hub.PasswordHasher, n int) hub.PasswordHasher {
	if n < 1 {
		n = DefaultHashConcurrency()
	}
	return &limitedHasher{h: h, slots: make(slots, n)}
}

type limitedHasher struct {
	h     hub.PasswordHasher
	slots slots
}

// Hash implements hub.PasswordHasher.
func (l *limitedHasher) Hash(password string) (string, error) {
	l.slots <- struct{}{}
	defer l.slots.release()
	return l.h.Hash(password)
}

// Verify implements hub.PasswordHasher.
func (l *limitedHasher) Verify(encoded, password string) (bool, error) {
	l.slots <- struct{}{}
	defer l.slots.release()
	return l.h.Verify(encoded, password)
}
