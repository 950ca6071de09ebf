package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
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
