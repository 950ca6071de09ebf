package auth

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

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
	// networks (distributed guessing); default 100.
	MaxUserFailures int
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

// pruneInterval is how often an Authenticator removes ended failure
// windows from its FailureStore.
const pruneInterval = time.Minute

// storeTimeout bounds a failure store write that runs after the request
// that caused it may have gone.
const storeTimeout = 2 * time.Second

// Authenticator turns the credentials of an HTTP request into a principal,
// for every API face. It is safe for concurrent use.
//
// Throttling limits failures, never success: an API key, a token or a
// cached Basic credential is checked without any reservation or prior
// refusal, so a valid one is never answered RateLimited, however many
// requests share its client IP. Only uncached password checks (Basic and
// the OAuth password grant, both through Basic) are limited before they
// run: per username and client network, per username, and per client
// network, with counts in the FailureStore; and they are admitted at most
// MaxPasswordChecks at a time.
type Authenticator struct {
	svc      Service
	cfg      Config
	cacheKey [32]byte // random per process: cache keys reveal nothing
	cache    verifiedCache

	failures  FailureStore
	attempts  *attempts // password attempts in flight, this process's failures
	keyFails  *attempts // failed key and token checks per client network
	checks    slots     // admission of uncached password checks
	flights   flights   // identical concurrent password checks share one
	nextPrune atomic.Int64
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
// Unavailable (both carry a wait, see RetryAfter). The client IP is the
// host of r.RemoteAddr: a trusted proxy must set it.
func (a *Authenticator) Principal(r *http.Request) (hub.Principal, error) {
	ctx := r.Context()
	ip := clientIP(r)
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
	if n, first := a.keyFails.fail(subject(subjectIP, clientNetwork(ip)), now); n > a.cfg.MaxKeyFailures {
		return hub.Principal{}, rateLimited(max(first.Add(a.cfg.FailureWindow).Sub(now), time.Second))
	}
	return hub.Principal{}, err
}

// Basic authenticates a username and password from ip; the OAuth password
// grant calls it too.
//
// A verification is cached for CacheTTL, and a cache hit is answered
// without touching the failure store: it reserves nothing and is never
// refused because of other requests or other usernames' failures. It is
// refused only while this username is blocked from ip's network or
// everywhere (as far as this process knows), because otherwise a blocked
// guesser would learn the right password from a 200 among 429s. Every
// reuse checks that the user's version is unchanged, so a new password, a
// role change or a deactivation takes effect at once (within the service's
// read cache TTL, when another process made the change).
//
// An uncached check is refused (RateLimited) when MaxFailures failures of
// the username from ip's network, MaxUserFailures of the username, or
// MaxIPFailures from the network fall in the current window (counts from
// the FailureStore, so replicas share them); attempts in flight count
// against the first two, so parallel guesses cannot all reach the hash
// before the first failure is counted. A refused attempt counts, in this
// process, as a failure of the username from that network, so probing
// the cache while blocked ends in a block too. Identical concurrent checks
// (same credentials, same IP) share one. Checks are admitted
// MaxPasswordChecks at a time (else Unavailable, after PasswordCheckWait).
// A failure is recorded even if the caller has gone; a success clears the
// username's failures from ip's network only. A username with a NUL byte
// or invalid UTF-8 is Unauthenticated before any query.
func (a *Authenticator) Basic(ctx context.Context, username, password, ip string) (hub.Principal, error) {
	if !validUsername(username) {
		return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "invalid username or password")
	}
	limits := a.passwordLimits(username, ip)
	key := a.credentialKey(username, password)
	if pr, ok, err := a.cachedBasic(ctx, key, limits); ok || err != nil {
		return pr, err
	}
	return a.flights.do(ctx, flightKey{cred: key, ip: ip}, func(ctx context.Context) (hub.Principal, error) {
		return a.checkPassword(ctx, key, username, password, limits)
	})
}

// passwordLimits returns the limits of a password check of username from
// ip: the pair (username, network) first, then the username, then the
// network.
func (a *Authenticator) passwordLimits(username, ip string) []limit {
	userKey, network := hub.UsernameKey(username), clientNetwork(ip)
	return []limit{
		{subject: subject(subjectUserAtIP, userKey, network), max: a.cfg.MaxFailures, reserve: true},
		{subject: subject(subjectUser, userKey), max: a.cfg.MaxUserFailures, reserve: true},
		{subject: subject(subjectIP, network), max: a.cfg.MaxIPFailures},
	}
}

