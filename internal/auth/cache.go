package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"time"
)

// maxCacheEntries bounds the Basic verification cache.
const maxCacheEntries = 100_000

// verifiedCache remembers recent successful password checks by credential
// key (username, password and client network). It is safe for concurrent use.
type verifiedCache struct {
	mu sync.Mutex
	m  map[[32]byte]cacheEntry
}

// cacheEntry remembers that a username and password verified as a user at
// a version; a changed version (password, role, status) voids it.
type cacheEntry struct {
	userID  int64
	version int64
	expires time.Time
}

// credentialKey is HMAC-SHA256 under the process key of username,
// password and client network: the cache never holds a password or an
// offline-guessable hash, and a verification is reused only from the
// network it succeeded from (see Basic).
func (a *Authenticator) credentialKey(username, password, network string) [32]byte {
	// The network goes first with its length; a username holds no NUL
	// (validUsername), so the three never run into each other.
	m := hmac.New(sha256.New, a.cacheKey[:])
	m.Write(binary.AppendUvarint(nil, uint64(len(network))))
	m.Write([]byte(network))
	m.Write([]byte(username))
	m.Write([]byte{0})
	m.Write([]byte(password))
	var k [32]byte
	copy(k[:], m.Sum(nil))
	return k
}

// lookup returns the live entry for key, dropping an expired one.
func (c *verifiedCache) lookup(key [32]byte, now time.Time) (cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if ok && !now.Before(e.expires) {
		delete(c.m, key)
		return cacheEntry{}, false
	}
	return e, ok
}

// store adds an entry; when the cache is full it first drops expired
// entries, and if it is still full the entry is not kept.
func (c *verifiedCache) store(key [32]byte, e cacheEntry, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCacheEntries {
		for k, old := range c.m {
			if !now.Before(old.expires) {
				delete(c.m, k)
			}
		}
	}
	if len(c.m) < maxCacheEntries {
		c.m[key] = e
	}
}

func (c *verifiedCache) forget(key [32]byte) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

func (c *verifiedCache) forgetUser(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if e.userID == userID {
			delete(c.m, k)
		}
	}
}
