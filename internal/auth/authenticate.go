package auth

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

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
	// CacheTTL is how long a verified Basic credential is reused; default 60s.
	CacheTTL time.Duration
	// MaxFailures is the number of failed password checks of one username
	// from one client network (an IPv4 address, an IPv6 /64) within
	// FailureWindow after which that pair is refused; default 10.
	MaxFailures int
	// MaxUserFailures is the ceiling for one username over all client
	// networks (distributed guessing); default 100. It refuses uncached
	// checks from networks the username has not recently succeeded from
	// (see TrustedNetworkTTL); it never refuses a check from one that has,
	// nor a cached verification.
	MaxUserFailures int
	// TrustedNetworkTTL is how long a successful password check of a
	// username from a client network exempts that pair from
	// MaxUserFailures; default 30 days. Successes are kept in the
	// FailureStore, so replicas share them, and written only when none
	// from the last thirtieth of the TTL (a day) is stored.
	TrustedNetworkTTL time.Duration
	// MaxIPFailures is the ceiling for one client network over all
	// usernames (password spraying); default 100. Only recorded failures
	// count: many users behind one NAT may log in at once.
	MaxIPFailures int
	// MaxKeyFailures is the number of failed API key and token checks from
	// one client network within FailureWindow after which further failing
	// ones are answered RateLimited instead of Unauthenticated; default
	// 100. A valid key or token is never refused (see Principal).
	MaxKeyFailures int
	// FailureWindow is the window failures are counted in; default 5m.
	FailureWindow time.Duration
	// Failures holds the failed password checks; replicas must share it
	// (*store.DB). Nil: NewMemoryFailures, this process only.
	Failures FailureStore
	// MaxPasswordChecks bounds the uncached password checks (argon2id)
	// running at once; default DefaultHashConcurrency.
	MaxPasswordChecks int
	// PasswordCheckWait is how long a password check waits for a free slot
	// before it is refused as Unavailable (503 with Retry-After); default 1s.
	PasswordCheckWait time.Duration
	// Log receives warnings (a failure that could not be recorded); nil
	// discards them. Nothing secret is logged.
	Log *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Authenticator turns the credentials of an HTTP request into a principal,
// for every API face. It is safe for concurrent use.
//
// Throttling limits failures, never success: an API key, a token or a
// cached Basic credential is checked without any reservation or prior
// refusal, so a valid one is never answered RateLimited, however many
// requests share its client IP. Only uncached password checks (Basic and
// the OAuth password grant, both through Basic) are limited before they
// run: per username and client network, per client network, and per
// username unless the network is one the username recently succeeded
// from, with counts in the FailureStore; and they are admitted at most
// MaxPasswordChecks at a time. A cached Basic credential is refused only
// while its (username, network) pair is blocked.
type Authenticator struct {
	svc      Service
	cfg      Config
	cacheKey [32]byte // random per process: cache keys reveal nothing
	cache    verifiedCache

	failures      FailureStore
	subjectSecret atomic.Pointer[[]byte] // the FailureStore's subject key, once read
	subjectMu     sync.Mutex             // serializes the first read of it
	attempts      *attempts              // password attempts in flight, this process's failures
	keyFails      *attempts              // failed key and token checks per client network
	checks        slots                  // admission of uncached password checks
	flights       flights                // identical concurrent password checks share one
	nextPrune     atomic.Int64
}

