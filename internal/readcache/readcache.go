// Package readcache is an in-memory, read-through cache in front of a
// hub.Store: the reads every request makes (the credential, its user, the
// caller's and the target's partner, a repeated list page) are answered
// from memory while nothing has changed.
//
// Coherence. Every entry is stamped with the store generation read before
// its database read. Every write transaction made through this Store that
// can change a cached answer bumps the generation after it ends, which
// invalidates every entry at once; a write only of access metadata (a
// token's or key's last use, a login time) evicts just the entries it
// touched. Either way a read that started before the write stores nothing
// it read, so a read that starts after Write has returned never sees a
// value from before that write. Writes this process does not make reach it
// through Invalidate, which the PostgreSQL change feed calls on other
// replicas' notices (Options.Publish sends this process's); what no notice
// covers (a lost notice, a command-line tool on the same SQLite file)
// shows when the entries it affects expire: no answer is older than
// Options.TTL.
//
// Objects handed out are copies; callers may modify them. List pages are
// shared: a page's items, and the maps and slices inside them, must not be
// modified (the faces only encode them). Options.Verify checks that in
// tests.
package readcache

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// Default bounds of a cache.
const (
	DefaultMaxEntries   = 20_000
	DefaultMaxListItems = 20_000
	DefaultMaxBytes     = 32 << 20
)

// Options configures a cache.
type Options struct {
	// TTL bounds the age of every answer. It must be positive.
	TTL time.Duration
	// MaxEntries bounds the number of cached objects (0: DefaultMaxEntries).
	MaxEntries int
	// MaxListItems bounds the number of items held by cached list pages
	// together (0: DefaultMaxListItems). A page above a quarter of it is
	// never cached.
	MaxListItems int
	// MaxBytes bounds the estimated heap bytes the cache keeps alive (0:
	// DefaultMaxBytes): objects and list pages get half each. A page above
	// a quarter of its half is never cached. The estimate (see sizeOf)
	// counts the values' strings, maps and slices, not the allocator's
	// slack or the garbage collector's headroom.
	MaxBytes int64
	// Now is the clock (nil: time.Now); tests set it.
	Now func() time.Time
	// Verify makes every list hit check that the cached page is unchanged
	// since it was stored, and panic if a caller modified it. It is for
	// tests: it costs an encoding of the page per hit.
	Verify bool
	// Publish, if non-nil, is called after every write that invalidated
	// the cache, once the write has ended, to tell other processes sharing
	// the database (which call Invalidate in turn); see
	// store.DB.PublishChange and WatchChanges. It reports its own errors:
	// a lost notice only leaves the other processes with their TTL.
	Publish func(ctx context.Context)
}

// Store is a hub.Store whose hot reads are cached; every other method is
// the wrapped store's. It is safe for concurrent use.
type Store struct {
	hub.Store
	opt Options
	gen atomic.Uint64
	// evictions counts the targeted evictions of metadata-only writes; a
	// read that started before one may not store what it read.
	evictions atomic.Uint64

	mu        sync.RWMutex
	objects   map[objectKey]entry
	lists     map[listKey]listEntry
	listItems int
	// objectBytes and listBytes are the estimated sizes of what objects
	// and lists hold, bounded by half of Options.MaxBytes each.
	objectBytes, listBytes int64
	// byToken and byAPIKey find the entries of a token or key by id, for
	// the evictions of metadata-only writes.
	byToken  map[int64]objectKey
	byAPIKey map[int64]objectKey

	hits, misses atomic.Uint64
}

type entry struct {
	v       any
	gen     uint64
	expires time.Time
	size    int64 // sizeOf(v) + entryOverhead
}

type listEntry struct {
	page    hub.Page[hub.Partner]
	gen     uint64
	expires time.Time
	sum     [32]byte // with Options.Verify: fingerprint(page) when stored
	size    int64    // pageSize(page) + entryOverhead
}

