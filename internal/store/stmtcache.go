package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statement cache. List queries vary with the
// shape of a filter (never with its values, which are bound), so the set of
// texts is open-ended; past the bound, queries simply run unprepared.
const maxCachedStmts = 512

// stmtCache is a querier over a pool that prepares each distinct SQL text
// once and reuses it. SQLite parses a statement on every unprepared call,
// which is most of the cost of a point read (PostgreSQL's pgx driver keeps
// its own per-connection cache, so it does not need this).
type stmtCache struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: make(map[string]*sql.Stmt)}
}

// cached returns the prepared statement for query, or nil when there is
// none yet; it never prepares one.
func (c *stmtCache) cached(query string) *sql.Stmt {
	s, _ := c.lookup(query)
	return s
}

// lookup returns query's prepared statement (nil when there is none) and
// whether the cache is full, under one read lock.
func (c *stmtCache) lookup(query string) (*sql.Stmt, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.stmts[query], len(c.stmts) >= maxCachedStmts
}

// stmt returns the prepared statement for query, or nil when it cannot be
// cached (cache full, or preparing failed: the plain call reports why).
// Preparing takes a connection of the pool: a caller holding one (in a
// transaction) must not call it, or callers holding every connection
// would wait for each other (see txStmts).
func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	s, full := c.lookup(query)
	if s != nil || full {
		return s
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.stmts[query]; ok {
		s.Close()
		return prev
	}
	c.stmts[query] = s
	return s
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := c.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := c.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := c.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// close releases every prepared statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.stmts {
		s.Close()
		delete(c.stmts, q)
	}
}

// txStmts is a querier over one read transaction that uses the cache's
// prepared statements (database/sql reuses each one's preparation on the
// transaction's connection when it has one there). A text not prepared
// yet runs unprepared on the transaction and is recorded in missed, for
// the caller to prepare once the transaction has ended: preparing it now
// would wait for a second connection of the pool while holding one, and
// as many transactions as the pool has connections would wait forever.
type txStmts struct {
	tx     *sql.Tx
	cache  *stmtCache
	missed *[]string
}

// stmt returns the transaction's form of query's prepared statement, or
// nil (recording the miss).
func (t txStmts) stmt(ctx context.Context, query string) *sql.Stmt {
	if s := t.cache.cached(query); s != nil {
		return t.tx.StmtContext(ctx, s)
	}
	*t.missed = append(*t.missed, query)
	return nil
}

// prepareMissed prepares the texts the transaction ran unprepared; call
// it after the transaction ended.
func (t txStmts) prepareMissed(ctx context.Context) {
	for _, q := range *t.missed {
		t.cache.stmt(ctx, q)
	}
}

func (t txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t txStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t txStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}
