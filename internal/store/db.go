// Package store implements the domain's storage (hub.Store) on SQLite
// (modernc.org/sqlite, no cgo) and PostgreSQL (pgx/v5) with one set of
// hand-written SQL texts using $n placeholders; a small dialect value
// covers the few differences.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// DB is a hub.Store backed by a SQL database. Reads go to a read pool;
// writes go through Write, one transaction per call.
type DB struct {
	reader
	write *sql.DB
	read  *sql.DB
	close func()
	// listen configures the connection WatchChanges listens on
	// (PostgreSQL only; nil on SQLite).
	listen *pgx.ConnConfig
	// channel is the change feed's notification channel (PostgreSQL).
	channel string
	// jobs inserts River jobs in write transactions; jobDriver is the
	// River driver over the writer pool; listenPool gives River's
	// workers their LISTEN connections (PostgreSQL only). See jobs.go.
	jobs       *river.Client[*sql.Tx]
	jobDriver  riverdriver.Driver[*sql.Tx]
	listenPool *pgxpool.Pool
}

var _ hub.Store = (*DB)(nil)

// Options tune Open.
type Options struct {
	// ReadConns bounds the read pool (SQLite) or the whole pool
	// (PostgreSQL); 0 chooses a default.
	ReadConns int
	// SkipMigrate leaves the schema alone (for `migrate status`).
	SkipMigrate bool
}

// Open connects to the database named by url and applies pending
// migrations. url is "sqlite:PATH", "file:PATH", a bare path (SQLite), or
// "postgres://..." / "postgresql://..." (PostgreSQL).
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	var db *DB
	var err error
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err = openPostgres(ctx, url, opt)
	default:
		db, err = openSQLite(ctx, url, opt)
	}
	if err != nil {
		return nil, err
	}
	if err := db.openJobs(); err != nil {
		db.Close()
		return nil, err
	}
	if !opt.SkipMigrate {
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// Close releases every connection.
func (db *DB) Close() error {
	db.close()
	return nil
}

// Dialect names the engine: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.d.name }

// Stats reports the read pool's statistics (the whole pool on PostgreSQL).
func (db *DB) Stats() sql.DBStats { return db.read.Stats() }

// Ping reports whether the database answers and every migration is applied.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", redact(err))
	}
	pending, err := db.pendingMigrations(ctx)
	if err != nil {
		return fmt.Errorf("migration status: %w", redact(err))
	}
	if pending {
		return errors.New("database has pending migrations")
	}
	return nil
}

// Write runs fn in one transaction on the writer. On SQLite the writer is
// one connection whose transactions begin IMMEDIATE, so writes are
// serialized; on PostgreSQL rows and advisory locks do that.
func (db *DB) Write(ctx context.Context, fn func(hub.Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return classify(db.d, err)
	}
	t := &tx{reader: reader{q: sqlTx, d: db.d}, tx: sqlTx, jobs: db.jobs}
	if err := fn(t); err != nil {
		_ = sqlTx.Rollback()
		return classify(db.d, err)
	}
	if err := sqlTx.Commit(); err != nil {
		return classify(db.d, err)
	}
	return nil
}

// WriteSQL runs fn in one write transaction with raw access, for bulk
// loaders such as seeding that work below the domain.
func (db *DB) WriteSQL(ctx context.Context, fn func(*sql.Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return classify(db.d, err)
	}
	if err := fn(sqlTx); err != nil {
		_ = sqlTx.Rollback()
		return classify(db.d, err)
	}
	return classify(db.d, sqlTx.Commit())
}

// querier is satisfied by *sql.DB and *sql.Tx, so read code serves both.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// reader implements hub.Reader over a querier.
type reader struct {
	q querier
	d *dialect
	// custom, when set, runs the page statements of a list that asks for
	// plans of their own values (listSpec.customPlans). On PostgreSQL it
	// is a pool of its own whose sessions plan every execution of a
	// prepared statement with its values (plan_cache_mode =
	// force_custom_plan): a path range's width decides between walking an
	// index in the requested order and sorting the range's matches, which
	// a generic plan cannot see (it guessed a narrow range and, over an
	// 11,111-partner branch, read and sorted every match of a country:
	// 3.6 ms where the walk takes under 1 ms). The statements stay
	// prepared, parsed once per connection; only the planning is per call.
	// Its rows are read natively (pgxPoolRows). Nil on SQLite and in a
	// transaction.
	custom rowsQuerier
	// native, when set, reads the one-row statements of the requests
	// that matter most (token checks, a partner by key) through the
	// driver itself on q's own connections, past database/sql's
	// per-read work (pgxRowReader, sqliteRowReader). Nil in a
	// transaction.
	native rowReader
}

// scanRow reads the one row of stmt into dest: sql.ErrNoRows when there
// is none.
func (r reader) scanRow(ctx context.Context, stmt string, args []any, dest []any) error {
	if r.native != nil {
		return r.native.scanRow(ctx, stmt, args, dest)
	}
	return r.q.QueryRowContext(ctx, stmt, args...).Scan(dest...)
}

// row returns the one row of stmt for a scan helper that takes a
// rowScanner (as *sql.Row is): its Scan reads through scanRow, so a read
// outside a transaction takes the driver's own path where the engine has
// one. Scan reports sql.ErrNoRows when there is no row.
func (r reader) row(ctx context.Context, stmt string, args ...any) rowScanner {
	return scannedRow{r: r, ctx: ctx, stmt: stmt, args: args}
}

// scannedRow is a statement's one row, read when scanned (reader.row).
type scannedRow struct {
	r    reader
	ctx  context.Context
	stmt string
	args []any
}

func (s scannedRow) Scan(dest ...any) error { return s.r.scanRow(s.ctx, s.stmt, s.args, dest) }

// tx implements hub.Tx.
type tx struct {
	reader
	tx   *sql.Tx
	jobs *river.Client[*sql.Tx]
}
