package auth

import (
	"errors"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// RetryAfterError is the cause inside a RateLimited or Unavailable
// hub.Error from this package: how long the caller should wait before
// trying again.
type RetryAfterError struct{ After time.Duration }

// Error describes the wait.
func (e *RetryAfterError) Error() string { return "retry after " + e.After.Round(time.Second).String() }

// RetryAfter returns the wait; the faces read it (httpapi.RetryAfter) for
// the Retry-After header.
func (e *RetryAfterError) RetryAfter() time.Duration { return e.After }

// RetryAfter returns the wait carried by a RateLimited or Unavailable
// error from this package, and whether there was one.
func RetryAfter(err error) (time.Duration, bool) {
	var ra *RetryAfterError
	if errors.As(err, &ra) {
		return ra.After, true
	}
	return 0, false
}

// rateLimited is the answer to an attempt over a failure limit.
func rateLimited(wait time.Duration) error {
	return &hub.Error{Kind: hub.RateLimited, Message: "too many failed attempts; retry later", Err: &RetryAfterError{After: wait}}
}

// maxTrackedSubjects bounds the subjects an attempts table keeps only for
// their failure counts. A subject holding a reservation is always kept:
// those are bounded by the requests in flight.
const maxTrackedSubjects = 100_000

// limit is one subject's failure limit for one attempt.
type limit struct {
	subject string
	max     int  // failures in a window at which the subject is refused
	reserve bool // attempts in flight count against max (see attempts)
}

// attempts is this process's part of the failure throttle: the password
// checks in flight per subject, reserved before the slow hash so that
// parallel guesses cannot all pass the limit before the first failure is
// counted, and the failures this process saw, in fixed windows (a window
// starts at a subject's first failure and lasts window).
//
// Reservations live only here, in memory: they last as long as one check
// (milliseconds, at most the hash admission wait), so writing them to the
// shared FailureStore would double its writes and leave stale reservations
// behind a crashed process. Across replicas the limit can therefore be
// overshot by the attempts the others have in flight at that moment; the
// shared counts catch up as those finish. The local failure counts close
// the gap between a count read from the FailureStore and the reservation
// taken after it: a failure this process recorded in between is seen here.
//
// It is safe for concurrent use.
type attempts struct {
	mu        sync.Mutex
	window    time.Duration
	seen      map[string]*attempt
	adds      int
	lastSweep time.Time
}

type attempt struct {
	pending int       // reserved attempts not yet settled
	count   int       // failures in the window starting at first
	first   time.Time // start of the failure window; zero before any failure
}

func newAttempts(window time.Duration) *attempts {
	return &attempts{window: window, seen: map[string]*attempt{}}
}

// current returns a's failures in the window running at now.
func (t *attempts) current(a *attempt, now time.Time) (int, time.Time) {
	if a == nil || a.count == 0 || now.Sub(a.first) >= t.window {
		return 0, time.Time{}
	}
	return a.count, a.first
}

// reserve admits one attempt at now against every limit, or returns a
// RateLimited error and reserves nothing. A subject's failures are the
// larger of stored[i] (the shared count read just before, with its window
// start) and this process's own; a larger shared count is adopted, so
// that over sees it too. A reserving subject adds its attempts in flight.
// Every nil return must be settled by exactly one settle call with the
// same limits.
func (t *attempts) reserve(limits []limit, stored []window, now time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var refusal error
	for i, l := range limits {
		a := t.seen[l.subject]
		count, first := t.current(a, now)
		if i < len(stored) && stored[i].count > count && now.Sub(stored[i].start) < t.window {
			count, first = stored[i].count, stored[i].start
			if a == nil {
				a = t.entry(l.subject, now, false)
			}
			if a != nil {
				a.count, a.first = count, first
			}
		}
		pending := 0
		if l.reserve && a != nil {
			pending = a.pending
		}
		switch {
		case refusal != nil || count+pending < l.max:
		case count >= l.max:
			refusal = rateLimited(max(first.Add(t.window).Sub(now), time.Second))
		default:
			// Attempts in flight settle within a request: retry soon.
			refusal = rateLimited(time.Second)
		}
	}
	if refusal != nil {
		return refusal
	}
	for _, l := range limits {
		if l.reserve {
			t.entry(l.subject, now, true).pending++
		}
	}
	return nil
}

// over returns a RateLimited error when a subject's failures counted by
// this process alone reach its limit at now; it reserves nothing.
func (t *attempts) over(limits []limit, now time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, l := range limits {
		if count, first := t.current(t.seen[l.subject], now); count >= l.max {
			return rateLimited(max(first.Add(t.window).Sub(now), time.Second))
		}
	}
	return nil
}

// settle ends an attempt admitted by reserve: it releases the reservations
// and, when failed, counts one failure at now for every subject.
func (t *attempts) settle(limits []limit, failed bool, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, l := range limits {
		a := t.seen[l.subject]
		if failed && a == nil {
			a = t.entry(l.subject, now, false)
		}
		if a == nil {
			continue
		}
		if l.reserve && a.pending > 0 {
			a.pending--
		}
		if failed {
			t.countFailure(a, now)
		}
		t.dropIfEmpty(l.subject, a, now)
	}
}

// fail counts one failure of subject at now without a reservation and
// returns the failures in its window and the window's start; a subject
// the table has no room for counts as 0.
func (t *attempts) fail(subject string, now time.Time) (int, time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.entry(subject, now, false)
	if a == nil {
		return 0, time.Time{}
	}
	t.countFailure(a, now)
	return a.count, a.first
}

// clear forgets subject's failures (after a success); its attempts in
// flight stay reserved.
func (t *attempts) clear(subject string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a := t.seen[subject]; a != nil {
		a.count, a.first = 0, time.Time{}
		if a.pending == 0 {
			delete(t.seen, subject)
		}
	}
}

func (t *attempts) countFailure(a *attempt, now time.Time) {
	if a.count == 0 || now.Sub(a.first) >= t.window {
		a.count, a.first = 0, now
	}
	a.count++
}

func (t *attempts) dropIfEmpty(subject string, a *attempt, now time.Time) {
	if count, _ := t.current(a, now); a.pending == 0 && count == 0 {
		delete(t.seen, subject)
	}
}

// entry returns subject's entry, creating it. A new entry for counting
// alone (reservation false) is refused, and nil returned, while the table
// holds maxTrackedSubjects after a sweep. t.mu must be held.
func (t *attempts) entry(subject string, now time.Time, reservation bool) *attempt {
	if a, ok := t.seen[subject]; ok {
		return a
	}
	if t.adds++; t.adds%1024 == 0 {
		t.sweep(now)
	}
	if !reservation && len(t.seen) >= maxTrackedSubjects {
		// Full of live entries: sweep at most once a second, so a flood
		// of new subjects cannot make every call walk the table.
		if now.Sub(t.lastSweep) < time.Second {
			return nil
		}
		t.sweep(now)
		if len(t.seen) >= maxTrackedSubjects {
			return nil
		}
	}
	a := &attempt{}
	t.seen[subject] = a
	return a
}

// sweep forgets subjects with no attempt in flight whose failure window
// has ended. t.mu must be held.
func (t *attempts) sweep(now time.Time) {
	t.lastSweep = now
	for k, a := range t.seen {
		t.dropIfEmpty(k, a, now)
	}
}
