package auth

import (
	"context"
	"math"
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
// Failures are limited per client network (an IPv4 address, an IPv6
// /64), with counts in the FailureStore (replicas share them) over
// FailureWindow:
//
//   - MaxFailures of the username from the network block that pair: its
//     uncached checks, and its cached verifications too, since otherwise
//     a blocked guesser would learn the right password from a 200 among
//     429s.
//   - MaxIPFailures from the network, over all usernames, refuse the
//     network's uncached checks (password spraying).
//   - MaxUserFailures of the username from anywhere refuse its uncached
//     checks from every network it has not succeeded from within
//     TrustedNetworkTTL (distributed guessing). A network it has
//     succeeded from is exempt, so an attack from elsewhere cannot lock
//     the user out of where they log in; a new network is refused, even
//     with the right password, until the window ends, because answering
//     it would tell a guesser which guess was right.
//
// Attempts in flight count against the pair's limit and the username's
// ceiling, so parallel guesses cannot all reach the hash before the first
// failure is counted. A refused attempt counts, in this process, as a
// failure of the pair, so probing while blocked prolongs the block.
//
// A verification is cached for CacheTTL per username, password and client
// network; a cache hit is answered without touching the FailureStore: it
// reserves nothing and is refused only while its pair is blocked (as far
// as this process knows). Keying the cache by network keeps it from
// answering a guess from a network the ceiling refuses: an entry exists
// only where the password succeeded. Every reuse checks that the user's
// version is unchanged, so a new password, a role change or a
// deactivation takes effect at once (within the service's read cache TTL,
// when another process made the change).
//
// Identical concurrent checks (same credentials, same IP) share one.
// Checks are admitted MaxPasswordChecks at a time (else Unavailable,
// after PasswordCheckWait). A failure is recorded even if the caller has
// gone; a success clears the pair's failures and remembers the pair's
// success (written only when the stored one is older than a thirtieth of
// TrustedNetworkTTL, so a success costs no write most of the time). A
// username with a NUL byte or invalid UTF-8 is Unauthenticated before any
// query.
func (a *Authenticator) Basic(ctx context.Context, username, password, ip string) (hub.Principal, error) {
	if !validUsername(username) {
		return hub.Principal{}, hub.Errorf(hub.Unauthenticated, "invalid username or password")
	}
	skey, err := a.subjectKey(ctx)
	if err != nil {
		return hub.Principal{}, err
	}
	network := clientNetwork(ip)
	key := a.credentialKey(username, password, network)
	if pr, ok, err := a.cachedBasic(ctx, key, subject(skey, subjectUserAtIP, hub.UsernameKey(username), network)); ok || err != nil {
		return pr, err
	}
	return a.flights.do(ctx, flightKey{cred: key, ip: ip}, func(ctx context.Context) (hub.Principal, error) {
		return a.checkPassword(ctx, key, username, password, newPasswordSubjects(skey, username, network))
	})
}

// unlimited is the max of a limit that never refuses: its subject is
// counted, not checked.
const unlimited = math.MaxInt

// passwordLimits returns the limits of a password check: the pair
// (username, network) first, then the username, then the network. A
// trusted check (from a network the username recently succeeded from) is
// not held to the username's ceiling, and reserves nothing against it.
func (a *Authenticator) passwordLimits(s passwordSubjects, trusted bool) []limit {
	user := limit{subject: s.user, max: a.cfg.MaxUserFailures, reserve: true}
	if trusted {
		user = limit{subject: s.user, max: unlimited}
	}
	return []limit{
		{subject: s.pair, max: a.cfg.MaxFailures, reserve: true},
		user,
		{subject: s.network, max: a.cfg.MaxIPFailures},
	}
}

// cachedBasic answers from the verification cache: ok reports an answer
// (the principal, or err when refused); !ok with a nil err means a miss.
// pair is the subject of the username from the client's network.
func (a *Authenticator) cachedBasic(ctx context.Context, key [32]byte, pair string) (hub.Principal, bool, error) {
	now := a.cfg.Now()
	e, ok := a.cache.lookup(key, now)
	if !ok {
		return hub.Principal{}, false, nil
	}
	if err := a.attempts.over([]limit{{subject: pair, max: a.cfg.MaxFailures}}, now); err != nil {
		a.attempts.fail(pair, now)
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
func (a *Authenticator) checkPassword(ctx context.Context, key [32]byte, username, password string, s passwordSubjects) (hub.Principal, error) {
	subjects := []string{s.pair, s.user, s.network}
	now := a.cfg.Now()
	counts, starts, lastSuccess, err := a.failures.LoginHistory(ctx, subjects, now.Add(-a.cfg.FailureWindow),
		s.success, now.Add(-a.cfg.TrustedNetworkTTL))
	if err != nil {
		return hub.Principal{}, err
	}
	stored := make([]window, len(counts))
	for i := range counts {
		stored[i] = window{count: counts[i], start: starts[i]}
	}
	limits := a.passwordLimits(s, !lastSuccess.IsZero())
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
	a.recordSuccess(ctx, s, stored[0].count > 0, now.Sub(lastSuccess) >= a.cfg.TrustedNetworkTTL/30, now)
	a.attempts.clear(s.pair)
	a.attempts.settle(limits, false, now)
	a.cache.store(key, cacheEntry{userID: u.ID, version: u.Version, expires: now.Add(a.cfg.CacheTTL)}, now)
	return pr, nil
}

// recordSuccess clears the pair's stored failures (when there are some)
// and remembers the pair's success at now (when the stored one is stale),
// also when the caller has gone. A store error is logged: the success
// stands, and this process's own counts were cleared.
func (a *Authenticator) recordSuccess(ctx context.Context, s passwordSubjects, clear, remember bool, now time.Time) {
	if !clear && !remember {
		return
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
	defer cancel()
	if clear {
		if err := a.failures.ClearLoginFailures(sctx, []string{s.pair}); err != nil {
			a.cfg.Log.WarnContext(ctx, "auth: could not clear failed logins", "err", err)
		}
	}
	if remember {
		if err := a.failures.RecordLoginSuccess(sctx, s.success, now); err != nil {
			a.cfg.Log.WarnContext(ctx, "auth: could not record a successful login", "err", err)
		}
		// Successes are pruned here too: a deployment where nobody ever
		// mistypes still forgets old ones.
		a.prune(sctx, now)
	}
}

// recordFailure counts a failed check in the FailureStore, also when the
// caller has gone (a client must not dodge the count by hanging up), and
// now and then removes ended windows. A store error is logged; this
// process's own count (attempts) still limits.
func (a *Authenticator) recordFailure(ctx context.Context, subjects []string, now time.Time) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
	defer cancel()
	if err := a.failures.RecordLoginFailure(sctx, subjects, now, now.Add(-a.cfg.FailureWindow)); err != nil {
		a.cfg.Log.WarnContext(ctx, "auth: could not record a failed login", "err", err)
	}
	a.prune(sctx, now)
}

// prune removes ended failure windows and successes older than
// TrustedNetworkTTL from the FailureStore, at most once per pruneInterval
// in this process.
func (a *Authenticator) prune(ctx context.Context, now time.Time) {
	next := a.nextPrune.Load()
	if now.UnixNano() < next || !a.nextPrune.CompareAndSwap(next, now.Add(pruneInterval).UnixNano()) {
		return
	}
	if err := a.failures.PruneLoginFailures(ctx, now.Add(-a.cfg.FailureWindow), now.Add(-a.cfg.TrustedNetworkTTL)); err != nil {
		a.cfg.Log.WarnContext(ctx, "auth: could not prune failed logins", "err", err)
	}
}
