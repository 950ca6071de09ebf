package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// maxCacheEntries bounds the Basic verification cache.
const maxCacheEntries = 100_000

// Service is what the Authenticator needs from the domain; *hub.Service
// implements it.
type Service interface {
	AuthenticatePassword(ctx context.Context, username, password string) (hub.Principal, *hub.User, error)
	AuthenticateKey(ctx context.Context, plaintext string) (hub.Principal, error)
	AuthenticateToken(ctx context.Context, access, ip string) (hub.Principal, error)
	UserPrincipal(ctx context.Context, id int64) (hub.Principal, int64, error)
}

var _ Service = (*hub.Service)(nil)

// Config tunes an Authenticator; zero fields take the defaults.
type Config struct {
	CacheTTL      time.Duration    // how long a verified Basic credential is reused; default 60s
	MaxFailures   int              // failures per username or client IP before blocking; default 10
	FailureWindow time.Duration    // the window those failures are counted in; default 5m
	Now           func() time.Time // the clock; default time.Now
}

// Authenticator turns the credentials of an HTTP request into a principal,
// for every API face. It is safe for concurrent use.
type Authenticator struct {
	svc      Service
	cfg      Config
	cacheKey [32]byte // random per process: cache keys reveal nothing

	mu    sync.Mutex
	cache map[[32]byte]cacheEntry

	users *throttle // failures per lower-cased username
	ips   *throttle // failures per client IP
}

// cacheEntry remembers that a username and password verified as a user at
// a version; a changed version (password, role, status) voids it.
type cacheEntry struct {
	userID  int64
	version int64
	expires time.Time
}

// NewAuthenticator returns an Authenticator over svc.
func NewAuthenticator(svc Service, cfg Config) *Authenticator {
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = 60 * time.Second
	}
	if cfg.MaxFailures <= 0 {
		cfg.MaxFailures = 10
	}
	if cfg.FailureWindow <= 0 {
		cfg.FailureWindow = 5 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &Authenticator{svc: svc, cfg: cfg, cache: map[[32]byte]cacheEntry{},
		users: newThrottle(cfg.MaxFailures, cfg.FailureWindow), ips: newThrottle(cfg.MaxFailures, cfg.FailureWindow)}
	if _, err := rand.Read(a.cacheKey[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return a
}

// Principal authenticates r by exactly one of: "Authorization: Basic"
// (a user's username and password), "Authorization: Bearer" (an access
// token, or an API key), or "X-API-Key". Missing, ambiguous or wrong
// credentials are Unauthenticated; too many recent failures for the
// username or the client IP are RateLimited (see RetryAfter). The client
// IP is httpapi.ClientIP (the host of r.RemoteAddr): a trusted proxy must
// set it.
func (a *Authenticator) Principal(r *http.Request) (hub.Principal, error) {
	ctx := r.Context()
	ip := httpapi.ClientIP(r)
	authz := r.Header.Get("Authorization")
	apiKey := r.Header.Get("X-API-Key")
	switch {
	case authz != "" && apiKey != "":
		return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "send either Authorization or X-API-Key, not both")
	case apiKey != "":
		return a.secret(ctx, ip, func() (hub.Principal, error) { return a.svc.AuthenticateKey(ctx, apiKey) })
	case authz == "":
		return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "credentials are required")
	}
	scheme, cred, _ := strings.Cut(authz, " ")
	cred = strings.TrimSpace(cred)
	switch {
	case strings.EqualFold(scheme, "Basic"):
		username, password, ok := r.BasicAuth()
		if !ok {
			return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "malformed Basic credentials")
		}
		return a.Basic(ctx, username, password, ip)
	case strings.EqualFold(scheme, "Bearer") && strings.HasPrefix(cred, hub.APIKeyPrefix):
		return a.secret(ctx, ip, func() (hub.Principal, error) { return a.svc.AuthenticateKey(ctx, cred) })
	case strings.EqualFold(scheme, "Bearer"):
		return a.secret(ctx, ip, func() (hub.Principal, error) { return a.svc.AuthenticateToken(ctx, cred, ip) })
	}
	return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "unsupported authorization scheme")
}

