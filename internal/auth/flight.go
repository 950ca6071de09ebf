package auth

import (
	"context"
	"sync"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// flights lets concurrent identical password checks share one: a client
// opening many connections at once with the same Basic credentials (or a
// burst of identical password grants) costs one argon2id verification
// and one failure-throttle reservation, not one per connection. Without
// it the reservations of a valid user's own parallel first requests would
// refuse some of them, and each would hash.
//
// A check runs on its own goroutine under a context that keeps the first
// caller's values (request id) but not its cancellation; it is cancelled
// when every caller waiting for it has gone, and a caller that goes early
// gets its own context's error.
type flights struct {
	mu sync.Mutex
	m  map[flightKey]*flight
}

// flightKey identifies identical checks: the credential key (an HMAC of
// username and password) and the client IP, because throttling is per IP
// and one IP's block must not be shared with another's attempt.
type flightKey struct {
	cred [32]byte
	ip   string
}

type flight struct {
	done    chan struct{}
	pr      hub.Principal
	err     error
	waiters int
	cancel  context.CancelFunc
}

// do returns the result of check for key, running it unless an identical
// check is already in flight.
func (g *flights) do(ctx context.Context, key flightKey, check func(context.Context) (hub.Principal, error)) (hub.Principal, error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[flightKey]*flight{}
	}
	f, ok := g.m[key]
	if !ok {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight{done: make(chan struct{}), cancel: cancel}
		g.m[key] = f
		go func() {
			defer close(f.done)
			defer cancel()
			f.pr, f.err = check(fctx)
			g.forget(key, f)
		}()
	}
	f.waiters++
	g.mu.Unlock()

	select {
	case <-f.done:
		return f.pr, f.err
	case <-ctx.Done():
		g.mu.Lock()
		if f.waiters--; f.waiters == 0 {
			// Nobody wants the answer any more; a new caller starts afresh
			// rather than joining a cancelled check.
			f.cancel()
			if g.m[key] == f {
				delete(g.m, key)
			}
		}
		g.mu.Unlock()
		return hub.Principal{}, ctx.Err()
	}
}

// forget removes f from the table unless it was already replaced.
func (g *flights) forget(key flightKey, f *flight) {
	g.mu.Lock()
	if g.m[key] == f {
		delete(g.m, key)
	}
	g.mu.Unlock()
}
