package readcache

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// objectKind tells the cached reads apart.
type objectKind uint8

const (
	kindPartnerID objectKind = iota + 1
	kindPartnerSID
	kindPartnerRef
	kindUser
	kindToken  // by access hash
	kindAPIKey // by prefix
)

// objectKey names one cached object: id for the numeric lookups, s for
// the textual ones.
type objectKey struct {
	kind objectKind
	id   int64
	s    string
}

// listKey names one cached list page: the subtree and the query's
// canonical text.
type listKey struct {
	path  string
	query string
}

// cached answers k from the cache, or reads it with fetch and caches it.
// Errors (NotFound included) are never cached. clone copies a value so
// that the cached one is never shared with a caller.
func cached[T any](c *Store, k objectKey, fetch func() (*T, error), clone func(*T) *T) (*T, error) {
	if v, ok := c.lookup(k); ok {
		return clone(v.(*T)), nil
	}
	st := c.stamp()
	v, err := fetch()
	if err != nil {
		return nil, err
	}
	c.store(k, v, st)
	return clone(v), nil
}

// Partner is the wrapped store's Partner, cached by the key it is asked by.
func (c *Store) Partner(ctx context.Context, key hub.PartnerKey) (*hub.Partner, error) {
	k, ok := partnerKey(key)
	if !ok {
		return c.Store.Partner(ctx, key)
	}
	return cached(c, k, func() (*hub.Partner, error) { return c.Store.Partner(ctx, key) }, clonePartner)
}

// partnerKey is the cache key of a partner key; ok is false for the zero
// key.
func partnerKey(key hub.PartnerKey) (objectKey, bool) {
	switch {
	case key.ID != 0:
		return objectKey{kind: kindPartnerID, id: key.ID}, true
	case key.SID != "":
		return objectKey{kind: kindPartnerSID, s: key.SID}, true
	case key.Ref != "":
		return objectKey{kind: kindPartnerRef, s: key.Ref}, true
	}
	return objectKey{}, false
}

// PartnerWithTokenCredentials answers as cachedBeside does.
func (c *Store) PartnerWithTokenCredentials(ctx context.Context, key hub.PartnerKey, accessHash string) (*hub.Partner, *hub.TokenCredentials, error) {
	return cachedBeside(c, key, objectKey{kind: kindToken, s: accessHash},
		func() (*hub.TokenCredentials, error) { return c.TokenCredentials(ctx, accessHash) },
		func() (*hub.Partner, error) { return c.Partner(ctx, key) },
		func() (*hub.Partner, *hub.TokenCredentials, error) {
			return c.Store.PartnerWithTokenCredentials(ctx, key, accessHash)
		}, cloneTokenCredentials)
}

// PartnerWithUser answers as cachedBeside does.
func (c *Store) PartnerWithUser(ctx context.Context, key hub.PartnerKey, userID int64) (*hub.Partner, *hub.User, error) {
	return cachedBeside(c, key, objectKey{kind: kindUser, id: userID},
		func() (*hub.User, error) { return c.User(ctx, userID) },
		func() (*hub.Partner, error) { return c.Partner(ctx, key) },
		func() (*hub.Partner, *hub.User, error) { return c.Store.PartnerWithUser(ctx, key, userID) },
		cloneUser)
}

// cachedBeside answers a combined read of a partner (key) and another
// object (cached as k) from the cache when it holds either of them, by
// each one's own cached read (other, then partner); else it makes the
// wrapped store's one combined read (both) and caches both objects.
func cachedBeside[T any](c *Store, key hub.PartnerKey, k objectKey, other func() (*T, error), partner func() (*hub.Partner, error),
	both func() (*hub.Partner, *T, error), clone func(*T) *T) (*hub.Partner, *T, error) {
	pk, ok := partnerKey(key)
	_, partnerHeld := c.live(pk)
	if _, otherHeld := c.live(k); !ok || partnerHeld || otherHeld {
		v, err := other()
		if err != nil {
			return nil, nil, err
		}
		p, err := partner()
		if err != nil {
			return nil, nil, err
		}
		return p, v, nil
	}
	c.misses.Add(2)
	st := c.stamp()
	p, v, err := both()
	if err != nil {
		return nil, nil, err
	}
	c.store(k, v, st)
	c.store(pk, p, st)
	return clonePartner(p), clone(v), nil
}