// New wraps s. It panics when opt.TTL is not positive: a cache without a
// bound on staleness is a configuration error (leave the store unwrapped
// to disable caching).
func New(s hub.Store, opt Options) *Store {
	if opt.TTL <= 0 {
		panic("readcache: TTL must be positive")
	}
	if opt.MaxEntries <= 0 {
		opt.MaxEntries = DefaultMaxEntries
	}
	if opt.MaxListItems <= 0 {
		opt.MaxListItems = DefaultMaxListItems
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	c := &Store{Store: s, opt: opt}
	c.reset()
	return c
}

// Stats reports the cache's hits and misses since it was created.
func (c *Store) Stats() (hits, misses uint64) { return c.hits.Load(), c.misses.Load() }

// reset empties the cache; the caller holds mu or owns c exclusively.
func (c *Store) reset() {
	c.objects = map[objectKey]entry{}
	c.lists = map[listKey]listEntry{}
	c.listItems = 0
	c.objectBytes, c.listBytes = 0, 0
	c.byToken = map[int64]objectKey{}
	c.byAPIKey = map[int64]objectKey{}
}

// Invalidate makes every entry stale: entries being filled by reads that
// started before it carry the old generation and are never served. Call it
// when another process reports a change.
func (c *Store) Invalidate() {
	c.mu.Lock()
	c.gen.Add(1)
	c.reset()
	c.mu.Unlock()
}

// Write runs fn through the wrapped store and then invalidates what the
// transaction may have changed (see the package comment), whether or not
// it committed: a failed commit may still have taken effect.
func (c *Store) Write(ctx context.Context, fn func(hub.Tx) error) error {
	t := &trackingTx{}
	err := c.Store.Write(ctx, func(tx hub.Tx) error {
		t.Reader, t.w = tx, tx
		return fn(t)
	})
	switch {
	case t.changed:
		c.Invalidate()
		if c.opt.Publish != nil {
			c.opt.Publish(ctx)
		}
	case len(t.touchedTokens)+len(t.touchedKeys)+len(t.touchedUsers) > 0:
		c.evictTouched(t)
	}
	return err
}

// evictTouched drops the entries whose access metadata t wrote.
func (c *Store) evictTouched(t *trackingTx) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.evictions.Add(1)
	for _, id := range t.touchedTokens {
		if k, ok := c.byToken[id]; ok {
			c.dropObject(k)
			delete(c.byToken, id)
		}
	}
	for _, id := range t.touchedKeys {
		if k, ok := c.byAPIKey[id]; ok {
			c.dropObject(k)
			delete(c.byAPIKey, id)
		}
	}
	for _, id := range t.touchedUsers {
		c.dropObject(objectKey{kind: kindUser, id: id})
	}
}

// lookup returns the live entry under k, counting a hit or a miss.
func (c *Store) lookup(k objectKey) (any, bool) {
	if e, ok := c.live(k); ok {
		c.hits.Add(1)
		return e.v, true
	}
	c.misses.Add(1)
	return nil, false
}

// live returns the entry under k when it is current, counting nothing.
func (c *Store) live(k objectKey) (entry, bool) {
	c.mu.RLock()
	e, ok := c.objects[k]
	c.mu.RUnlock()
	return e, ok && e.gen == c.gen.Load() && c.opt.Now().Before(e.expires)
}

// stamp is what a read notes before it goes to the database.
type stamp struct{ gen, evictions uint64 }

func (c *Store) stamp() stamp { return stamp{c.gen.Load(), c.evictions.Load()} }

// store keeps v under k, stamped with the generation read before v was
// read. It keeps nothing when an invalidation or an eviction happened
// since then: v may predate the write behind it.
func (c *Store) store(k objectKey, v any, st stamp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st != c.stamp() {
		return
	}
	gen := st.gen
	size := sizeOf(v) + entryOverhead
	c.dropObject(k) // a racing read may have stored k already
	if size > c.opt.MaxBytes/8 {
		// Above a quarter of the objects' half, as for list pages: making
		// room for it would empty the cache (credentials included) on
		// every read of this one object.
		return
	}
	for len(c.objects) > 0 && (len(c.objects) >= c.opt.MaxEntries || c.objectBytes+size > c.opt.MaxBytes/2) {
		c.shrinkObjects()
	}
	c.objects[k] = entry{v: v, gen: gen, expires: c.opt.Now().Add(c.opt.TTL), size: size}
	c.objectBytes += size
	switch x := v.(type) {
	case *hub.TokenCredentials:
		c.byToken[x.Token.ID] = k
	case *hub.APIKeyCredentials:
		c.byAPIKey[x.Key.ID] = k
	}
}

// shrinkObjects drops an arbitrary eighth of the objects (map order), so
// that a full cache costs one sweep per MaxEntries/8 insertions.
func (c *Store) shrinkObjects() {
	drop := max(len(c.objects)/8, 1)
	for k := range c.objects {
		if drop == 0 {
			break
		}
		c.dropObject(k)
		drop--
	}
	// The id indexes may now point at dropped keys; evictions through them
	// then delete nothing, which is harmless. Rebuild them when they have
	// grown beyond the objects they index.
	if len(c.byToken)+len(c.byAPIKey) > len(c.objects) {
		c.byToken, c.byAPIKey = map[int64]objectKey{}, map[int64]objectKey{}
		for k, e := range c.objects {
			switch x := e.v.(type) {
			case *hub.TokenCredentials:
				c.byToken[x.Token.ID] = k
			case *hub.APIKeyCredentials:
				c.byAPIKey[x.Key.ID] = k
			}
		}
	}
}

// dropObject deletes the object under k, if any, and its bytes from the
// count; c.mu must be held.
func (c *Store) dropObject(k objectKey) {
	if e, ok := c.objects[k]; ok {
		c.objectBytes -= e.size
		delete(c.objects, k)
	}
}

// Size reports the number of cached objects and of items held by cached
// list pages.
func (c *Store) Size() (objects, listItems int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.objects), c.listItems
}

// Bytes reports the estimated heap bytes held by cached objects and by
// cached list pages (see Options.MaxBytes).
func (c *Store) Bytes() (objects, lists int64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.objectBytes, c.listBytes
}
