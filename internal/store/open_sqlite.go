package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"

	"github.com/partnerhub/partnerhub/internal/filter"
)

// SQLite result codes (sqlite3.h) used to classify errors.
const (
	sqliteBusy             = 5
	sqliteLocked           = 6
	sqliteConstraintFK     = 787
	sqliteConstraintPK     = 1555
	sqliteConstraintUnique = 2067
)

var sqliteDialect = &dialect{
	name:          "sqlite",
	goose:         goose.DialectSQLite3,
	filter:        filter.SQLite,
	nextPartnerID: `UPDATE partner_id_counter SET last = last + 1 RETURNING last`,
	// A unary plus keeps the value and collation but is not a column.
	unindexed: func(column string) string { return "+" + column },
	bindLimit: true,
	isUnique: func(err error) bool {
		c := sqliteCode(err)
		return c == sqliteConstraintUnique || c == sqliteConstraintPK
	},
	isForeignKey: func(err error) bool { return sqliteCode(err) == sqliteConstraintFK },
	isRetryable: func(err error) bool {
		c := sqliteCode(err) & 0xff
		return c == sqliteBusy || c == sqliteLocked
	},
}

func sqliteCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// sqlitePath turns "sqlite:PATH", "file:PATH" or "PATH" (each with an
// optional "?query") into a file path and the caller's extra parameters.
func sqlitePath(dsn string) (string, url.Values, error) {
	for _, prefix := range []string{"sqlite://", "sqlite:", "file://", "file:"} {
		if rest, ok := strings.CutPrefix(dsn, prefix); ok {
			dsn = rest
			break
		}
	}
	path, rawQuery, _ := strings.Cut(dsn, "?")
	if path == "" || path == ":memory:" || strings.HasPrefix(path, ":memory:") {
		return "", nil, errors.New("SQLite needs a file path (an in-memory database cannot be shared by the writer and the read pool)")
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", nil, fmt.Errorf("SQLite URL parameters: %w", err)
	}
	return path, q, nil
}

// hasPragma reports whether the caller's URL parameters set the pragma.
func hasPragma(q url.Values, name string) bool {
	for _, v := range q["_pragma"] {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), name) {
			return true
		}
	}
	return false
}

// openSQLite opens one writer connection (IMMEDIATE transactions, so two
// writers never deadlock on a lock upgrade) and a query-only read pool,
// both in WAL mode with foreign keys, a busy timeout, case-sensitive LIKE
// (filter.SQLite relies on it) and UTC times in a sortable text form.
func openSQLite(ctx context.Context, dsn string, opt Options) (*DB, error) {
	path, extra, err := sqlitePath(dsn)
	if err != nil {
		return nil, err
	}
	build := func(readOnly bool) string {
		q := url.Values{}
		for k, v := range extra {
			q[k] = v
		}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "case_sensitive_like(1)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_time_format", "sqlite")
		if readOnly {
			q.Add("_pragma", "query_only(1)")
			if !hasPragma(extra, "mmap_size") {
				// Readers copy the pages they miss into their own page
				// cache rather than map the file: a process that maps the
				// file once per read connection is charged the file's
				// resident pages once per mapping (RSS several times the
				// file on a large tree), and its pages are the OS's file
				// cache either way. A URL may ask for mapping with
				// _pragma=mmap_size(N).
				q.Add("_pragma", "mmap_size(0)")
			}
		} else {
			q.Add("_pragma", "journal_mode(WAL)")
			if !hasPragma(extra, "temp_store") {
				// A write to partners runs triggers (migration 00019),
				// so each of its statements keeps a statement journal;
				// past 64 KiB SQLite spills that journal to a temporary
				// file, and a bulk load's transaction then writes every
				// page it touches twice. The writer keeps its temporary
				// files in memory (a statement's worth of pages).
				q.Add("_pragma", "temp_store(MEMORY)")
			}
			q.Set("_txlock", "immediate")
		}
		return "file:" + path + "?" + q.Encode()
	}
	write, err := sql.Open("sqlite", build(false))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	// Touch the writer first so the file exists and WAL is on before readers open it.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	connector, err := sqlite.NewConnector(build(true))
	if err != nil {
		write.Close()
		return nil, err
	}
	read := sql.OpenDB(sqliteReadConnector{connector})
	n := opt.ReadConns
	if n <= 0 {
		n = max(4, runtime.NumCPU())
	}
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	cache := newStmtCache(read)
	db := &DB{reader: reader{q: cache, d: sqliteDialect, native: sqliteRowReader{read}}, write: write, read: read}
	db.close = func() { cache.close(); read.Close(); write.Close() }
	return db, nil
}
