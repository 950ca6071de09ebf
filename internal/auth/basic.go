package auth

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// pruneInterval is how often an Authenticator removes ended failure
// windows from its FailureStore.
const pruneInterval = time.Minute

// storeTimeout bounds a failure store write that runs after the request
// that caused it may have gone.
const storeTimeout = 2 * time.Second

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
