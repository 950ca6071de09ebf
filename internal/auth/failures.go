package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// FailureStore keeps the password throttle's state where every replica
// of the service sees it; internal/store implements it on the database
// (*store.DB). Failures are counted per subject in fixed windows: a
// subject's window starts at its first failure and ends `window` later
// (the Authenticator's FailureWindow), after which the next failure
// starts a new one. Successes are remembered per subject by their last
// time. A secret shared by all replicas keys the subjects.
//
// Subjects are opaque ASCII strings of at most 80 bytes built by this
// package from HMACs under that secret: no username or address a client
// sent reaches the store, nor an unkeyed digest of one. Implementations
// must be safe for concurrent use, count concurrent failures from any
// number of processes exactly, and keep user input out of query texts.
type FailureStore interface {
	// LoginHistory returns, for each failures[i], the failures counted in
	// its current window (counts[i]) and the window's start (starts[i]),
	// a subject with no window started after since counting 0; and,
	// unless success is "", when success last succeeded if that was after
	// successSince (else zero). It is the one read of a password check.
	LoginHistory(ctx context.Context, failures []string, since time.Time, success string, successSince time.Time) (counts []int, starts []time.Time, lastSuccess time.Time, err error)
	// RecordLoginFailure counts one failure at now for each subject; a
	// subject whose window started at or before since, or that has none,
	// starts a new window at now with a count of 1.
	RecordLoginFailure(ctx context.Context, subjects []string, now, since time.Time) error
	// ClearLoginFailures forgets the failures of subjects.
	ClearLoginFailures(ctx context.Context, subjects []string) error
	// RecordLoginSuccess remembers a success of subject at at, keeping a
	// later one already stored.
	RecordLoginSuccess(ctx context.Context, subject string, at time.Time) error
	// PruneLoginFailures deletes every failure window that started at or
	// before since and every success at or before successSince.
	PruneLoginFailures(ctx context.Context, since, successSince time.Time) error
	// LoginSubjectKey returns the secret that keys subjects: the one
	// stored first, storing fresh if there is none, so that every process
	// sharing the store, also several starting at once, gets the same.
	LoginSubjectKey(ctx context.Context, fresh []byte) ([]byte, error)
}

// window is one subject's failure count as read from a FailureStore.
type window struct {
	count int
	start time.Time
}

// Subject kinds: the prefix of a subject names what it counts. The kind is
// also part of the HMAC's input, so two kinds of one username never share
// a digest.
const (
	subjectUserAtIP = "p:" // failures of one username from one client network
	subjectUser     = "u:" // failures of one username from anywhere
	subjectIP       = "i:" // failures from one client network, over all usernames
	subjectSuccess  = "s:" // successes of one username from one client network
)

// subjectKeySize is the size of the secret that keys subjects.
const subjectKeySize = 32

// subject returns kind followed by the hex HMAC-SHA256 under key of kind
// and parts: fixed length, whatever the client sent, and neither the raw
// username nor a digest anyone without the key can test guesses against
// (a password typed into the username field must not be recoverable from
// a dump of the store).
func subject(key []byte, kind string, parts ...string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(kind))
	for _, p := range parts {
		m.Write([]byte{0})
		m.Write([]byte(p))
	}
	return kind + hex.EncodeToString(m.Sum(nil))
}

// passwordSubjects are the FailureStore subjects of one password check:
// the username from the client's network, the username, the network, and
// the username's successes from the network.
type passwordSubjects struct {
	pair, user, network, success string
}

func newPasswordSubjects(key []byte, username, network string) passwordSubjects {
	userKey := hub.UsernameKey(username)
	return passwordSubjects{
		pair:    subject(key, subjectUserAtIP, userKey, network),
		user:    subject(key, subjectUser, userKey),
		network: subject(key, subjectIP, network),
		success: subject(key, subjectSuccess, userKey, network),
	}
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
// process (and tests): replicas do not share it. Ended windows and old
// successes are removed by PruneLoginFailures, which the Authenticator
// calls.
type MemoryFailures struct {
	mu        sync.Mutex
	rows      map[string]window
	successes map[string]time.Time
	key       []byte
}

// NewMemoryFailures returns an empty MemoryFailures.
func NewMemoryFailures() *MemoryFailures {
	return &MemoryFailures{rows: map[string]window{}, successes: map[string]time.Time{}}
}

var _ FailureStore = (*MemoryFailures)(nil)

// LoginHistory implements FailureStore.
func (m *MemoryFailures) LoginHistory(_ context.Context, failures []string, since time.Time, success string, successSince time.Time) ([]int, []time.Time, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	counts, starts := make([]int, len(failures)), make([]time.Time, len(failures))
	for i, s := range failures {
		if w, ok := m.rows[s]; ok && w.start.After(since) {
			counts[i], starts[i] = w.count, w.start
		}
	}
	var last time.Time
	if at, ok := m.successes[success]; ok && success != "" && at.After(successSince) {
		last = at
	}
	return counts, starts, last, nil
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

// RecordLoginSuccess implements FailureStore.
func (m *MemoryFailures) RecordLoginSuccess(_ context.Context, subject string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if at.After(m.successes[subject]) {
		m.successes[subject] = at
	}
	return nil
}

// PruneLoginFailures implements FailureStore.
func (m *MemoryFailures) PruneLoginFailures(_ context.Context, since, successSince time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for s, w := range m.rows {
		if !w.start.After(since) {
			delete(m.rows, s)
		}
	}
	for s, at := range m.successes {
		if !at.After(successSince) {
			delete(m.successes, s)
		}
	}
	return nil
}

// LoginSubjectKey implements FailureStore.
func (m *MemoryFailures) LoginSubjectKey(_ context.Context, fresh []byte) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.key == nil {
		m.key = slices.Clone(fresh)
	}
	return m.key, nil
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
