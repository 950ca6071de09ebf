package hub

import "github.com/partnerhub/partnerhub/internal/filter"

// Page-size and ordering bounds shared by every list.
const (
	DefaultLimit  = 10
	MaxLimit      = 1000
	MaxOrderTerms = 4
)

// OrderTerm is one ordering key, named by the resource's domain field
// name (see ListFields).
type OrderTerm struct {
	Field string
	Desc  bool
	// As is the field as the caller wrote it, when a face translated its
	// public name into Field; messages name it. Empty means Field.
	As string
}

// name is the field as the caller wrote it.
func (t OrderTerm) name() string {
	if t.As != "" {
		return t.As
	}
	return t.Field
}

// Sent records which paging parameters a caller sent, so that Validate
// can tell a zero it was sent (limit=0, offset=0 beside a cursor, an
// empty after= meaning "cursor mode from the start") from one left out.
type Sent uint8

// The paging parameters a face marks as sent.
const (
	SentLimit Sent = 1 << iota
	SentOffset
	SentAfter
	SentBefore
)

// ListQuery is the one list request of the domain; each face spells it
// its own way, parses the syntax into it (field names translated to the
// domain's, see ListFields) and leaves every rule to Validate, which each
// Service list method calls. Order always gets the id as a final
// tie-breaker, so pages never skip or repeat a row. After and Before are
// keyset cursors (object ids) and exclude Offset and Shuffle.
type ListQuery struct {
	Filter  filter.Expr
	Order   []OrderTerm
	Shuffle bool
	Limit   int // 1..MaxLimit; 0 when not sent: DefaultLimit
	Offset  int
	After   int64
	Before  int64
	// Sent marks the parameters the caller sent; internal callers may
	// leave it zero, and then only non-zero values count as sent.
	Sent Sent
}

// sent reports whether parameter s was sent (or, for internal callers
// that do not say, is non-zero).
func (q *ListQuery) sent(s Sent, nonZero bool) bool { return q.Sent&s != 0 || nonZero }

// Cursor reports whether the query pages by cursor (after or before sent,
// even empty): a face's next/previous links then move the cursor rather
// than the offset.
func (q *ListQuery) Cursor() bool {
	return q.sent(SentAfter, q.After != 0) || q.sent(SentBefore, q.Before != 0)
}

// PageSize is the number of items a page of q holds at most: Limit, or
// DefaultLimit when the caller did not say.
func (q *ListQuery) PageSize() int {
	if q.Limit == 0 {
		return DefaultLimit
	}
	return q.Limit
}

// Validate checks the query against the bounds of every list and the
// vocabulary of the resource (fields): the page size, the offset, which
// parameters combine, and the order terms (each a sortable field, at most
// MaxOrderTerms). It fills the default page size. Errors are Invalid and
// name the parameter by its domain name (limit, offset, order, after);
// faces whose callers spell it otherwise rename it. Filter fields are
// checked where the filter is compiled, against the same vocabulary.
func (q *ListQuery) Validate(fields ListFields) error {
	after, before := q.sent(SentAfter, q.After != 0), q.sent(SentBefore, q.Before != 0)
	switch {
	case q.sent(SentLimit, q.Limit != 0) && (q.Limit < 1 || q.Limit > MaxLimit):
		return InvalidField("limit", "must be an integer from 1 to %d", MaxLimit)
	case q.Offset < 0:
		return InvalidField("offset", "must be a non-negative integer")
	case after && before:
		return InvalidField("after", "after and before cannot be combined")
	case (after || before) && q.sent(SentOffset, q.Offset != 0):
		return InvalidField("offset", "offset cannot be combined with after or before")
	case (after || before) && q.Shuffle:
		return InvalidField("order", "shuffle cannot be combined with after or before")
	case q.Shuffle && len(q.Order) > 0:
		return InvalidField("order", "shuffle cannot be combined with order fields")
	case len(q.Order) > MaxOrderTerms:
		return InvalidField("order", "at most %d order fields", MaxOrderTerms)
	}
	for _, t := range q.Order {
		if err := fields.checkOrder(t); err != nil {
			return err
		}
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	return nil
}

// checkOrder reports a term whose field is unknown or not sortable.
func (f ListFields) checkOrder(t OrderTerm) error {
	lf, ok := f[t.Field]
	switch {
	case !ok:
		return InvalidField("order", "unknown field %q", shortText(t.name()))
	case lf.Type == filter.JSON:
		return InvalidField("order", "cannot order by %q: it is an object", shortText(t.name()))
	case lf.Nullable:
		return InvalidField("order", "cannot order by %q: it may be null", shortText(t.name()))
	}
	return nil
}

// shortText bounds user text repeated in a message.
func shortText(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Page is one page of a list. HasMore tells whether rows follow this page
// in the query's direction; Total counts every match.
type Page[T any] struct {
	Items   []T
	Total   int64
	HasMore bool
}