// NewAuthenticator returns an Authenticator over svc.
func NewAuthenticator(svc Service, cfg Config) *Authenticator {
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = 60 * time.Second
	}
	if cfg.MaxFailures <= 0 {
		cfg.MaxFailures = 10
	}
	if cfg.MaxUserFailures <= 0 {
		cfg.MaxUserFailures = 100
	}
	if cfg.MaxIPFailures <= 0 {
		cfg.MaxIPFailures = 100
	}
	if cfg.MaxKeyFailures <= 0 {
		cfg.MaxKeyFailures = 100
	}
	if cfg.FailureWindow <= 0 {
		cfg.FailureWindow = 5 * time.Minute
	}
	if cfg.TrustedNetworkTTL <= 0 {
		cfg.TrustedNetworkTTL = 30 * 24 * time.Hour
	}
	if cfg.Failures == nil {
		cfg.Failures = NewMemoryFailures()
	}
	if cfg.MaxPasswordChecks <= 0 {
		cfg.MaxPasswordChecks = DefaultHashConcurrency()
	}
	if cfg.PasswordCheckWait <= 0 {
		cfg.PasswordCheckWait = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &Authenticator{svc: svc, cfg: cfg, cache: verifiedCache{m: map[[32]byte]cacheEntry{}},
		failures: cfg.Failures, attempts: newAttempts(cfg.FailureWindow), keyFails: newAttempts(cfg.FailureWindow),
		checks: make(slots, cfg.MaxPasswordChecks)}
	if _, err := rand.Read(a.cacheKey[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return a
}

// Principal authenticates r by exactly one of: "Authorization: Basic"
// (a user's username and password), "Authorization: Bearer" (an access
// token, or an API key), or "X-API-Key". Missing, ambiguous or wrong
// credentials are Unauthenticated; a password check refused by the failure
// limits is RateLimited, one refused because too many run at once is
// Unavailable (both carry a wait, see RetryAfter). The client IP is
// httpapi.ClientIP (the host of r.RemoteAddr): a trusted proxy must set it.
func (a *Authenticator) Principal(r *http.Request) (hub.Principal, error) {
	ctx := r.Context()
	ip := httpapi.ClientIP(r)
	authz := r.Header.Get("Authorization")
	apiKey := r.Header.Get("X-API-Key")
	switch {
	case authz != "" && apiKey != "":
		return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "send either Authorization or X-API-Key, not both")
	case apiKey != "":
		return a.secret(ip, func() (hub.Principal, error) { return a.svc.AuthenticateKey(ctx, apiKey) })
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
		return a.secret(ip, func() (hub.Principal, error) { return a.svc.AuthenticateKey(ctx, cred) })
	case strings.EqualFold(scheme, "Bearer"):
		return a.secret(ip, func() (hub.Principal, error) { return a.svc.AuthenticateToken(ctx, cred, ip) })
	}
	return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "unsupported authorization scheme")
}

// secret runs a key or token check. It reserves nothing and refuses
// nothing beforehand: the check always runs, so a valid key or token
// succeeds whatever else arrives from its client network. A failing check
// is counted per client network, in this process only, and once
// MaxKeyFailures are exceeded in a window the failing answer becomes
// RateLimited, telling a client stuck on a revoked key to back off.
// Nothing more is needed: keys and tokens are 256-bit random secrets, so
// guessing them is hopeless whatever the rate, and a shared count would
// turn every junk request into a database write.
func (a *Authenticator) secret(ip string, check func() (hub.Principal, error)) (hub.Principal, error) {
	pr, err := check()
	if !hub.IsKind(err, hub.Unauthenticated) {
		return pr, err
	}
	now := a.cfg.Now()
	// These counts stay in memory, so the network itself is their subject.
	if n, first := a.keyFails.fail(clientNetwork(ip), now); n > a.cfg.MaxKeyFailures {
		return hub.Principal{}, rateLimited(max(first.Add(a.cfg.FailureWindow).Sub(now), time.Second))
	}
	return hub.Principal{}, err
}

// Invalidate drops every cached verification of a user at once. Version
// checks already void stale entries; this also frees them.
func (a *Authenticator) Invalidate(userID int64) { a.cache.forgetUser(userID) }

// The faces call the Authenticator through httpapi.Authenticator: the
// password grants use Basic, so they share its throttles.
var _ httpapi.Authenticator = (*Authenticator)(nil)
