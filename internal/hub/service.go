package hub

import (
	"time"
)

// DefaultMaxDepth bounds the depth of the tree unless configured otherwise.
const DefaultMaxDepth = 32

// Service is the domain's entry point. Every method takes the calling
// Principal first and authorizes there, so every API face shares one rule.
type Service struct {
	store    Store
	maxDepth int
	now      func() time.Time
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
