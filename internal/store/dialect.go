package store

import (
	"context"

	"github.com/pressly/goose/v3"

	"github.com/partnerhub/partnerhub/internal/filter"
)

// treeLockKey is the PostgreSQL advisory lock key that serializes tree
// moves ("partnerhub tree" folded into an int64).
const treeLockKey int64 = 0x7061727468756231

// dialect is what differs between the engines; the SQL texts are shared.
type dialect struct {
	name          string
	goose         goose.Dialect
	filter        filter.Dialect
	nextPartnerID string // returns one fresh partner id
	// lockTree takes the tree lock inside a transaction; nil means the
	// engine's single writer already serializes every write.
	lockTree func(ctx context.Context, q querier, exclusive bool) error
	// unindexed, when set, wraps a column reference so the planner does
	// not use the column's index for a condition on it (same value).
	unindexed func(column string) string
	// bindLimit binds a list's LIMIT and OFFSET as parameters rather than
	// writing them into the SQL text, so pages of one list shape share one
	// text (and one prepared statement in the SQLite statement cache).
	// PostgreSQL keeps literals: its generic plans would not see a bound
	// LIMIT's value.
	bindLimit bool
	// foldCount makes a list's total ride on its page's rows (a scalar
	// subquery, evaluated once) rather than come from a statement apart:
	// on a server every statement is a round trip. SQLite, in process,
	// keeps the count apart, where the page's plan may depend on it.
	foldCount bool
	// isUnique / isForeignKey / isRetryable classify driver errors.
	isUnique, isForeignKey, isRetryable func(error) bool
}
