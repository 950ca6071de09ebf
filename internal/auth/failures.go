package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// FailureStore keeps the counts of failed password checks where every
// replica of the service sees them; internal/store implements it on the
// database (*store.DB). Counts are kept per subject in fixed windows: a
// subject's window starts at its first failure and ends `window` later
// (the Authenticator's FailureWindow), after which the next failure
// starts a new one.
//
// Subjects are opaque ASCII strings of at most 80 bytes built by this
// package from digests: no username or address a client sent reaches the
// store. Implementations must be safe for concurrent use, count
// concurrent failures from any number of processes exactly, and keep
// user input out of query texts.
type FailureStore interface {
	// LoginFailures returns, for each subjects[i], the failures counted in
	// its current window (counts[i]) and the window's start (starts[i]).
	// A subject with no window started after since has count 0.
	LoginFailures(ctx context.Context, subjects []string, since time.Time) (counts []int, starts []time.Time, err error)
	// RecordLoginFailure counts one failure at now for each subject; a
	// subject whose window started at or before since, or that has none,
	// starts a new window at now with a count of 1.
	RecordLoginFailure(ctx context.Context, subjects []string, now, since time.Time) error
	// ClearLoginFailures forgets the failures of subjects.
	ClearLoginFailures(ctx context.Context, subjects []string) error
	// PruneLoginFailures deletes every window that started at or before
	// since, so the store holds only windows still running.
	PruneLoginFailures(ctx context.Context, since time.Time) error
}

// window is one subject's failure count as read from a FailureStore.
type window struct {
	count int
	start time.Time
}

// Subject kinds: the prefix of a subject names what it counts.
const (
	subjectUserAtIP = "p:" // one username from one client network
	subjectUser     = "u:" // one username from anywhere
	subjectIP       = "i:" // one client network, over all usernames
)

// subject returns kind followed by the hex SHA-256 of parts: fixed
// length, whatever the client sent, and never the raw username (a
// password typed into the username field must not be stored).
func subject(kind string, parts ...string) string {
	h := sha256.New()
	h.Write([]byte("partnerhub login failure"))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return kind + hex.EncodeToString(h.Sum(nil))
}

// clientNetwork is the unit per-IP limits count: the address itself for
// IPv4, its /64 for IPv6 (one subscriber usually holds a whole /64, so
// counting single IPv6 addresses would let one client rotate through
// them). A value that is not an IP address is used as it is.
func clientNetwork(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	p, _ := addr.WithZone("").Prefix(64)
	return p.String()
}

// MemoryFailures is a FailureStore in this process's memory, for a single
// process (and tests): replicas do not share it. Windows that have ended
// are removed by PruneLoginFailures, which the Authenticator calls.
type MemoryFailures struct {
	mu   sync.Mutex
	rows map[string]window
}

// NewMemoryFailures returns an empty MemoryFailures.
func NewMemoryFailures() *MemoryFailures { return &MemoryFailures{rows: map[string]window{}} }

var _ FailureStore = (*MemoryFailures)(nil)

// LoginFailures implements FailureStore.
func (m *MemoryFailures) LoginFailures(_ context.Context, subjects []string, since time.Time) ([]int, []time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	counts, starts := make([]int, len(subjects)), make([]time.Time, len(subjects))
	for i, s := range subjects {
		if w, ok := m.rows[s]; ok && w.start.After(since) {
			counts[i], starts[i] = w.count, w.start
		}
	}
	return counts, starts, nil
}

// RecordLoginFailure implements FailureStore.
func (m *MemoryFailures) RecordLoginFailure(_ context.Context, subjects []string, now, since time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range subjects {
		w, ok := m.rows[s]
		if !ok || !w.start.After(since) {
			w = window{start: now}
		}
		w.count++
		m.rows[s] = w
	}
	return nil
}

// ClearLoginFailures implements FailureStore.
func (m *MemoryFailures) ClearLoginFailures(_ context.Context, subjects []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range subjects {
		delete(m.rows, s)
	}
	return nil
}

// PruneLoginFailures implements FailureStore.
func (m *MemoryFailures) PruneLoginFailures(_ context.Context, since time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for s, w := range m.rows {
		if !w.start.After(since) {
			delete(m.rows, s)
		}
	}
	return nil
}

// validUsername reports whether username can be looked up at all: text
// databases refuse a NUL byte or invalid UTF-8 (PostgreSQL with an error),
// and no account can hold either, so such a username is refused as wrong
// credentials before any query. An empty username names no account
// either, and is not counted as a failed attempt: HTTP clients send
// "Basic Og==" (empty username and password) as a probe or a default, and
// a client that does so before every request would otherwise lock its
// whole network out after a hundred requests.
func validUsername(username string) bool {
	return username != "" && utf8.ValidString(username) && strings.IndexByte(username, 0) < 0
}
