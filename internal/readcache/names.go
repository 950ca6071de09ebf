package readcache

import (
	"context"
	"unsafe"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// Names of partners and clients, cached one by one: a list page refers to
// a handful of parents, owners and top-level partners, asked for again by
// every request for the page. The kinds follow reads.go's.
const (
	kindPartnerName objectKind = 64 + iota
	kindClientName
)

// PartnerNames is the wrapped store's, cached per id: the ids not cached
// are read in one query.
func (c *Store) PartnerNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return c.names(ctx, kindPartnerName, ids, c.Store.PartnerNames)
}

// ClientNames is the wrapped store's, cached per id.
func (c *Store) ClientNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return c.names(ctx, kindClientName, ids, c.Store.ClientNames)
}

// name is a cached name.
type name struct{ s string }

func (n *name) size() int64 { return int64(unsafe.Sizeof(*n)) + int64(len(n.s)) }

func (c *Store) names(ctx context.Context, kind objectKind, ids []int64,
	fetch func(context.Context, []int64) (map[int64]string, error)) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	var miss []int64
	asked := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if asked[id] {
			continue
		}
		asked[id] = true
		if v, ok := c.lookup(objectKey{kind: kind, id: id}); ok {
			out[id] = v.(*name).s
		} else {
			miss = append(miss, id)
		}
	}
	if len(miss) == 0 {
		return out, nil
	}
	st := c.stamp()
	got, err := fetch(ctx, miss)
	if err != nil {
		return nil, err
	}
	for id, s := range got {
		out[id] = s
		c.store(objectKey{kind: kind, id: id}, &name{s: s}, st)
	}
	return out, nil
}

var _ hub.Reader = (*Store)(nil)