// User is the wrapped store's User, cached by id.
func (c *Store) User(ctx context.Context, id int64) (*hub.User, error) {
	return cached(c, objectKey{kind: kindUser, id: id},
		func() (*hub.User, error) { return c.Store.User(ctx, id) }, cloneUser)
}

// TokenCredentials is the wrapped store's, cached by the hash.
func (c *Store) TokenCredentials(ctx context.Context, accessHash string) (*hub.TokenCredentials, error) {
	return cached(c, objectKey{kind: kindToken, s: accessHash},
		func() (*hub.TokenCredentials, error) { return c.Store.TokenCredentials(ctx, accessHash) }, cloneTokenCredentials)
}

// APIKeyByPrefix is the wrapped store's, cached by the prefix.
func (c *Store) APIKeyByPrefix(ctx context.Context, prefix string) (*hub.APIKeyCredentials, error) {
	return cached(c, objectKey{kind: kindAPIKey, s: prefix},
		func() (*hub.APIKeyCredentials, error) { return c.Store.APIKeyByPrefix(ctx, prefix) }, cloneAPIKeyCredentials)
}

// ListPartners is the wrapped store's, cached by subtree and query; a
// shuffled order is never cached. The page is shared with the cache and
// must not be modified (see the package comment): copying a hundred
// partners would cost more than the rest of a cached request.
func (c *Store) ListPartners(ctx context.Context, path string, q hub.ListQuery) (hub.Page[hub.Partner], error) {
	if q.Shuffle {
		return c.Store.ListPartners(ctx, path, q)
	}
	k := listKey{path: path, query: queryKey(q)}
	c.mu.RLock()
	e, ok := c.lists[k]
	c.mu.RUnlock()
	if ok && e.gen == c.gen.Load() && c.opt.Now().Before(e.expires) {
		c.hits.Add(1)
		if c.opt.Verify && fingerprint(e.page) != e.sum {
			panic("readcache: a cached list page was modified by a caller")
		}
		return e.page, nil
	}
	c.misses.Add(1)
	gen := c.gen.Load()
	page, err := c.Store.ListPartners(ctx, path, q)
	if err != nil {
		return page, err
	}
	c.storeList(k, page, gen)
	return page, nil
}

// fingerprint is a hash of everything in page, for Options.Verify.
func fingerprint(page hub.Page[hub.Partner]) [32]byte {
	b, err := json.Marshal(page)
	if err != nil {
		panic("readcache: fingerprint: " + err.Error())
	}
	return sha256.Sum256(b)
}

// storeList keeps a page within the MaxListItems and MaxBytes budgets.
func (c *Store) storeList(k listKey, page hub.Page[hub.Partner], gen uint64) {
	weight := len(page.Items) + 1
	size := pageSize(page) + entryOverhead + int64(len(k.path)+len(k.query))
	budget := c.opt.MaxBytes / 2
	if weight > c.opt.MaxListItems/4 || size > budget/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen.Load() {
		return
	}
	c.dropList(k)
	for lk := range c.lists { // arbitrary (map) order
		if c.listItems+weight <= c.opt.MaxListItems && c.listBytes+size <= budget {
			break
		}
		c.dropList(lk)
	}
	e := listEntry{page: page, gen: gen, expires: c.opt.Now().Add(c.opt.TTL), size: size}
	if c.opt.Verify {
		e.sum = fingerprint(page)
	}
	c.lists[k] = e
	c.listItems += weight
	c.listBytes += size
}

// dropList deletes the page under k, if any, with its weight and bytes;
// c.mu must be held.
func (c *Store) dropList(k listKey) {
	if e, ok := c.lists[k]; ok {
		c.listItems -= len(e.page.Items) + 1
		c.listBytes -= e.size
		delete(c.lists, k)
	}
}

// queryKey is the canonical text of a list query.
func queryKey(q hub.ListQuery) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(q.Limit))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(q.Offset))
	b.WriteByte(' ')
	b.WriteString(strconv.FormatInt(q.After, 10))
	b.WriteByte(' ')
	b.WriteString(strconv.FormatInt(q.Before, 10))
	for _, o := range q.Order {
		b.WriteByte(' ')
		b.WriteString(strconv.Quote(o.Field))
		if o.Desc {
			b.WriteString(" desc")
		}
	}
	b.WriteString(" | ")
	b.WriteString(filter.Key(q.Filter))
	return b.String()
}
