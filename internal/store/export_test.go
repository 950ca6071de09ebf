package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// SetListenPingInterval sets how long the change feed waits quietly before
// it pings, and returns a function restoring the previous value.
func SetListenPingInterval(d time.Duration) (restore func()) {
	old := listenPingInterval
	listenPingInterval = d
	return func() { listenPingInterval = old }
}

// MigrateTo moves db's schema to exactly version v, down or up.
func (db *DB) MigrateTo(ctx context.Context, v int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if cur > v {
		_, err = p.DownTo(ctx, v)
	} else {
		_, err = p.UpTo(ctx, v)
	}
	return err
}

// SetClock replaces the session store's clock, for tests of expiry.
func (s *SessionStore) SetClock(now func() time.Time) { s.now = now }

// Statement is one read statement the store ran, with its arguments.
type Statement struct {
	SQL  string
	Args []any
	// Custom reports that the statement ran on the reader's custom-plan
	// querier (reader.custom).
	Custom bool
}

// RecordReads makes db record every statement its reader runs until the
// returned function is called; that function restores the reader and
// returns the statements in the order they ran.
// Statements of all of the reader's queriers (reader.custom and
// reader.native too) are recorded, in one list.
func (db *DB) RecordReads() (stop func() []Statement) {
	stmts := new([]Statement)
	q, custom, native := db.reader.q, db.reader.custom, db.reader.native
	db.reader.q = &recorder{querier: q, stmts: stmts}
	if custom != nil {
		db.reader.custom = &rowsRecorder{rowsQuerier: custom, stmts: stmts}
	}
	if native != nil {
		db.reader.native = &rowRecorder{rowReader: native, stmts: stmts}
	}
	return func() []Statement {
		db.reader.q, db.reader.custom, db.reader.native = q, custom, native
		return *stmts
	}
}

// rowRecorder records the statements of the native one-row reader.
type rowRecorder struct {
	rowReader
	stmts *[]Statement
}

func (r *rowRecorder) scanRow(ctx context.Context, query string, args []any, dest []any) error {
	*r.stmts = append(*r.stmts, Statement{query, args, false})
	return r.rowReader.scanRow(ctx, query, args, dest)
}

type recorder struct {
	querier
	stmts *[]Statement
}

func (r *recorder) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	*r.stmts = append(*r.stmts, Statement{query, args, false})
	return r.querier.QueryContext(ctx, query, args...)
}

// rowsRecorder records the statements of the custom-plan querier.
type rowsRecorder struct {
	rowsQuerier
	stmts *[]Statement
}

func (r *rowsRecorder) queryRows(ctx context.Context, query string, args ...any) (resultRows, error) {
	*r.stmts = append(*r.stmts, Statement{query, args, true})
	return r.rowsQuerier.queryRows(ctx, query, args...)
}

func (r *recorder) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	*r.stmts = append(*r.stmts, Statement{query, args, false})
	return r.querier.QueryRowContext(ctx, query, args...)
}

// Explain returns the plan of s: on SQLite the lines of EXPLAIN QUERY
// PLAN, each indented two spaces per level below the top; on PostgreSQL
// the document of EXPLAIN (FORMAT JSON).
func (db *DB) Explain(ctx context.Context, s Statement) (string, error) {
	if db.d.name == "postgres" {
		var doc string
		err := db.read.QueryRowContext(ctx, `EXPLAIN (FORMAT JSON) `+s.SQL, s.Args...).Scan(&doc)
		return doc, err
	}
	return explainSQLite(ctx, db.read, s)
}

// ExplainWriter is Explain on SQLite's writer connection, the one write
// transactions read through.
func (db *DB) ExplainWriter(ctx context.Context, s Statement) (string, error) {
	return explainSQLite(ctx, db.write, s)
}

func explainSQLite(ctx context.Context, q *sql.DB, s Statement) (string, error) {
	rows, err := q.QueryContext(ctx, `EXPLAIN QUERY PLAN `+s.SQL, s.Args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	depth := map[int]int{0: -1}
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		depth[id] = depth[parent] + 1
		b.WriteString(strings.Repeat("  ", depth[id]) + detail + "\n")
	}
	return b.String(), rows.Err()
}

// SetAfterListCount makes fn run after each list's count apart and before
// its page; it returns a function restoring the previous hook.
func SetAfterListCount(fn func()) (restore func()) {
	old := afterListCount
	afterListCount = fn
	return func() { afterListCount = old }
}

// SetAfterListBegin sets the hook run once a SQLite list's read
// transaction has begun, and returns a function restoring the previous one.
func SetAfterListBegin(fn func()) (restore func()) {
	old := afterListBegin
	afterListBegin = fn
	return func() { afterListBegin = old }
}

// PlanCacheModes returns the plan_cache_mode of a session of the reader's
// querier and of its custom-plan querier ("" when it has none).
// SQLite has no such setting: "" and "".
func (db *DB) PlanCacheModes(ctx context.Context) (reads, custom string, err error) {
	if db.d.name != "postgres" {
		return "", "", nil
	}
	if err := db.reader.q.QueryRowContext(ctx, `SHOW plan_cache_mode`).Scan(&reads); err != nil {
		return "", "", err
	}
	if db.reader.custom == nil {
		return reads, "", nil
	}
	rows, err := db.reader.custom.queryRows(ctx, `SHOW plan_cache_mode`)
	if err != nil {
		return "", "", err
	}
	defer rows.Close()
	if !rows.Next() {
		return "", "", fmt.Errorf("SHOW plan_cache_mode: no row (%v)", rows.Err())
	}
	err = rows.Scan(&custom)
	return reads, custom, err
}
