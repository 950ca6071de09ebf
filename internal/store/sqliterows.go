package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"reflect"
	"sync"
)

// sqliteRowReader reads one row of a statement through the SQLite
// driver's own connection (database/sql's Conn.Raw), on statements it
// prepares once per connection: what database/sql adds around a one-row
// read (a prepared statement's connection lookup, a goroutine watching the
// context for the rows, a conversion of every column through reflection)
// was a tenth of serve's CPU on an uncached GET. Each connection's
// statements are used only inside Raw, which holds that connection.
type sqliteRowReader struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[driver.Conn]map[string]driver.Stmt
	n     int // statements held, over all connections
}

func newSQLiteRowReader(db *sql.DB) *sqliteRowReader {
	return &sqliteRowReader{db: db, stmts: map[driver.Conn]map[string]driver.Stmt{}}
}

func (s *sqliteRowReader) scanRow(ctx context.Context, query string, args []any, dest []any) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		st, done, err := s.stmt(ctx, dc.(driver.Conn), query)
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
		rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, named)
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

// stmt returns the statement for query prepared on conn, and what to call
// once it has been used: a statement beyond maxCachedStmts (over all
// connections) is closed then.
func (s *sqliteRowReader) stmt(ctx context.Context, conn driver.Conn, query string) (driver.Stmt, func(), error) {
	s.mu.Lock()
	st, ok := s.stmts[conn][query]
	full := s.n >= maxCachedStmts
	s.mu.Unlock()
	if ok {
		return st, func() {}, nil
	}
	st, err := conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	if full {
		return st, func() { st.Close() }, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stmts[conn] == nil {
		s.stmts[conn] = map[string]driver.Stmt{}
	}
	s.stmts[conn][query] = st
	s.n++
	return st, func() {}, nil
}

// close finalizes every statement held; call it before the pool closes
// its connections, with no read running.
func (s *sqliteRowReader) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for conn, stmts := range s.stmts {
		for _, st := range stmts {
			st.Close()
		}
		delete(s.stmts, conn)
	}
	s.n = 0
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
