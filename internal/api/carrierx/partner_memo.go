package carrierx

import (
	"sync"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// partnerMemo remembers the encoded full Partner object (no field
// selection) of recently served partners, keyed by partner ID and Version.
//
// Why (ID, Version) identifies the bytes: the object is a function of the
// partner's stored row alone, plus parent_sid and available_scopes. Every
// change to a stored partner field bumps the row's version in the same
// statement (store UpdatePartner and the e-mail verification UPDATE both
// set version = version + 1), and ids are never reused (a sequence on
// PostgreSQL, a counter table on SQLite), so one (ID, Version) names one
// row content. The entry also records the SID, which is random, and a hit
// needs it to match: a reused id (a database restored or rebuilt under a
// running server) can never serve another partner's bytes. parent_sid changes only when the partner
// itself is moved, which hub.Service.UpdatePartner does in the transaction
// that also bumps the version (a move of an ancestor rewrites path and
// depth of the subtree, neither of which is shown); a parent's SID never
// changes. available_scopes depends only on whether ParentID is 0, which is
// part of the row. A memo belongs to one api, hence to one database: the
// same ID in another database is another partner.
//
// The memo holds at most one version per ID (a newer version replaces an
// older one, an older one never replaces a newer one) and at most
// memoMaxEntries entries and memoMaxBytes bytes of encodings. When an
// insert would exceed either bound, arbitrary entries (the first ones a
// map range yields, which Go randomises) are dropped until it fits: cheap,
// and with the bound well above a working set of hot partners it behaves
// like random replacement. Only read paths fill it; write responses
// encode afresh (they are rare, and a partner echoed by a write should not
// be what the memo trusts).
//
// It is safe for concurrent use. The slices it hands out are shared and
// must never be modified: callers append-copy them into their own buffer.
type partnerMemo struct {
	mu         sync.RWMutex
	m          map[int64]memoEntry
	bytes      int
	maxEntries int
	maxBytes   int
}

type memoEntry struct {
	sid     string
	version int64
	b       []byte
}

// The memo's bounds: a working set of hot partners (a page's, a busy
// integration's), not the tree. Every entry is live heap that the
// collector marks on each cycle and that counts against serve's soft
// memory limit. Filled to an earlier bound of 20,000 entries (11,111
// partners read at random, about 11 MiB) under the 32 MiB limit serve
// then had with the cache off, it made a later 100-row page 27 % slower
// (wrk, 32 connections, cache off, the same process before and after);
// at 4,096 entries, 10 %.
const (
	memoMaxEntries = 4096
	memoMaxBytes   = 4 << 20
)

func newPartnerMemo(maxEntries, maxBytes int) *partnerMemo {
	return &partnerMemo{m: make(map[int64]memoEntry), maxEntries: maxEntries, maxBytes: maxBytes}
}

// get returns the encoding of partner id (whose SID is sid) at version, if
// remembered. The result must not be modified.
func (c *partnerMemo) get(id int64, sid string, version int64) ([]byte, bool) {
	c.mu.RLock()
	e, ok := c.m[id]
	c.mu.RUnlock()
	if !ok || e.version != version || e.sid != sid {
		return nil, false
	}
	return e.b, true
}

// put remembers a copy of b as the encoding of partner id (SID sid) at
// version.
func (c *partnerMemo) put(id int64, sid string, version int64, b []byte) {
	if len(b) > c.maxBytes {
		return
	}
	own := append([]byte(nil), b...)
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[id]; ok {
		if old.sid == sid && old.version > version {
			return
		}
		c.bytes -= len(old.b)
		delete(c.m, id)
	}
	for k, e := range c.m {
		if len(c.m) < c.maxEntries && c.bytes+len(own) <= c.maxBytes {
			break
		}
		c.bytes -= len(e.b)
		delete(c.m, k)
	}
	c.m[id] = memoEntry{sid: sid, version: version, b: own}
	c.bytes += len(own)
}

// len reports the number of remembered partners.
func (c *partnerMemo) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

// appendPartnerMemo appends the full Partner object of p (no field
// selection), from the memo when it holds p at p.Version. p must be a
// partner as read from the store, so that (ID, Version) identifies it;
// with a nil memo it simply encodes.
func (c *partnerMemo) appendPartner(dst []byte, p *hub.Partner) ([]byte, error) {
	if c == nil {
		return appendPartner(dst, p, nil)
	}
	if b, ok := c.get(p.ID, p.SID, p.Version); ok {
		return append(dst, b...), nil
	}
	start := len(dst)
	dst, err := appendPartner(dst, p, nil)
	if err != nil {
		return dst, err
	}
	c.put(p.ID, p.SID, p.Version, dst[start:])
	return dst, nil
}