// cachedBasic answers from the verification cache: ok reports an answer
// (the principal, or err when refused); !ok with a nil err means a miss.
func (a *Authenticator) cachedBasic(ctx context.Context, key [32]byte, limits []limit) (hub.Principal, bool, error) {
	now := a.cfg.Now()
	e, ok := a.cache.lookup(key, now)
	if !ok {
		return hub.Principal{}, false, nil
	}
	if err := a.attempts.over(limits[:2], now); err != nil {
		a.attempts.fail(limits[0].subject, now)
		return hub.Principal{}, true, err
	}
	pr, version, err := a.svc.UserPrincipal(ctx, e.userID)
	if err == nil && version == e.version {
		return pr, true, nil
	}
	a.cache.forget(key)
	if err != nil && !hub.IsKind(err, hub.Unauthenticated) {
		return hub.Principal{}, true, err
	}
	return hub.Principal{}, false, nil
}

// checkPassword is one uncached password check under the failure limits
// and the admission bound.
func (a *Authenticator) checkPassword(ctx context.Context, key [32]byte, username, password string, limits []limit) (hub.Principal, error) {
	subjects := []string{limits[0].subject, limits[1].subject, limits[2].subject}
	now := a.cfg.Now()
	counts, starts, err := a.failures.LoginFailures(ctx, subjects, now.Add(-a.cfg.FailureWindow))
	if err != nil {
		return hub.Principal{}, err
	}
	stored := make([]window, len(counts))
	for i := range counts {
		stored[i] = window{count: counts[i], start: starts[i]}
	}
	if err := a.attempts.reserve(limits, stored, now); err != nil {
		a.attempts.fail(subjects[0], now)
		return hub.Principal{}, err
	}
	if err := a.checks.acquire(ctx, a.cfg.PasswordCheckWait); err != nil {
		a.attempts.settle(limits, false, now)
		return hub.Principal{}, err
	}
	// Failures counted while this check waited (the network's, which
	// reserves nothing) refuse it before the hash.
	if err := a.attempts.over(limits, a.cfg.Now()); err != nil {
		a.checks.release()
		a.attempts.settle(limits, false, now)
		a.attempts.fail(subjects[0], now)
		return hub.Principal{}, err
	}
	pr, u, err := a.svc.AuthenticatePassword(ctx, username, password)
	a.checks.release()
	now = a.cfg.Now()
	switch {
	case hub.IsKind(err, hub.Unauthenticated):
		a.recordFailure(ctx, subjects, now)
		a.attempts.settle(limits, true, now)
		return hub.Principal{}, err
	case err != nil:
		a.attempts.settle(limits, false, now)
		return hub.Principal{}, err
	}
	if stored[0].count > 0 {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
		if err := a.failures.ClearLoginFailures(sctx, subjects[:1]); err != nil {
			a.cfg.Log.WarnContext(ctx, "auth: could not clear failed logins", "err", err)
		}
		cancel()
	}
	a.attempts.clear(subjects[0])
	a.attempts.settle(limits, false, now)
	a.cache.store(key, cacheEntry{userID: u.ID, version: u.Version, expires: now.Add(a.cfg.CacheTTL)}, now)
	return pr, nil
}

// recordFailure counts a failed check in the FailureStore, also when the
// caller has gone (a client must not dodge the count by hanging up), and
// now and then removes ended windows. A store error is logged; this
// process's own count (attempts) still limits.
func (a *Authenticator) recordFailure(ctx context.Context, subjects []string, now time.Time) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
	defer cancel()
	since := now.Add(-a.cfg.FailureWindow)
	if err := a.failures.RecordLoginFailure(sctx, subjects, now, since); err != nil {
		a.cfg.Log.WarnContext(ctx, "auth: could not record a failed login", "err", err)
	}
	next := a.nextPrune.Load()
	if now.UnixNano() < next || !a.nextPrune.CompareAndSwap(next, now.Add(pruneInterval).UnixNano()) {
		return
	}
	if err := a.failures.PruneLoginFailures(sctx, since); err != nil {
		a.cfg.Log.WarnContext(ctx, "auth: could not prune failed logins", "err", err)
	}
}

// Invalidate drops every cached verification of a user at once. Version
// checks already void stale entries; this also frees them.
func (a *Authenticator) Invalidate(userID int64) { a.cache.forgetUser(userID) }

// clientIP returns the host part of r.RemoteAddr.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
