package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"reflect"
)

// maxConnStmts bounds the statements one read connection keeps prepared
// for one-row reads. Those reads use a handful of fixed texts; past the
// bound a read prepares its statement and finalizes it after use.
const maxConnStmts = 64

// sqliteDriverConn is what database/sql uses of a SQLite driver
// connection; sqliteReadConn passes all of it through.
type sqliteDriverConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// sqliteReadConnector opens the read pool's connections as
// sqliteReadConns.
type sqliteReadConnector struct{ driver.Connector }

// Connect implements driver.Connector.
func (c sqliteReadConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := dc.(sqliteDriverConn)
	if !ok {
		dc.Close()
		return nil, fmt.Errorf("SQLite driver connection %T lacks a method the read pool needs", dc)
	}
	return &sqliteReadConn{sqliteDriverConn: inner}, nil
}

// sqliteReadConn is a read connection that owns the statements its
// one-row reads prepare (sqliteRowReader) and finalizes them when it
// closes, before the driver connection: database/sql closes a connection
// the driver reports unusable (after a cancelled read, for one), and a
// SQLite connection closed with statements still open would stay open,
// with its file descriptors, until they were finalized.
//
// stmts is touched only by the goroutine holding the connection (inside
// database/sql's Conn.Raw) and by Close, which database/sql calls only
// on a connection nobody holds.
type sqliteReadConn struct {
	sqliteDriverConn
	stmts map[string]driver.Stmt
}

// Close finalizes the connection's statements, then closes it.
func (c *sqliteReadConn) Close() error {
	for query, st := range c.stmts {
		st.Close()
		delete(c.stmts, query)
	}
	return c.sqliteDriverConn.Close()
}

// stmt returns the statement for query prepared on c, and what to call
// once it has been used: a statement past maxConnStmts is finalized then.
func (c *sqliteReadConn) stmt(ctx context.Context, query string) (driver.Stmt, func(), error) {
	if st, ok := c.stmts[query]; ok {
		return st, func() {}, nil
	}
	st, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	if len(c.stmts) >= maxConnStmts {
		return st, func() { st.Close() }, nil
	}
	if c.stmts == nil {
		c.stmts = map[string]driver.Stmt{}
	}
	c.stmts[query] = st
	return st, func() {}, nil
}

// sqliteRowReader reads one row of a statement through the SQLite
// driver's own connection (database/sql's Conn.Raw) on statements that
// connection keeps prepared: what database/sql adds around a one-row
// read (finding the prepared statement's copy for the connection, setting
// up a conversion of every column through reflection, a goroutine
// watching the context for the rows) was a tenth of serve's CPU on an
// uncached GET. The pool must be opened with sqliteReadConnector.
type sqliteRowReader struct{ db *sql.DB }

func (s sqliteRowReader) scanRow(ctx context.Context, query string, args []any, dest []any) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*sqliteReadConn)
		if !ok {
			return fmt.Errorf("SQLite read pool connection is %T, not opened by sqliteReadConnector", dc)
		}
		st, done, err := c.stmt(ctx, query)
		if err != nil {
			return err
		}
		defer done()
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			v, err := driver.DefaultParameterConverter.ConvertValue(a)
			if err != nil {
				return fmt.Errorf("argument $%d: %w", i+1, err)
			}
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
		}
		q, ok := st.(driver.StmtQueryContext)
		if !ok {
			return fmt.Errorf("SQLite statement %T cannot query with a context", st)
		}
		rows, err := q.QueryContext(ctx, named)
		if err != nil {
			return err
		}
		err = readOneRow(rows, dest)
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

// readOneRow reads the first row of rows into dest (sql.ErrNoRows when
// there is none), converting with assignValue.
func readOneRow(rows driver.Rows, dest []any) error {
	if n := len(rows.Columns()); n != len(dest) {
		return fmt.Errorf("sql: expected %d destination arguments in Scan, not %d", n, len(dest))
	}
	vals := make([]driver.Value, len(dest))
	if err := rows.Next(vals); err == io.EOF {
		return sql.ErrNoRows
	} else if err != nil {
		return err
	}
	for i, v := range vals {
		if err := assignValue(dest[i], v); err != nil {
			return fmt.Errorf("sql: Scan error on column index %d, name %q: %w", i, rows.Columns()[i], err)
		}
	}
	return nil
}

// assignValue stores a value SQLite's driver returned in dest as
// database/sql's Scan does for the pairings the store's reads use:
// through dest's Scan when it is an sql.Scanner; else text into a string,
// an integer into an integer or, as 0 or 1, into a bool (of any named
// type). NULL is an error, as it is for Scan; so is any other pairing,
// some of which Scan would convert.
func assignValue(dest any, src driver.Value) error {
	if sc, ok := dest.(sql.Scanner); ok {
		return sc.Scan(src)
	}
	switch d := dest.(type) {
	case *string:
		if v, ok := src.(string); ok {
			*d = v
			return nil
		}
	case *int64:
		if v, ok := src.(int64); ok {
			*d = v
			return nil
		}
	}
	p := reflect.ValueOf(dest)
	if p.Kind() != reflect.Pointer || p.IsNil() {
		return fmt.Errorf("destination not a pointer: %T", dest)
	}
	e := p.Elem()
	switch v := src.(type) {
	case nil:
		return fmt.Errorf("converting NULL to %s is unsupported", e.Kind())
	case string:
		if e.Kind() == reflect.String {
			e.SetString(v)
			return nil
		}
	case []byte:
		if e.Kind() == reflect.String {
			e.SetString(string(v))
			return nil
		}
	case int64:
		switch e.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if !e.OverflowInt(v) {
				e.SetInt(v)
				return nil
			}
		case reflect.Bool:
			if v == 0 || v == 1 {
				e.SetBool(v == 1)
				return nil
			}
		}
	case bool:
		if e.Kind() == reflect.Bool {
			e.SetBool(v)
			return nil
		}
	}
	return fmt.Errorf("unsupported Scan, storing driver.Value type %T into type %T", src, dest)
}