// secret runs a key or token check under the client IP's throttle.
func (a *Authenticator) secret(ctx context.Context, ip string, check func() (hub.Principal, error)) (hub.Principal, error) {
	now := a.cfg.Now()
	if err := a.ips.check(ip, now); err != nil {
		return hub.Principal{}, err
	}
	pr, err := check()
	if hub.IsKind(err, hub.Unauthenticated) {
		a.ips.fail(ip, now)
	} else {
		a.ips.done(ip)
	}
	return pr, err
}

// Basic authenticates a username and password from ip. A verification is
// cached for CacheTTL, but every reuse checks that the user's version is
// unchanged, so a new password, a role change or a deactivation takes
// effect at once (within the service's read cache TTL, when the change was
// made by another process). The username's and the IP's throttles reserve the
// attempt before the (slow) password check, so concurrent guesses count
// against the limit while they are in flight.
func (a *Authenticator) Basic(ctx context.Context, username, password, ip string) (hub.Principal, error) {
	now := a.cfg.Now()
	userKey := hub.UsernameKey(username)
	if err := a.users.blocked(userKey, now); err != nil {
		return hub.Principal{}, err
	}
	if err := a.ips.blocked(ip, now); err != nil {
		return hub.Principal{}, err
	}
	// A cache hit proves the password without the slow check, so it needs
	// no reservation: concurrent logins of a busy client are not limited.
	key := a.credentialKey(username, password)
	if e, ok := a.lookup(key, now); ok {
		pr, version, err := a.svc.UserPrincipal(ctx, e.userID)
		if err == nil && version == e.version {
			return pr, nil
		}
		a.forget(key)
		if err != nil && !hub.IsKind(err, hub.Unauthenticated) {
			return hub.Principal{}, err
		}
	}
	if err := a.users.check(userKey, now); err != nil {
		return hub.Principal{}, err
	}
	if err := a.ips.check(ip, now); err != nil {
		a.users.done(userKey)
		return hub.Principal{}, err
	}
	pr, u, err := a.svc.AuthenticatePassword(ctx, username, password)
	if hub.IsKind(err, hub.Unauthenticated) {
		a.users.fail(userKey, now)
		a.ips.fail(ip, now)
		return hub.Principal{}, err
	}
	if err != nil {
		a.users.done(userKey)
		a.ips.done(ip)
		return hub.Principal{}, err
	}
	a.users.reset(userKey)
	a.ips.done(ip)
	a.mu.Lock()
	if len(a.cache) >= maxCacheEntries {
		for k, e := range a.cache {
			if !now.Before(e.expires) {
				delete(a.cache, k)
			}
		}
	}
	if len(a.cache) < maxCacheEntries {
		a.cache[key] = cacheEntry{userID: u.ID, version: u.Version, expires: now.Add(a.cfg.CacheTTL)}
	}
	a.mu.Unlock()
	return pr, nil
}

// Invalidate drops every cached verification of a user at once. Version
// checks already void stale entries; this also frees them.
func (a *Authenticator) Invalidate(userID int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, e := range a.cache {
		if e.userID == userID {
			delete(a.cache, k)
		}
	}
}

// credentialKey is HMAC-SHA256 under the process key of username and
// password: the cache never holds a password or an offline-guessable hash.
func (a *Authenticator) credentialKey(username, password string) [32]byte {
	m := hmac.New(sha256.New, a.cacheKey[:])
	m.Write([]byte(username))
	m.Write([]byte{0})
	m.Write([]byte(password))
	var k [32]byte
	copy(k[:], m.Sum(nil))
	return k
}

func (a *Authenticator) lookup(key [32]byte, now time.Time) (cacheEntry, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.cache[key]
	if ok && !now.Before(e.expires) {
		delete(a.cache, key)
		return cacheEntry{}, false
	}
	return e, ok
}

func (a *Authenticator) forget(key [32]byte) {
	a.mu.Lock()
	delete(a.cache, key)
	a.mu.Unlock()
}

// The faces call the Authenticator through httpapi.Authenticator: the
// password grants use Basic, so they share its throttles.
var _ httpapi.Authenticator = (*Authenticator)(nil)
