package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/partnerhub/partnerhub/internal/filter"
)

var postgresDialect = &dialect{
	name:          "postgres",
	goose:         goose.DialectPostgres,
	filter:        filter.Postgres,
	foldCount:     true,
	nextPartnerID: `SELECT nextval('partners_id_seq')`,
	lockTree: func(ctx context.Context, q querier, exclusive bool) error {
		stmt := `SELECT pg_advisory_xact_lock_shared($1)`
		if exclusive {
			stmt = `SELECT pg_advisory_xact_lock($1)`
		}
		_, err := q.ExecContext(ctx, stmt, treeLockKey)
		return err
	},
	isUnique:     func(err error) bool { return pgCode(err) == "23505" },
	isForeignKey: func(err error) bool { return pgCode(err) == "23503" },
	isRetryable: func(err error) bool {
		c := pgCode(err)
		return c == "40001" || c == "40P01"
	},
}

func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// openPostgres opens a pgx pool behind database/sql; reads and writes
// share it.
func openPostgres(ctx context.Context, url string, opt Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL URL: %w", redact(err))
	}
	if opt.ReadConns > 0 {
		cfg.MaxConns = int32(opt.ReadConns)
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	// Bound every statement so a pathological query cannot hold a
	// connection forever; a URL may set its own statement_timeout.
	if _, set := cfg.ConnConfig.RuntimeParams["statement_timeout"]; !set {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = "30s"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL: %w", redact(err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("PostgreSQL %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, redact(err))
	}
	sqlDB := sqlOverPool(pool)
	var schema string
	if err := pool.QueryRow(ctx, `SELECT coalesce(current_schema(), '')`).Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("PostgreSQL: %w", redact(err))
	}
	// River's workers LISTEN on connections of their own, taken from this
	// pool only when a worker client starts.
	lcfg := cfg.Copy()
	lcfg.MinConns, lcfg.MaxConns = 0, 4
	listenPool, err := pgxpool.NewWithConfig(ctx, lcfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("PostgreSQL: %w", redact(err))
	}
	// The custom-plan reads (see reader.custom) have sessions of their
	// own, opened as they are needed.
	ccfg := cfg.Copy()
	ccfg.MinConns = 0
	ccfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	customPool, err := pgxpool.NewWithConfig(ctx, ccfg)
	if err != nil {
		pool.Close()
		listenPool.Close()
		return nil, fmt.Errorf("PostgreSQL: %w", redact(err))
	}
	db := &DB{reader: reader{q: sqlDB, d: postgresDialect, custom: pgxPoolRows{customPool}, native: pgxRowReader{sqlDB}}, write: sqlDB, read: sqlDB,
		listen: cfg.ConnConfig.Copy(), channel: changesChannel(schema), listenPool: listenPool}
	db.close = func() { customPool.Close(); sqlDB.Close(); pool.Close(); listenPool.Close() }
	return db, nil
}

// sqlOverPool opens database/sql over a pgx pool. database/sql keeps its
// connections (each holding one of the pool's) between statements rather
// than take one from the pool and give it back for every statement
// (OpenDBFromPool keeps none idle): a read is then one round trip of a
// cached prepared statement and no more. The pool's own lifetime checks
// see a connection only when it comes back, so database/sql recycles them
// itself.
func sqlOverPool(pool *pgxpool.Pool) *sql.DB {
	cfg := pool.Config()
	db := stdlib.OpenDBFromPool(pool)
	db.SetMaxOpenConns(int(cfg.MaxConns))
	db.SetMaxIdleConns(int(cfg.MaxConns))
	db.SetConnMaxLifetime(cfg.MaxConnLifetime)
	db.SetConnMaxIdleTime(cfg.MaxConnIdleTime)
	return db
}
