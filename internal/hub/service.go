package hub

import (
	"sync"
	"time"
)

// DefaultMaxDepth bounds the depth of the tree unless configured otherwise.
const DefaultMaxDepth = 32

// Service is the domain's entry point. Every method takes the calling
// Principal first and authorizes there, so every API face shares one rule.
type Service struct {
	store     Store
	maxDepth  int
	now       func() time.Time
	passwords PasswordHasher
	webhooks  WebhookGuard
	dummy     struct {
		once sync.Once
		hash string
	}
}

// NewService returns a Service over store. maxDepth <= 0 means
// DefaultMaxDepth; the root has depth 0.
func NewService(store Store, maxDepth int) *Service {
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	return &Service{store: store, maxDepth: maxDepth, now: func() time.Time {
		return time.Now().UTC().Truncate(time.Microsecond)
	}}
}

// MaxDepth returns the configured depth bound.
func (s *Service) MaxDepth() int { return s.maxDepth }

// Store returns the underlying store.
func (s *Service) Store() Store { return s.store }

// SetPasswordHasher installs the hasher used for user passwords. Call it
// once, before the service is shared; without one, setting or checking a
// password is an Unavailable error.
func (s *Service) SetPasswordHasher(h PasswordHasher) { s.passwords = h }

// SetClock replaces the service's clock, for tests that must move time
// (expiry, throttled timestamps). Call it before the service is shared;
// times are used in UTC, truncated to microseconds.
func (s *Service) SetClock(now func() time.Time) {
	s.now = func() time.Time { return now().UTC().Truncate(time.Microsecond) }
}
