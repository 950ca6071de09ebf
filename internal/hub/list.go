package hub

import "github.com/partnerhub/partnerhub/internal/filter"

// Page-size bounds shared by every list.
const (
	DefaultLimit = 10
	MaxLimit     = 1000
)

// OrderTerm is one ordering key: a public field name of the resource.
type OrderTerm struct {
	Field string
	Desc  bool
}

// ListQuery is the one list request of the domain; each face spells it its
// own way. Order always gets the id as a final tie-breaker, so pages never
// skip or repeat a row. After and Before are keyset cursors (object ids)
// and exclude Offset and Shuffle.
type ListQuery struct {
	Filter  filter.Expr
	Order   []OrderTerm
	Shuffle bool
	Limit   int
	Offset  int
	After   int64
	Before  int64
}

// Validate checks the query's bounds and combinations.
func (q *ListQuery) Validate() error {
	switch {
	case q.Limit < 0:
		return InvalidField("limit", "must not be negative")
	case q.Limit > MaxLimit:
		return InvalidField("limit", "must be at most %d", MaxLimit)
	case q.Offset < 0:
		return InvalidField("offset", "must not be negative")
	case q.After != 0 && q.Before != 0:
		return InvalidField("after", "after and before cannot be combined")
	case (q.After != 0 || q.Before != 0) && q.Offset != 0:
		return InvalidField("offset", "offset cannot be combined with after or before")
	case (q.After != 0 || q.Before != 0) && q.Shuffle:
		return InvalidField("order", "shuffle cannot be combined with after or before")
	case len(q.Order) > 4:
		return InvalidField("order", "at most 4 order fields")
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	return nil
}

// Page is one page of a list. HasMore tells whether rows follow this page
// in the query's direction; Total counts every match.
type Page[T any] struct {
	Items   []T
	Total   int64
	HasMore bool
}
