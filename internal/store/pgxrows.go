package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// resultRows is what a page statement's rows are read through: *sql.Rows,
// or pgx's rows read natively (pgxRows).
type resultRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// rowsQuerier runs a statement that returns rows.
type rowsQuerier interface {
	queryRows(ctx context.Context, stmt string, args ...any) (resultRows, error)
}

// sqlRowsQuerier adapts a querier (database/sql).
type sqlRowsQuerier struct{ q querier }

func (s sqlRowsQuerier) queryRows(ctx context.Context, stmt string, args ...any) (resultRows, error) {
	rows, err := s.q.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// pgxPoolRows runs statements on a pgx pool natively: each value is
// decoded straight into its destination (the store's scanners implement
// pgx's scanner interfaces) rather than into a driver.Value first and
// converted again by database/sql, which for a 100-row page of 49 columns
// was a third of serve's CPU.
type pgxPoolRows struct{ pool *pgxpool.Pool }

func (p pgxPoolRows) queryRows(ctx context.Context, stmt string, args ...any) (resultRows, error) {
	rows, err := p.pool.Query(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	return pgxRows{rows}, nil
}

// rowReader reads the one row of a statement (see reader.scanRow).
type rowReader interface {
	scanRow(ctx context.Context, stmt string, args []any, dest []any) error
}

// pgxRowReader reads one row natively through pgx on a connection of a
// database/sql pool over pgx (sqlOverPool): the same connection, prepared
// statement and plan a database/sql read would take, without database/sql
// setting up a conversion for every column first (for a token check with
// the partner it reads ahead, 68 columns; at 80 columns 7 % of serve's
// CPU).
type pgxRowReader struct{ db *sql.DB }

func (p pgxRowReader) scanRow(ctx context.Context, stmt string, args []any, dest []any) error {
	conn, err := p.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		err := dc.(*stdlib.Conn).Conn().QueryRow(ctx, stmt, args...).Scan(dest...)
		if errors.Is(err, pgx.ErrNoRows) {
			return sql.ErrNoRows
		}
		return err
	})
}

// pgxRows gives pgx.Rows the Close of *sql.Rows.
type pgxRows struct{ pgx.Rows }

func (r pgxRows) Close() error {
	r.Rows.Close()
	return r.Rows.Err()
}

// The store's scanners read pgx's values natively too (see pgxPoolRows);
// each gives what its sql.Scanner gives for the same column.

// ScanText implements pgtype.TextScanner: NULL is the empty string.
func (s textScan) ScanText(v pgtype.Text) error {
	*s.Dest = ""
	if v.Valid {
		*s.Dest = v.String
	}
	return nil
}

// ScanTimestamptz implements pgtype.TimestamptzScanner.
func (s timeScan) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid {
		return errors.New("converting NULL to time.Time is unsupported")
	}
	*s.Dest = v.Time.UTC()
	return nil
}

// ScanTimestamptz implements pgtype.TimestamptzScanner.
func (s nullTimeScan) ScanTimestamptz(v pgtype.Timestamptz) error {
	*s.Dest = nil
	if v.Valid {
		t := v.Time.UTC()
		*s.Dest = &t
	}
	return nil
}

// ScanBytes implements pgtype.BytesScanner for a JSON column: src is the
// document's text, nil for NULL.
func (j jsonScan[T]) ScanBytes(src []byte) error {
	if src == nil {
		return j.Scan(nil)
	}
	return j.Scan(string(src))
}
